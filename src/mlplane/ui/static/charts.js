// Charts for the control panel. A page emits
//   <div data-chart='{"x": "time", "y_label": "...", "height": 220,
//                     "series": [{"label": "...", "points": [[x, y], ...]}]}'></div>
// and this draws it with uPlot, on first load and after every htmx swap. Optional keys:
// "style": "bar" draws bars instead of lines; "x": "category" with "categories": [...]
// labels each x (an index into that list).
(function () {
  "use strict";

  var PALETTE = [
    "--chart-1", "--chart-2", "--chart-3", "--chart-4",
    "--chart-5", "--chart-6", "--chart-7", "--chart-8",
  ];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // uPlot wants one shared x array and one y array per series; series may sample
  // different x values, so align them and leave gaps (null) where one has no point.
  function align(series) {
    var xs = [];
    var seen = new Set();
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (!seen.has(p[0])) { seen.add(p[0]); xs.push(p[0]); }
      });
    });
    xs.sort(function (a, b) { return a - b; });
    var index = new Map(xs.map(function (x, i) { return [x, i]; }));
    var data = [xs];
    series.forEach(function (s) {
      var ys = new Array(xs.length).fill(null);
      s.points.forEach(function (p) { ys[index.get(p[0])] = p[1]; });
      data.push(ys);
    });
    return data;
  }

  // Bars of several series at one x stand side by side: shift each series a little, so
  // that together they fill most of one step.
  function sideBySide(series, step) {
    var width = (step * 0.8) / series.length;
    return series.map(function (s, i) {
      var shift = (i - (series.length - 1) / 2) * width;
      return {
        label: s.label,
        points: s.points.map(function (p) { return [p[0] + shift, p[1]]; })
      };
    });
  }

  function withAlpha(color, alpha) {
    // Hex colours only; anything else is used as it is.
    var m = /^#([0-9a-f]{6})$/i.exec(color);
    if (!m) return color;
    var n = parseInt(m[1], 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function render(element) {
    if (element.dataset.chartDrawn) return;
    element.dataset.chartDrawn = "true";
    var spec = JSON.parse(element.dataset.chart);
    var series = spec.series || [];
    if (!series.some(function (s) { return s.points.length > 0; })) {
      var empty = document.createElement("div");
      empty.className = "empty";
      empty.textContent = "No data yet.";
      element.appendChild(empty);
      return;
    }
    var bars = spec.style === "bar";
    var step = 1;
    var unique = [];
    if (bars) {
      // The smallest distance between two x values: one group of bars fits in it.
      unique = align(series)[0];
      var gaps = unique.slice(1).map(function (x, i) { return x - unique[i]; });
      step = gaps.length ? Math.min.apply(null, gaps) : 1;
      if (series.length > 1) series = sideBySide(series, step);
    }
    var data = align(series);
    var grid = cssVar("--border", "#e5e7eb");
    var text = cssVar("--muted", "#6b7280");
    var axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    var height = spec.height || 220;
    var categories = spec.x === "category" ? (spec.categories || []) : null;
    var xScale = { time: spec.x !== "number" && spec.x !== "category" };
    var xAxis = Object.assign({}, axis);
    if (bars) {
      // Half a step of room on both sides, so the first and last groups are whole.
      xScale.range = function () { return [unique[0] - step / 2, unique[unique.length - 1] + step / 2]; };
    }
    if (categories) {
      var every = Math.max(1, Math.ceil(categories.length / 12));
      xAxis.splits = function () {
        return categories.map(function (_, i) { return i; }).filter(function (i) { return i % every === 0; });
      };
      xAxis.values = function (u, splits) {
        return splits.map(function (i) { return categories[i] === undefined ? "" : String(categories[i]); });
      };
    }
    var options = {
      width: Math.max(element.clientWidth, 200),
      height: height,
      scales: bars
        ? { x: xScale, y: { range: function (u, min, max) { return [Math.min(0, min), Math.max(0, max) * 1.05 || 1]; } } }
        : { x: xScale },
      legend: { show: series.length > 1, live: false },
      cursor: { points: { size: 6 } },
      axes: [
        xAxis,
        Object.assign({}, axis, { label: spec.y_label || "", size: 50, labelSize: 18 })
      ],
      series: [{}].concat(series.map(function (s, i) {
        var color = cssVar(PALETTE[i % PALETTE.length], "#4f46e5");
        if (bars) {
          return {
            label: s.label,
            stroke: color,
            width: 1,
            fill: withAlpha(color, 0.55),
            paths: uPlot.paths.bars({ size: [series.length > 1 ? 0.9 : 0.8, Infinity], gap: 1 }),
            points: { show: false }
          };
        }
        return {
          label: s.label,
          stroke: color,
          width: 2,
          fill: i === 0 ? withAlpha(color, 0.12) : undefined,
          points: { show: data[0].length <= 12 }
        };
      }))
    };
    var plot = new uPlot(options, data, element);
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var width = Math.max(element.clientWidth, 200);
        if (width !== plot.width) plot.setSize({ width: width, height: height });
      }).observe(element);
    }
  }

  function renderAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(render);
  }

  window.mlplaneCharts = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  } else {
    renderAll(document);
  }
  document.addEventListener("htmx:after:swap", function () { renderAll(document); });
})();

// Line charts for the control panel. A page emits
//   <div data-chart='{"x": "time", "y_label": "...", "height": 220,
//                     "series": [{"label": "...", "points": [[x, y], ...]}]}'></div>
// and this draws it with uPlot, on first load and after every htmx swap.
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
    var data = align(series);
    var grid = cssVar("--border", "#e5e7eb");
    var text = cssVar("--muted", "#6b7280");
    var axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    var height = spec.height || 220;
    var options = {
      width: Math.max(element.clientWidth, 200),
      height: height,
      scales: { x: { time: spec.x !== "number" } },
      legend: { show: series.length > 1, live: false },
      cursor: { points: { size: 6 } },
      axes: [
        Object.assign({}, axis),
        Object.assign({}, axis, { label: spec.y_label || "", size: 50, labelSize: 18 })
      ],
      series: [{}].concat(series.map(function (s, i) {
        var color = cssVar(PALETTE[i % PALETTE.length], "#4f46e5");
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

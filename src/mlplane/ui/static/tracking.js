// Experiment tracking pages: choosing runs to compare, and showing only what differs.
(function () {
  "use strict";
  // Loaded by each tracking page; a page htmx restores from history must not bind twice.
  if (window.mlplaneTracking) return;
  window.mlplaneTracking = true;

  function selectedRuns(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name === "runs" && element.checked;
    });
  }

  // <form data-compare>: the runs table's checkboxes belong to it through form="...".
  function updateCompareForms() {
    document.querySelectorAll("form[data-compare]").forEach(function (form) {
      var count = selectedRuns(form).length;
      form.querySelector("button[type=submit]").disabled = count < 2;
      var label = form.querySelector("[data-selection-count]");
      if (label) {
        label.textContent = count === 0 ? "Select runs to compare"
          : count === 1 ? "1 run selected: select one more" : count + " runs selected";
      }
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "runs") updateCompareForms();
    // <input type="checkbox" data-only-differences="table-id">: hide rows whose values agree.
    var tableId = target.getAttribute && target.getAttribute("data-only-differences");
    if (tableId) {
      var table = document.getElementById(tableId);
      if (table) table.classList.toggle("only-differences", target.checked);
    }
  });

  // The comparison's address lists the runs as `runs=a,b,c`, short enough to share.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-compare]")) return;
    event.preventDefault();
    var ids = selectedRuns(form).map(function (element) { return encodeURIComponent(element.value); });
    if (ids.length >= 2) window.location.assign(form.action + "?runs=" + ids.join(","));
  });

  document.addEventListener("htmx:after:swap", updateCompareForms);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateCompareForms);
  } else {
    updateCompareForms();
  }
})();

// Small behaviours of the control panel that HTML alone cannot express.
(function () {
  "use strict";

  // <button data-copy="#selector">: copy that element's text, and say so.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var label = button.querySelector("span") || button;
    var done = function () {
      label.textContent = "Copied";
      setTimeout(function () { label.textContent = "Copy"; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(done);
    } else {
      // Plain-http hosts other than localhost get no clipboard API: select the text instead.
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      label.textContent = "Press Ctrl+C";
    }
  });
})();

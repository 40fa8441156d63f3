/* Convene's small behaviours. No inline scripts anywhere: CSP allows only files from here. */
(function () {
  "use strict";
  // Forms marked data-confirm ask before they submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // A button marked data-print prints the page (the one-pager's "Print or save as PDF").
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });
  // htmx requests carry the CSRF token from the page.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = document.querySelector("input[name=csrf_token]");
    if (input) { event.detail.headers["X-CSRFToken"] = input.value; }
  });
  // A checkbox marked data-check-all="NAME" ticks or clears every NAME checkbox of its form.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.checkAll || !box.form) { return; }
    box.form.querySelectorAll("input[type=checkbox][name='" + box.dataset.checkAll + "']").forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();

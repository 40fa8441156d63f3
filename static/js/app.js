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
  // htmx requests carry the CSRF token from the page.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = document.querySelector("input[name=csrf_token]");
    if (input) { event.detail.headers["X-CSRFToken"] = input.value; }
  });
})();

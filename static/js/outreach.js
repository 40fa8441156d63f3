/* Outreach task list: show the "why not employer-to-employer" box only when a non-employer is
   chosen to ask an employer, and the referral fields only for "referred someone". */
(function () {
  "use strict";
  function sync(root) {
    root.querySelectorAll("form.assign select[name=owner_id]").forEach(function (select) {
      var option = select.options[select.selectedIndex];
      var reason = select.form.querySelector(".asker-reason");
      var needs = select.dataset.targetEmployer === "1" && option && option.value && option.dataset.employer === "0";
      if (reason) { reason.hidden = !needs && !reason.value; }
    });
    root.querySelectorAll("form.complete select.outcome").forEach(function (select) {
      var referred = select.form.querySelector(".referred");
      if (referred) { referred.hidden = select.value !== "referred"; }
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("form.assign, form.complete")) { sync(document); }
  });
  document.addEventListener("DOMContentLoaded", function () { sync(document); });
  document.addEventListener("htmx:afterSwap", function () { sync(document); });
})();

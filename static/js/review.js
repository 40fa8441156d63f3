/* The chairs' review: keyboard shortcuts (j/k move, a approve, i I'll ask, n not now reason,
   x select) and the batch bar's "select all" and count. No inline scripts (CSP). */
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll(".review-card"));
  var boxes = function () { return Array.prototype.slice.call(document.querySelectorAll("input[form=batch][name=person_id]")); };
  var count = document.getElementById("selected-count");
  var all = document.getElementById("select-all");
  var index = 0;

  function updateCount() {
    if (!count) { return; }
    var n = boxes().filter(function (b) { return b.checked; }).length;
    count.textContent = n + " selected";
  }
  function focusCard(i) {
    if (!cards.length) { return; }
    index = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach(function (c, k) { c.classList.toggle("current", k === index); });
    cards[index].focus();
    cards[index].scrollIntoView({ block: "nearest" });
  }
  function current() { return cards[index]; }
  function click(selector) {
    var el = current() && current().querySelector(selector);
    if (el) { el.click(); }
  }

  cards.forEach(function (card, k) {
    card.addEventListener("focusin", function () {
      index = k;
      cards.forEach(function (c, j) { c.classList.toggle("current", j === k); });
    });
  });
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      updateCount();
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[form=batch]")) { updateCount(); }
  });
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (t && (t.tagName === "INPUT" && t.type === "text" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
      if (event.key === "Escape") { t.blur(); focusCard(index); }
      // Enter in a reason box means "not now" (not the form's first button, approve)
      if (event.key === "Enter" && t.name === "reason" && t.form) {
        var notNow = t.form.querySelector("button[value=not_now]");
        if (notNow) { event.preventDefault(); notNow.click(); }
      }
      return;
    }
    switch (event.key) {
      case "j": focusCard(index + 1); break;
      case "k": focusCard(index - 1); break;
      case "a": click("button[value=approve]"); break;
      case "i": click("button[value=ill_ask]"); break;
      case "n": {
        var reason = current() && current().querySelector("input[name=reason]");
        if (reason) { reason.focus(); }
        break;
      }
      case "x": {
        var box = current() && current().querySelector("input[form=batch]");
        if (box) { box.checked = !box.checked; updateCount(); }
        break;
      }
      default: return;
    }
    event.preventDefault();
  });
  if (cards.length && !document.querySelector(".flash.error")) { focusCard(0); }
  updateCount();
})();

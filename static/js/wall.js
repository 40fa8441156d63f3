/* The launch's wall (templates/launch/_wall.html): drag a note onto an area (or back to "To
   sort") with a mouse. A drop sets the note's own pick control and submits its form, so a drag
   and a pick take one path; picking submits too, and the Move button stays for the keyboard. Listeners
   sit on the document, so the board htmx swaps in needs no new ones. */
(function () {
  "use strict";
  var dragged = null;
  function zoneOf(node) { return node && node.closest ? node.closest(".drop-zone") : null; }
  document.addEventListener("dragstart", function (event) {
    var note = event.target.closest && event.target.closest(".note[data-note]");
    if (!note) { return; }
    dragged = note;
    note.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", note.dataset.note);
  });
  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    document.querySelectorAll(".drop-zone.over").forEach(function (z) { z.classList.remove("over"); });
  });
  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event.target);
    if (!zone || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".drop-zone.over").forEach(function (z) { if (z !== zone) { z.classList.remove("over"); } });
    zone.classList.add("over");
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event.target);
    if (!zone || !dragged) { return; }
    event.preventDefault();
    zone.classList.remove("over");
    var form = dragged.querySelector("form.pick");
    var select = form && form.querySelector("select[name=priority_area_id]");
    if (!select || select.value === zone.dataset.area) { return; }
    select.value = zone.dataset.area;
    form.requestSubmit();
  });
  // Picking an area moves the note at once (the Move button stays for the keyboard and for
  // a page without scripts). On the document, like the drag: a board htmx has just swapped in
  // needs no wiring first, so a quick thumb is never lost.
  document.addEventListener("change", function (event) {
    var select = event.target;
    var form = select && select.name === "priority_area_id" && select.closest("form.pick");
    if (form) { form.requestSubmit(); }
  });
  // A refused change (400) still shows its message: the wall answers its fragment with it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target && event.detail.target.id === "wall") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

/* The partnership network map (templates/network/map.html), drawn with the vendored
 * vis-network. Data arrives as JSON in <script type="application/json" id="map-data">.
 * Every name is drawn on the canvas (text) or put in the DOM with textContent: never HTML.
 * Filters, search, ego view and size change the drawing without reloading the page. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!el || !source || typeof vis === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var summary = data.mode === "summary";
  var COLORS = { employer: "#1f7a4d", community: "#8a4fbf", convener: "#b7791f", none: "#7a8599" };
  var BORDERS = { employer: "#0f4d30", community: "#5a2d85", convener: "#7a500f", none: "#4a5364" };
  var CHAIRS = { chair: true, co_chair: true };
  var CHAMPIONS = { lead_champion: true, champion: true };
  var HIGHLIGHT = "#d92d20";
  var labels = data.labels || { role: {}, stage: {}, side: {} };
  var byId = new Map();
  data.nodes.forEach(function (n) { byId.set(n.id, n); });

  var onPath = new Set(data.path || []);
  var pathEdges = new Set();
  for (var i = 0; i + 1 < (data.path || []).length; i++) {
    pathEdges.add(data.path[i] + "-" + data.path[i + 1]);
    pathEdges.add(data.path[i + 1] + "-" + data.path[i]);
  }

  function group(n) { return n.role === "convener" ? "convener" : (COLORS[n.side] ? n.side : "none"); }

  // vis-network 9 shows a string title as text (innerText, never HTML: visjs/vis-network#1275),
  // so a plain string is both safe and cheaper than one DOM element per node.
  function tooltip(n) {
    var lines = [n.name];
    if (summary) {
      lines.push(n.people + (n.people === 1 ? " person" : " people"));
    } else {
      if (n.organisation) { lines.push(n.organisation); }
      var what = [];
      if (n.role) { what.push(labels.role[n.role] || n.role); }
      if (n.stage) { what.push(labels.stage[n.stage] || n.stage); }
      if (what.length) { lines.push(what.join(", ")); }
      if (n.score !== null && n.score !== undefined) { lines.push("Trait score " + n.score); }
    }
    return lines.join("\n");
  }

  var sizeBy = document.getElementById("map-size");
  var maxCentrality = Math.max.apply(null, data.nodes.map(function (n) { return n.centrality || 0; })
    .concat([1e-9]));
  function size(n) {
    if (summary) { return 10 + 4 * Math.sqrt(n.people || 1); }
    if (sizeBy && sizeBy.value === "centrality") { return 8 + 30 * (n.centrality || 0) / maxCentrality; }
    return n.score === null || n.score === undefined ? 10 : 10 + 3 * n.score;
  }

  function visNode(n) {
    var g = group(n);
    var highlighted = onPath.has(n.id);
    var node = {
      id: n.id, label: n.name, title: tooltip(n), size: size(n),
      shape: CHAIRS[n.role] ? "diamond" : (CHAMPIONS[n.role] ? "triangle" : "dot"),
      color: { background: COLORS[g], border: highlighted ? HIGHLIGHT : BORDERS[g],
               highlight: { background: COLORS[g], border: HIGHLIGHT } },
      borderWidth: highlighted ? 5 : (n.role === "lead_champion" || n.role === "chair" ? 3 : 1),
      font: { color: "#1d2433", size: highlighted ? 18 : 14 }
    };
    if (typeof n.x === "number") { node.x = n.x; node.y = n.y; }
    return node;
  }

  function visEdge(e, index) {
    var onIt = pathEdges.has(e.from + "-" + e.to);
    var referred = e.kind === "referred";
    return {
      id: index, from: e.from, to: e.to, kind: e.kind, strength: e.strength,
      arrows: referred ? "to" : undefined, dashes: referred,
      width: onIt ? 5 : (referred ? 1.5 : e.strength),
      color: { color: onIt ? HIGHLIGHT : (referred ? "#d97706" : "#9aa5b8"), highlight: HIGHLIGHT }
    };
  }

  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges.map(visEdge));

  // --- filters --------------------------------------------------------------------------
  var form = document.getElementById("map-filters");
  var stage = document.getElementById("map-stage");
  var sector = document.getElementById("map-sector");
  var partnership = document.getElementById("map-partnership");
  var strength = document.getElementById("map-strength");
  var strengthOut = document.getElementById("map-strength-out");
  var ego = document.getElementById("map-ego");
  var centre = null;
  var egoSet = null;

  var sectors = Array.from(new Set(data.nodes.map(function (n) { return n.sector; })
    .filter(Boolean))).sort();
  sectors.forEach(function (s) {
    var option = document.createElement("option");
    option.value = s;
    option.textContent = s;
    sector.appendChild(option);
  });
  var names = document.getElementById("map-names");
  data.nodes.forEach(function (n) {
    var option = document.createElement("option");
    option.value = n.name;
    names.appendChild(option);
  });

  function checked(name) {
    return new Set(Array.from(form.querySelectorAll("input[name=" + name + "]:checked"))
      .map(function (input) { return input.value; }));
  }
  var state = {};
  function readState() {
    state.sides = checked("side");
    state.kinds = checked("kind");
    state.stage = stage.value;
    state.sector = sector.value;
    state.partnership = partnership.value ? Number(partnership.value) : null;
    state.strength = Number(strength.value);
    strengthOut.textContent = strength.value;
    egoSet = null;
    var hops = Number(ego.value);
    if (hops > 0 && centre !== null) { egoSet = neighbourhood(centre, hops); }
  }

  function edgeShown(e) {
    if (!state.kinds.has(e.kind)) { return false; }
    return e.kind !== "knows" || e.strength >= state.strength;
  }
  function neighbourhood(start, hops) {
    var adjacent = new Map();
    data.edges.forEach(function (e) {
      if (!edgeShown(e)) { return; }
      if (!adjacent.has(e.from)) { adjacent.set(e.from, []); }
      if (!adjacent.has(e.to)) { adjacent.set(e.to, []); }
      adjacent.get(e.from).push(e.to);
      adjacent.get(e.to).push(e.from);
    });
    var seen = new Set([start]);
    var frontier = [start];
    for (var h = 0; h < hops; h++) {
      var next = [];
      frontier.forEach(function (v) {
        (adjacent.get(v) || []).forEach(function (w) {
          if (!seen.has(w)) { seen.add(w); next.push(w); }
        });
      });
      frontier = next;
    }
    return seen;
  }
  function nodeShown(item) {
    var n = byId.get(item.id);
    if (onPath.has(n.id)) { return true; }
    if (!state.sides.has(n.side === "employer" || n.side === "community" ? n.side : "none")) { return false; }
    if (state.stage && n.stage !== state.stage) { return false; }
    if (state.sector && n.sector !== state.sector) { return false; }
    if (state.partnership !== null && n.partnerships.indexOf(state.partnership) < 0) { return false; }
    if (egoSet && !egoSet.has(n.id)) { return false; }
    return true;
  }
  readState();
  var nodeView = new vis.DataView(nodes, { filter: nodeShown });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) {
      return edgeShown(e) && nodeView.get(e.from) !== null && nodeView.get(e.to) !== null;
    }
  });

  var status = document.getElementById("map-status");
  function report() {
    el.dataset.nodesShown = String(nodeView.length);
    el.dataset.edgesShown = String(edgeView.length);
    status.textContent = nodeView.length + " of " + data.nodes.length + " shown, "
      + edgeView.length + " ties";
  }
  function refresh() {
    readState();
    nodeView.refresh();
    edgeView.refresh();
    report();
  }
  form.addEventListener("change", refresh);
  form.addEventListener("input", function (event) { if (event.target === strength) { refresh(); } });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  // --- the network -----------------------------------------------------------------------
  var options = data.options || {};
  // handlers are in place before the data arrives, so the first drawing is seen
  var network = new vis.Network(el, {}, options);
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
    });
  }
  network.on("beforeDrawing", function (ctx) {
    // a white background, so the PNG export is not transparent
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });
  network.once("afterDrawing", function () {
    el.dataset.ready = "1";
    if (onPath.size) { network.fit({ nodes: Array.from(onPath), animation: false }); }
  });
  network.setData({ nodes: nodeView, edges: edgeView });
  el.mapNetwork = network;  // for the browser tests (hover a node by its position)
  report();

  // --- selection, opening a person, search ----------------------------------------------
  var personUrl = el.dataset.personUrl;
  var orgUrl = el.dataset.orgUrl;
  function urlOf(id) { return personUrl.replace(/0$/, String(id)); }
  var selected = document.getElementById("map-selected");
  var hint = document.getElementById("map-hint");
  function show(id) {
    var n = byId.get(id);
    if (!n) { return; }
    centre = id;
    document.getElementById("map-selected-name").textContent = n.name;
    var detail = summary ? (n.people + " people") : [n.organisation, labels.role[n.role] || "",
      labels.stage[n.stage] || ""].filter(Boolean).join(" · ");
    document.getElementById("map-selected-detail").textContent = detail;
    var link = document.getElementById("map-selected-link");
    link.href = summary ? orgUrl + "?org=" + encodeURIComponent(id) : urlOf(id);
    link.textContent = summary ? "Open this organisation's people" : "Open person";
    selected.hidden = false;
    hint.hidden = true;
    if (Number(ego.value) > 0) { refresh(); }
  }
  network.on("click", function (params) {
    if (params.nodes.length) { show(params.nodes[0]); }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      window.location.href = summary ? orgUrl + "?org=" + encodeURIComponent(id) : urlOf(id);
    }
  });

  var search = document.getElementById("map-search");
  function focusName() {
    var wanted = search.value.trim().toLowerCase();
    if (!wanted) { return; }
    var match = data.nodes.find(function (n) { return n.name.toLowerCase() === wanted; })
      || data.nodes.find(function (n) { return n.name.toLowerCase().indexOf(wanted) >= 0; });
    if (!match) { status.textContent = "Nobody on the map matches that name."; return; }
    show(match.id);
    if (nodeView.get(match.id) === null) { return; }
    network.selectNodes([match.id]);
    network.focus(match.id, { scale: 1.2, animation: false });
  }
  search.addEventListener("change", focusName);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); focusName(); }
  });

  if (sizeBy) {
    sizeBy.addEventListener("change", function () {
      nodes.update(data.nodes.map(function (n) { return { id: n.id, size: size(n) }; }));
    });
  }

  // --- PNG export of the current view ---------------------------------------------------
  var png = document.getElementById("map-png");
  png.addEventListener("click", function () {
    var canvas = el.querySelector("canvas");
    if (!canvas) { return; }
    var link = document.createElement("a");
    link.href = canvas.toDataURL("image/png");
    link.download = "network-map.png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
}());

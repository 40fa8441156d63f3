/* The partnership network map (templates/network/map.html), drawn with the vendored
 * vis-network. Data arrives as JSON in <script type="application/json" id="map-data">.
 * Every name is drawn on the canvas (text) or put in the DOM with textContent: never HTML.
 * Filters, search, ego view and size change the drawing without reloading the page.
 *
 * Large maps (server positions, physics off) draw their ties on the canvas themselves, in one
 * path per style, before vis-network draws the nodes: vis-network builds an Edge object per tie
 * (options merged, a label module each) and strokes each one on its own, which for 2,000 people
 * and 14,000 ties was most of the time to first drawing and of every redraw. vis-network gets
 * the nodes only (tooltips, click, drag, zoom as before). Small maps keep vis-network's edges,
 * which its physics needs as springs.
 *
 * Labels are ours too (drawLabels): vis-network draws every label, so the dense middle of a big
 * map was a smear of overlapping names. We place them most important first (the highlighted
 * path, the selected person, keystones, chairs, champions, then by score and ties), each only
 * where it overlaps no label already placed, in screen space: zoomed out, a few important
 * names; zooming in makes room for more.
 *
 * Clicking a person opens a panel (GET data-panel-url: their overall score, the same as their
 * page and the review, their stage, ties in the partnership, the best intro path in words).
 * "People we could invite" (GET data-invitees-url) adds the people members know outside the
 * partnership, as dashed squares beside the members who know them. */
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
  var KEYSTONE = "#0e7490";
  var INVITE = "#5b6b8c";
  var keystoneInfo = data.keystones || { people: [] };
  var keystoneIds = new Set(keystoneInfo.people.map(function (k) { return k.id; }));
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
    if (n.invitee) {
      if (n.organisation) { lines.push(n.organisation); }
      var by = n.known_by.map(function (k) { return k.name; }).join(", ");
      var more = n.known_by_count - n.known_by.length;
      lines.push("Not in the partnership yet: known by " + by + (more > 0 ? " and " + more + " more" : ""));
      return lines.join("\n");
    }
    if (summary) {
      lines.push(n.people + (n.people === 1 ? " person" : " people"));
    } else {
      if (n.organisation) { lines.push(n.organisation); }
      var what = [];
      if (n.role) { what.push(labels.role[n.role] || n.role); }
      if (n.stage) { what.push(labels.stage[n.stage] || n.stage); }
      if (what.length) { lines.push(what.join(", ")); }
      if (n.score !== null && n.score !== undefined) { lines.push("Score " + n.score + "/100"); }
    }
    return lines.join("\n");
  }

  var sizeBy = document.getElementById("map-size");
  var maxCentrality = Math.max.apply(null, data.nodes.map(function (n) { return n.centrality || 0; })
    .concat([1e-9]));
  function size(n) {
    if (n.invitee) { return 8; }
    if (summary) { return 10 + 4 * Math.sqrt(n.people || 1); }
    if (sizeBy && sizeBy.value === "centrality") { return 8 + 30 * (n.centrality || 0) / maxCentrality; }
    return n.score === null || n.score === undefined ? 10 : 10 + n.score / 4;
  }

  function visNode(n) {
    var g = group(n);
    var highlighted = onPath.has(n.id);
    if (n.invitee) {  // drawn apart: a dashed square, pale, in its side's colour
      return { id: n.id, title: tooltip(n), size: size(n), shape: "square", x: n.x, y: n.y,
               color: { background: "#eef1f7", border: COLORS[g], highlight: { background: "#eef1f7", border: HIGHLIGHT } },
               borderWidth: 2, shapeProperties: { borderDashes: [3, 2] } };
    }
    var keystone = keystoneIds.has(n.id);
    // no vis-network label: drawLabels places the names (collision-aware)
    var node = {
      id: n.id, title: tooltip(n), size: size(n),
      shape: CHAIRS[n.role] ? "diamond" : (CHAMPIONS[n.role] ? "triangle" : "dot"),
      color: { background: COLORS[g], border: highlighted ? HIGHLIGHT : (keystone ? KEYSTONE : BORDERS[g]),
               highlight: { background: COLORS[g], border: HIGHLIGHT } },
      borderWidth: highlighted ? 5 : (keystone ? 4 : (n.role === "lead_champion" || n.role === "chair" ? 3 : 1))
    };
    if (typeof n.x === "number") { node.x = n.x; node.y = n.y; }
    return node;
  }

  function visEdge(e, index) {
    var onIt = pathEdges.has(e.from + "-" + e.to);
    var referred = e.kind === "referred";
    var invite = e.kind === "invite";
    return {
      id: index, from: e.from, to: e.to, kind: e.kind, strength: e.strength,
      arrows: referred ? "to" : undefined, dashes: referred || invite,
      width: onIt ? 5 : (referred ? 1.5 : (invite ? 1 : e.strength)),
      color: { color: onIt ? HIGHLIGHT : (referred ? "#d97706" : (invite ? INVITE : "#9aa5b8")), highlight: HIGHLIGHT }
    };
  }

  // ties drawn by us (physics off) or by vis-network (physics on: edges are its springs)
  var canvasEdges = !data.physics;
  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = canvasEdges ? null : new vis.DataSet(data.edges.map(visEdge));

  // --- filters --------------------------------------------------------------------------
  var form = document.getElementById("map-filters");
  var stage = document.getElementById("map-stage");
  var sector = document.getElementById("map-sector");
  var partnership = document.getElementById("map-partnership");
  var strength = document.getElementById("map-strength");
  var strengthOut = document.getElementById("map-strength-out");
  var ego = document.getElementById("map-ego");
  var inviteBox = document.getElementById("map-invite");
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
    state.invite = Boolean(inviteBox && inviteBox.checked);
    strengthOut.textContent = strength.value;
    egoSet = null;
    var hops = Number(ego.value);
    if (hops > 0 && centre !== null) { egoSet = neighbourhood(centre, hops); }
  }

  function edgeShown(e) {
    if (e.kind === "invite") { return state.invite; }
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
    if (n.invitee && !state.invite) { return false; }
    if (!state.sides.has(n.side === "employer" || n.side === "community" ? n.side : "none")) { return false; }
    if (state.stage && n.stage !== state.stage) { return false; }
    if (state.sector && n.sector !== state.sector) { return false; }
    if (state.partnership !== null && n.partnerships.indexOf(state.partnership) < 0) { return false; }
    if (egoSet && !egoSet.has(n.id)) { return false; }
    return true;
  }
  readState();
  var nodeView = new vis.DataView(nodes, { filter: nodeShown });
  var edgeView = canvasEdges ? null : new vis.DataView(edges, {
    filter: function (e) {
      return edgeShown(e) && nodeView.get(e.from) !== null && nodeView.get(e.to) !== null;
    }
  });

  // --- ties on the canvas (large maps) ------------------------------------------------------
  // `drawn` holds the ties shown under the current filters, by style; `incident` every tie of a
  // person, to emphasise the ties of the selected or hovered person as vis-network would.
  var drawn = null;
  var incident = new Map();
  if (canvasEdges) {
    data.edges.forEach(function (e) {
      if (!incident.has(e.from)) { incident.set(e.from, []); }
      if (!incident.has(e.to)) { incident.set(e.to, []); }
      incident.get(e.from).push(e);
      incident.get(e.to).push(e);
    });
  }
  function collectDrawn() {
    var shown = new Set(nodeView.getIds());
    drawn = { knows: [[], [], [], []], referred: [], invite: [], path: [], count: 0, shown: shown };
    data.edges.forEach(function (e) {
      if (!edgeShown(e) || !shown.has(e.from) || !shown.has(e.to)) { return; }
      drawn.count += 1;
      if (pathEdges.has(e.from + "-" + e.to)) { drawn.path.push(e); }
      else if (e.kind === "referred") { drawn.referred.push(e); }
      else if (e.kind === "invite") { drawn.invite.push(e); }
      else { drawn.knows[Math.max(1, Math.min(3, e.strength || 1))].push(e); }
    });
  }
  function edgesShownCount() { return canvasEdges ? drawn.count : edgeView.length; }

  var status = document.getElementById("map-status");
  function report() {
    el.dataset.nodesShown = String(nodeView.length);
    el.dataset.edgesShown = String(edgesShownCount());
    var invited = 0;
    if (invitees) {
      invitees.nodes.forEach(function (n) { if (nodeView.get(n.id) !== null) { invited += 1; } });
    }
    status.textContent = (nodeView.length - invited) + " of " + data.nodes.length + " shown, "
      + edgesShownCount() + " ties";
    if (invitees && state.invite) {
      status.textContent += "; " + invited + " people we could invite"
        + (invitees.candidates > invitees.shown ? " (the " + invitees.shown + " with the most member contacts, of "
           + invitees.candidates + ")" : "");
    }
  }
  var network = null;
  var invitees = null;  // the invite layer, once fetched
  var loadingInvitees = false;
  function placeInvitee(n, centre) {
    // beside the members who know them, pushed outwards from the map's middle: drawn apart
    var at = network.getPositions(n.known_by.map(function (k) { return k.id; }));
    var xs = 0, ys = 0, count = 0;
    Object.keys(at).forEach(function (k) { xs += at[k].x; ys += at[k].y; count += 1; });
    if (!count) { return; }
    var x = xs / count, y = ys / count;
    var dx = x - centre.x, dy = y - centre.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    var angle = (n.id * 2.399963) % (2 * Math.PI);  // golden angle: neighbours spread round
    n.x = x + (dx / d) * 40 + Math.cos(angle) * 25;
    n.y = y + (dy / d) * 40 + Math.sin(angle) * 25;
  }
  function loadInvitees() {
    var url = el.dataset.inviteesUrl;
    if (loadingInvitees || !url || summary) { return; }
    loadingInvitees = true;
    status.textContent = "Finding people the members know outside the partnership…";
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (layer) {
        var all = network.getPositions();
        var cx = 0, cy = 0, k = 0;
        Object.keys(all).forEach(function (id) { cx += all[id].x; cy += all[id].y; k += 1; });
        var centre = { x: k ? cx / k : 0, y: k ? cy / k : 0 };
        // someone already drawn (a highlighted path's person) stays as they are; someone whose
        // members are not drawn (one organisation's view) has nowhere to go
        layer.nodes = layer.nodes.filter(function (n) {
          if (byId.has(n.id)) { return false; }
          placeInvitee(n, centre);
          return typeof n.x === "number";
        });
        layer.nodes.forEach(function (n) { byId.set(n.id, n); });
        layer.shown = layer.nodes.length;
        nodes.add(layer.nodes.map(visNode));
        layer.edges.forEach(function (e) {
          data.edges.push(e);
          if (canvasEdges) {
            [e.from, e.to].forEach(function (id) {
              if (!incident.has(id)) { incident.set(id, []); }
              incident.get(id).push(e);
            });
          }
        });
        if (!canvasEdges) { edges.add(layer.edges.map(function (e, i) { return visEdge(e, "invite-" + i); })); }
        invitees = layer;
        el.dataset.invitees = String(layer.nodes.length);
        orderLabels();
        refresh();
      })
      .catch(function () { status.textContent = "Could not load the people we could invite."; })
      .then(function () { loadingInvitees = false; });
  }
  function refresh() {
    readState();
    if (state.invite && !invitees) { loadInvitees(); }
    nodeView.refresh();
    shownIds = new Set(nodeView.getIds());
    if (canvasEdges) {
      collectDrawn();
      if (network) { network.redraw(); }
    } else {
      edgeView.refresh();
    }
    report();
  }
  form.addEventListener("change", refresh);
  form.addEventListener("input", function (event) { if (event.target === strength) { refresh(); } });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  // Like vis-network's hideEdgesOnDrag / hideEdgesOnZoom: no ties while the view moves.
  var moving = { drag: false, zoom: false, timer: 0 };
  var FAINT_ABOVE = 3000;
  var hovered = null;
  function stroke(ctx, list, at, color, width, dashed) {
    if (!list.length) { return; }
    ctx.beginPath();
    for (var k = 0; k < list.length; k++) {
      var a = at[list[k].from], b = at[list[k].to];
      if (a && b) { ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); }
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dashed ? [5, 5] : []);
    ctx.stroke();
  }
  function arrows(ctx, list, at, color, scale) {
    if (!list.length) { return; }
    var length = Math.max(8, 4 / scale);
    ctx.beginPath();
    list.forEach(function (e) {
      var a = at[e.from], b = at[e.to];
      if (!a || !b) { return; }
      var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / d, uy = dy / d, r = size(byId.get(e.to)) + 2;
      var tx = b.x - ux * r, ty = b.y - uy * r;
      ctx.moveTo(tx, ty);
      ctx.lineTo(tx - ux * length - uy * length * 0.5, ty - uy * length + ux * length * 0.5);
      ctx.lineTo(tx - ux * length + uy * length * 0.5, ty - uy * length - ux * length * 0.5);
      ctx.closePath();
    });
    ctx.fillStyle = color;
    ctx.fill();
  }
  function drawEdges(ctx) {
    if (!drawn || moving.drag || moving.zoom) { return; }
    var at = positions();
    var scale = network.getScale();
    var thin = 0.3 / scale;  // vis-network's floor: a tie stays visible at full zoom-out
    ctx.save();
    // thousands of knows ties would be a solid grey wall when zoomed in: draw them faint, so
    // that people, referrals and the chosen person's ties (full colour, below) stand out
    ctx.globalAlpha = drawn.count > FAINT_ABOVE ? 0.35 : 1;
    for (var w = 1; w <= 3; w++) { stroke(ctx, drawn.knows[w], at, "#9aa5b8", Math.max(w, thin)); }
    ctx.globalAlpha = 1;
    stroke(ctx, drawn.referred, at, "#d97706", Math.max(1.5, thin), true);
    stroke(ctx, drawn.invite, at, INVITE, Math.max(1, thin), true);
    arrows(ctx, drawn.referred, at, "#d97706", scale);
    var focus = network.getSelectedNodes();
    if (hovered !== null && focus.indexOf(hovered) < 0) { focus.push(hovered); }
    focus.forEach(function (id) {
      var mine = (incident.get(id) || []).filter(function (e) {
        return edgeShown(e) && drawn.shown.has(e.from) && drawn.shown.has(e.to);
      });
      stroke(ctx, mine, at, HIGHLIGHT, Math.max(2, thin * 3), false);
    });
    stroke(ctx, drawn.path, at, HIGHLIGHT, 5, false);
    ctx.restore();
  }

  // --- labels: most important first, none overlapping (screen space) -----------------------
  var LABEL_PX = 12;
  var LABEL_FONT = "px system-ui, -apple-system, 'Segoe UI', sans-serif";
  var MAX_LABELS = 200;
  var CELL = 48;  // grid cell (screen px) for the overlap test
  var widths = new Map();  // name -> width at LABEL_PX
  var labelOrder = [];
  function importance(n) {
    if (summary) { return n.people || 1; }
    var weight = (n.score || 0) + 100 * (n.centrality || 0);
    if (keystoneIds.has(n.id)) { weight += 3000; }
    if (CHAIRS[n.role]) { weight += 2000; } else if (CHAMPIONS[n.role]) { weight += 1000; }
    if (n.invitee) { weight = n.known_by_count || 0; }
    return weight;
  }
  function orderLabels() {
    labelOrder = Array.from(byId.values()).sort(function (a, b) {
      return importance(b) - importance(a) || (a.name < b.name ? -1 : (a.name > b.name ? 1 : a.id - b.id));
    });
  }
  function widthOf(ctx, name) {
    var w = widths.get(name);
    if (w === undefined) {
      ctx.font = LABEL_PX + LABEL_FONT;
      w = ctx.measureText(name).width;
      widths.set(name, w);
    }
    return w;
  }
  var shownIds = null;  // refreshed with the filters
  var framePositions = null;  // positions of this frame: read once (drawEdges, drawLabels)
  function positions() {
    if (!framePositions) { framePositions = network.getPositions(); }
    return framePositions;
  }
  function drawLabels(ctx) {
    // like the ties of a big map: no names while the view moves (each frame stays cheap)
    if (moving.drag || moving.zoom) { framePositions = null; return; }
    var started = window.performance.now();
    var scale = network.getScale();
    var canvas = ctx.canvas;
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.width / ratio, height = canvas.height / ratio;
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var at = positions();
    var grid = new Map();
    var placed = [];
    function free(x0, y0, x1, y1) {
      for (var gx = Math.floor(x0 / CELL); gx <= Math.floor(x1 / CELL); gx++) {
        for (var gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL); gy++) {
          var cell = grid.get(gx * 100003 + gy);
          if (!cell) { continue; }
          for (var k = 0; k < cell.length; k++) {
            var r = cell[k];
            if (x0 < r[2] && x1 > r[0] && y0 < r[3] && y1 > r[1]) { return false; }
          }
        }
      }
      return true;
    }
    function take(x0, y0, x1, y1) {
      var r = [x0, y0, x1, y1];
      for (var gx = Math.floor(x0 / CELL); gx <= Math.floor(x1 / CELL); gx++) {
        for (var gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL); gy++) {
          var key = gx * 100003 + gy;
          if (!grid.has(key)) { grid.set(key, []); }
          grid.get(key).push(r);
        }
      }
    }
    function consider(n, force) {
      var p = at[n.id];
      if (!p || (shownIds && !shownIds.has(n.id))) { return; }
      var sx = (p.x - topLeft.x) * scale, sy = (p.y - topLeft.y) * scale;
      if (sx < -50 || sy < -20 || sx > width + 50 || sy > height + 20) { return; }
      var w = widthOf(ctx, n.name), below = size(n) * scale + 2;
      var x0 = sx - w / 2 - 2, y0 = sy + below, x1 = sx + w / 2 + 2, y1 = y0 + LABEL_PX + 3;
      if (!force && !free(x0, y0, x1, y1)) { return; }
      take(x0, y0, x1, y1);
      placed.push([n.name, p.x, p.y + below / scale]);
    }
    var focus = network.getSelectedNodes().concat(Array.from(onPath));
    if (hovered !== null) { focus.push(hovered); }
    focus.forEach(function (id) { if (byId.has(id)) { consider(byId.get(id), true); } });
    var seen = new Set(focus);
    for (var i = 0; i < labelOrder.length && placed.length < MAX_LABELS; i++) {
      if (!seen.has(labelOrder[i].id)) { consider(labelOrder[i], false); }
    }
    ctx.save();
    // a pale box behind each name (one path, one fill: far cheaper than a stroked halo)
    ctx.beginPath();
    placed.forEach(function (l) {
      var w = widthOf(ctx, l[0]) / scale;
      ctx.rect(l[1] - w / 2 - 1 / scale, l[2] - 1 / scale, w + 2 / scale, (LABEL_PX + 2) / scale);
    });
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fill();
    ctx.font = (LABEL_PX / scale) + LABEL_FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillStyle = "#1d2433";
    placed.forEach(function (l) { ctx.fillText(l[0], l[1], l[2]); });
    ctx.restore();
    framePositions = null;
    el.dataset.labelsShown = String(placed.length);
    el.dataset.labelMs = (window.performance.now() - started).toFixed(1);
  }
  orderLabels();

  // --- the network -----------------------------------------------------------------------
  var options = data.options || {};
  // handlers are in place before the data arrives, so the first drawing is seen
  network = new vis.Network(el, {}, options);
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
    if (canvasEdges) { drawEdges(ctx); }
  });
  network.on("afterDrawing", drawLabels);
  network.once("afterDrawing", function () {
    el.dataset.ready = "1";
    if (onPath.size) { network.fit({ nodes: Array.from(onPath), animation: false }); }
  });
  if (canvasEdges) { collectDrawn(); }
  if (canvasEdges) {
    network.on("dragStart", function () { moving.drag = true; });
    network.on("dragEnd", function () { moving.drag = false; network.redraw(); });
    network.on("zoom", function () {
      moving.zoom = true;
      window.clearTimeout(moving.timer);
      moving.timer = window.setTimeout(function () { moving.zoom = false; network.redraw(); }, 250);
    });
  }
  network.on("hoverNode", function (params) { hovered = params.node; network.redraw(); });
  network.on("blurNode", function () { hovered = null; network.redraw(); });
  network.setData({ nodes: nodeView, edges: canvasEdges ? [] : edgeView });
  shownIds = new Set(nodeView.getIds());
  el.mapNetwork = network;  // for the browser tests (hover a node by its position)
  report();

  // --- selection, opening a person, search ----------------------------------------------
  var personUrl = el.dataset.personUrl;
  var orgUrl = el.dataset.orgUrl;
  function urlOf(id) { return personUrl.replace(/0$/, String(id)); }
  var selected = document.getElementById("map-selected");
  var hint = document.getElementById("map-hint");
  var panel = document.getElementById("map-panel");
  var panelUrl = el.dataset.panelUrl;
  var panelFor = null;

  // DOM helpers: every text goes in with textContent, every link's href is one the server built
  function make(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function link(text, href) {
    var a = make("a", text);
    a.href = href;
    return a;
  }
  var TIE_WORDS = { 1: "acquainted", 2: "works with them", 3: "close" };
  function renderPanel(p) {
    panel.textContent = "";
    var score = make("p", null, "map-score");
    if (p.score === null || p.score === undefined) {
      score.appendChild(make("span", "Overall score: not enough known yet", "muted"));
    } else {
      score.appendChild(document.createTextNode("Overall "));
      score.appendChild(make("strong", String(p.score)));
      score.appendChild(make("span", " / 100", "muted"));
    }
    score.appendChild(document.createTextNode(" · "));
    score.appendChild(link("how it is worked out", p.url + "#scores"));
    panel.appendChild(score);
    var where = make("p");
    if (p.member) {
      where.appendChild(make("strong", "Stage: "));
      where.appendChild(document.createTextNode((labels.stage[p.stage] || p.stage)
        + (p.role ? " · " + (labels.role[p.role] || p.role) : "")
        + (p.engaged ? " (engaged)" : "")));
    } else {
      where.appendChild(make("strong", "Not in this partnership yet: someone we could invite."));
    }
    panel.appendChild(where);
    if (p.keystone) { panel.appendChild(make("p", p.keystone, "warn map-keystone")); }
    var ask = make("div", null, "map-best-path");
    ask.appendChild(make("h3", "Best way in"));
    if (p.on_team) {
      ask.appendChild(make("p", "Already a chair or champion: they make asks of others.", "muted"));
    } else if (p.best_path) {
      ask.appendChild(make("p", p.best_path.words, "map-path-words"));
      ask.appendChild(make("p", p.best_path.reason, "muted"));
      var show = link("Show this path on the map", p.best_path.map_url);
      show.className = "button";
      ask.appendChild(show);
    } else {
      ask.appendChild(make("p", "No warm path from the partnership's employer chairs and champions.", "muted"));
    }
    panel.appendChild(ask);
    var ties = make("div", null, "map-ties");
    ties.appendChild(make("h3", "Ties in this partnership (" + p.ties.length + ")"));
    if (p.ties.length) {
      var list = make("ul");
      p.ties.slice(0, 8).forEach(function (t) {
        var item = make("li");
        item.appendChild(link(t.name, t.url));
        var how = t.kind === "referred" ? "they referred them" : (t.kind === "referred_by" ? "referred them"
          : TIE_WORDS[t.strength] || "knows");
        item.appendChild(document.createTextNode(" · " + how));
        list.appendChild(item);
      });
      ties.appendChild(list);
      if (p.ties.length > 8) { ties.appendChild(make("p", "and " + (p.ties.length - 8) + " more on their page", "muted")); }
    } else {
      ties.appendChild(make("p", "None recorded with members.", "muted"));
    }
    panel.appendChild(ties);
    if (p.organisation && p.organisation_url) {
      var org = make("p");
      org.appendChild(link(p.organisation, p.organisation_url));
      panel.appendChild(org);
    }
    panel.hidden = false;
    el.dataset.panel = String(p.id);
  }
  function loadPanel(id) {
    if (summary || !panel || !panelUrl) { return; }
    panelFor = id;
    panel.hidden = false;
    panel.textContent = "";
    panel.appendChild(make("p", "Loading…", "muted"));
    fetch(panelUrl.replace(/0$/, String(id)), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (p) { if (panelFor === id) { renderPanel(p); } })
      .catch(function () {
        if (panelFor === id) { panel.textContent = ""; panel.appendChild(make("p", "Could not load this person's details.", "muted")); }
      });
  }
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
    loadPanel(id);
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
      if (canvasEdges) { network.redraw(); }
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

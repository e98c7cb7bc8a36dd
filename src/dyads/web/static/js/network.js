/* Who acts on whom: actors on a circle, one arrow per directed dyad. Width ~ events, colour ~ mean Goldstein. */
(function () {
  "use strict";
  var d = window.dyads, pairs = d.readJSON("dyads-data") || [], box = document.getElementById("network");
  if (!box) { return; }
  var top = pairs.slice(0, 80);
  var actorCount = Object.keys(top.reduce(function (s, p) { s[p.source] = s[p.target] = 1; return s; }, {})).length;
  var W = 760, H = actorCount <= 2 ? 280 : 560, cx = W / 2, cy = H / 2;
  var R = actorCount <= 2 ? 220 : Math.min(W, H) / 2 - 60;
  var svg = d.svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "who acts on whom" }, box);
  if (!top.length) {
    d.svg("text", { x: cx, y: cy, "text-anchor": "middle" }, svg).textContent = "No dyads match these filters.";
    box.dataset.rendered = "true"; box.dataset.edges = "0";
    return;
  }
  var weight = {};
  top.forEach(function (p) {
    weight[p.source] = (weight[p.source] || 0) + p.events;
    weight[p.target] = (weight[p.target] || 0) + p.events;
  });
  var names = Object.keys(weight).sort(function (a, b) { return weight[b] - weight[a] || (a < b ? -1 : 1); });
  var pos = {};
  names.forEach(function (n, i) {
    var angle = (names.length === 2 ? Math.PI : -Math.PI / 2) + (2 * Math.PI * i) / names.length;
    pos[n] = names.length === 1 ? [cx, cy] : [cx + R * Math.cos(angle), cy + R * Math.sin(angle)];
  });
  var maxEvents = Math.max.apply(null, top.map(function (p) { return p.events; }));
  var defs = d.svg("defs", {}, svg);
  function colour(mean) {  // -10 (red) .. 0 (grey) .. +10 (blue)
    var t = Math.max(-1, Math.min(1, mean / 6));
    return t >= 0 ? "rgb(" + Math.round(140 - 110 * t) + "," + Math.round(140 - 20 * t) + "," + Math.round(150 + 80 * t) + ")"
                  : "rgb(" + Math.round(140 - 80 * t) + "," + Math.round(140 + 90 * t) + "," + Math.round(150 + 110 * t) + ")";
  }
  var edges = d.svg("g", { "class": "edges" }, svg);
  top.forEach(function (p, i) {
    var a = pos[p.source], b = pos[p.target], mean = p.goldstein / p.events, col = colour(mean);
    var marker = d.svg("marker", { id: "arrow" + i, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 12, markerHeight: 12, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
    d.svg("path", { d: "M0,0 L10,5 L0,10 z", fill: col }, marker);
    var path;
    if (p.source === p.target) {  // acts within one country: a loop beside the node, pointing outwards
      var out = names.length === 1 ? -Math.PI / 2 : Math.atan2(a[1] - cy, a[0] - cx), side = out + Math.PI / 3;
      var c1 = [a[0] + 70 * Math.cos(side - 0.45), a[1] + 70 * Math.sin(side - 0.45)];
      var c2 = [a[0] + 70 * Math.cos(side + 0.45), a[1] + 70 * Math.sin(side + 0.45)];
      var end = [a[0] + 10 * Math.cos(side + 0.45), a[1] + 10 * Math.sin(side + 0.45)];
      path = "M" + a[0] + "," + a[1] + " C" + c1.join(",") + " " + c2.join(",") + " " + end.join(",");
    } else {
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / len, uy = dy / len, r = 10;
      var sx = a[0] + ux * r, sy = a[1] + uy * r, ex = b[0] - ux * (r + 2), ey = b[1] - uy * (r + 2);
      var mx = (sx + ex) / 2 - uy * len * 0.12, my = (sy + ey) / 2 + ux * len * 0.12;  // bend: A->B and B->A apart
      path = "M" + sx + "," + sy + " Q" + mx + "," + my + " " + ex + "," + ey;
    }
    var link = d.svg("a", { href: "/dyad?a=" + encodeURIComponent(p.source) + "&b=" + encodeURIComponent(p.target) + "&directed=true" }, edges);
    var el = d.svg("path", {
      "class": "edge", d: path, fill: "none", stroke: col, "stroke-opacity": 0.8,
      "stroke-width": 1.2 + 6 * Math.sqrt(p.events / maxEvents), "marker-end": "url(#arrow" + i + ")",
      "data-source": p.source, "data-target": p.target, "data-events": p.events
    }, link);
    d.svg("title", {}, el).textContent = p.source + " → " + p.target + ": " + p.events + " event" +
      (p.events === 1 ? "" : "s") + ", mean Goldstein " + mean.toFixed(1);
  });
  var nodes = d.svg("g", { "class": "nodes" }, svg);
  names.forEach(function (n) {
    var g = d.svg("g", { "class": "node", "data-actor": n }, nodes), p = pos[n];
    d.svg("circle", { cx: p[0], cy: p[1], r: 4 + 5 * Math.sqrt(weight[n] / (2 * maxEvents)) }, g);
    var out = names.length === 1 ? [0, -1] : [(p[0] - cx) / R, (p[1] - cy) / R];
    var t = d.svg("text", { x: p[0] + out[0] * 24, y: p[1] + out[1] * 24 + 4, "text-anchor": "middle" }, g);
    t.textContent = n;
  });
  box.dataset.rendered = "true";
  box.dataset.edges = String(top.length);
}());

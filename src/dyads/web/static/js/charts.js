/* Dyad charts drawn as plain SVG: monthly events stacked by quad class, and the monthly Goldstein sum. */
(function () {
  "use strict";
  var d = window.dyads, timeline = d.readJSON("timeline-data"), dyad = d.readJSON("dyad-data");
  if (!timeline) { return; }
  var W = 720, H = 280, M = { top: 16, right: 16, bottom: 46, left: 48 };
  var QUAD_COLOURS = { 1: "#4c9be8", 2: "#1b5fa8", 3: "#f0a04b", 4: "#c8322c" };
  var months = timeline.months;

  function frame(container, label) {
    var svg = d.svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": label });
    container.appendChild(svg);
    return svg;
  }

  function xAxis(svg, band, x0) {
    var g = d.svg("g", { "class": "axis x-axis" }, svg);
    var every = Math.max(1, Math.ceil(months.length / 12));
    months.forEach(function (m, i) {
      if (i % every !== 0) { return; }
      var x = x0 + i * band + band / 2;
      d.svg("line", { x1: x, x2: x, y1: H - M.bottom, y2: H - M.bottom + 4 }, g);
      d.svg("text", { x: x, y: H - M.bottom + 16, "text-anchor": "middle" }, g).textContent = m.month;
    });
  }

  function yAxis(svg, ticks, y) {
    var g = d.svg("g", { "class": "axis y-axis" }, svg);
    ticks.forEach(function (t) {
      d.svg("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), "stroke-opacity": t === 0 ? 1 : 0.25 }, g);
      d.svg("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end" }, g).textContent = String(t);
    });
  }

  function legend(svg, items) {
    var g = d.svg("g", { "class": "chart-legend" }, svg), x = M.left;
    items.forEach(function (item) {
      d.svg("rect", { x: x, y: H - 14, width: 10, height: 10, fill: item.colour }, g);
      var t = d.svg("text", { x: x + 14, y: H - 5 }, g);
      t.textContent = item.label;
      x += 22 + item.label.length * 6.2;
    });
  }

  function quadChart(container) {
    var svg = frame(container, "events per month by quad class");
    var max = Math.max.apply(null, months.map(function (m) { return m.events; }).concat([1]));
    var ticks = d.ticks(0, max, 5), top = ticks[ticks.length - 1];
    var plotH = H - M.top - M.bottom, plotW = W - M.left - M.right;
    var y = function (v) { return M.top + plotH - (v / top) * plotH; };
    var band = plotW / Math.max(months.length, 1), barW = Math.min(band * 0.75, 60);
    yAxis(svg, ticks, y);
    var bars = 0, g = d.svg("g", { "class": "bars" }, svg);
    months.forEach(function (m, i) {
      var base = 0, x = M.left + i * band + (band - barW) / 2;
      [1, 2, 3, 4].forEach(function (q) {
        var n = m.quad[String(q)] || 0;
        if (!n) { return; }
        var rect = d.svg("rect", {
          "class": "bar q" + q, x: x, width: barW, y: y(base + n), height: y(base) - y(base + n),
          fill: QUAD_COLOURS[q], "data-month": m.month, "data-quad": q, "data-count": n
        }, g);
        d.svg("title", {}, rect).textContent = m.month + ": " + n + " " + timeline.quad_classes[String(q)].toLowerCase();
        base += n; bars += 1;
      });
    });
    xAxis(svg, band, M.left);
    legend(svg, [1, 2, 3, 4].map(function (q) {
      return { colour: QUAD_COLOURS[q], label: timeline.quad_classes[String(q)] };
    }));
    container.dataset.bars = String(bars);
    container.dataset.rendered = "true";
  }

  function goldsteinChart(container) {
    var svg = frame(container, "Goldstein sum per month");
    var series = [{ key: "goldstein", label: "sum", colour: null }];
    if (dyad && !dyad.directed && months.length && "goldstein_a_to_b" in months[0]) {
      series.push({ key: "goldstein_a_to_b", label: dyad.a + " → " + dyad.b, colour: "#6e40c9" });
      series.push({ key: "goldstein_b_to_a", label: dyad.b + " → " + dyad.a, colour: "#1a7f37" });
    }
    var values = [0];
    months.forEach(function (m) { series.forEach(function (s) { values.push(m[s.key] || 0); }); });
    var ticks = d.ticks(Math.min.apply(null, values), Math.max.apply(null, values), 6);
    var lo = ticks[0], hi = ticks[ticks.length - 1];
    var plotH = H - M.top - M.bottom, plotW = W - M.left - M.right;
    var y = function (v) { return M.top + plotH - ((v - lo) / (hi - lo)) * plotH; };
    var band = plotW / Math.max(months.length, 1), barW = Math.min(band * 0.75, 60);
    yAxis(svg, ticks, y);
    var bars = 0, g = d.svg("g", { "class": "bars" }, svg);
    months.forEach(function (m, i) {
      if (!m.events) { return; }
      var v = m.goldstein, x = M.left + i * band + (band - barW) / 2;
      var rect = d.svg("rect", {
        "class": "bar goldstein", x: x, width: barW, y: Math.min(y(v), y(0)), height: Math.max(Math.abs(y(v) - y(0)), 1),
        fill: v >= 0 ? "#4c9be8" : "#c8322c", "data-month": m.month, "data-value": v
      }, g);
      d.svg("title", {}, rect).textContent = m.month + ": Goldstein sum " + v.toFixed(1) + " over " + m.events + " events";
      bars += 1;
    });
    series.slice(1).forEach(function (s) {
      var pts = months.map(function (m, i) { return [M.left + i * band + band / 2, y(m[s.key] || 0)]; });
      if (pts.length > 1) {
        d.svg("polyline", { points: pts.map(function (p) { return p.join(","); }).join(" "), fill: "none", stroke: s.colour, "stroke-width": 2 }, g);
      }
      pts.forEach(function (p) { d.svg("circle", { cx: p[0], cy: p[1], r: 3.5, fill: s.colour }, g); });
    });
    xAxis(svg, band, M.left);
    legend(svg, [{ colour: "#4c9be8", label: "cooperative sum" }, { colour: "#c8322c", label: "conflictual sum" }]
      .concat(series.slice(1).map(function (s) { return { colour: s.colour, label: s.label }; })));
    container.dataset.bars = String(bars);
    container.dataset.rendered = "true";
  }

  var quad = document.getElementById("quad-chart"), gold = document.getElementById("goldstein-chart");
  if (quad) { quadChart(quad); }
  if (gold) { goldsteinChart(gold); }
}());

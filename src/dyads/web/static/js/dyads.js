/* Shared page helpers. Filter forms drop empty fields so URLs carry only the filters in use. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-clean-empty]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if (el.name && !el.value) { el.disabled = true; }
      });
      window.setTimeout(function () {  // re-enable for back/forward navigation
        form.querySelectorAll("[disabled]").forEach(function (el) { el.disabled = false; });
      }, 0);
    });
  });
  window.dyads = {
    /** Parse the JSON a page embeds in <script type="application/json" id=...>. */
    readJSON: function (id) {
      var el = document.getElementById(id);
      return el ? JSON.parse(el.textContent) : null;
    },
    /** Create an SVG element with attributes. */
    svg: function (tag, attrs, parent) {
      var el = document.createElementNS("http://www.w3.org/2000/svg", tag);
      Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      if (parent) { parent.appendChild(el); }
      return el;
    },
    /** Round tick values covering [lo, hi]. */
    ticks: function (lo, hi, count) {
      if (hi === lo) { hi = lo + 1; }
      var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / count)));
      var err = span / count / step;
      if (err >= 7.5) { step *= 10; } else if (err >= 3.5) { step *= 5; } else if (err >= 1.5) { step *= 2; }
      var out = [], v = Math.floor(lo / step) * step;
      for (; v <= hi + step * 1e-9; v += step) { out.push(Math.round(v * 1e6) / 1e6); }
      if (out[out.length - 1] < hi) { out.push(out[out.length - 1] + step); }
      return out;
    }
  };
}());

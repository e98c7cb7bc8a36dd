/* Event places on an offline world map: Leaflet with a vector base layer (Natural Earth countries,
   shipped in the package) instead of map tiles, and clustered markers. */
(function () {
  "use strict";
  var container = document.getElementById("map");
  var places = window.dyads.readJSON("places-data") || [];
  if (!container || !window.L) { return; }
  var map = L.map(container, {
    minZoom: 1, maxZoom: 8, zoomSnap: 0.5, worldCopyJump: false,
    maxBounds: [[-85, -200], [85, 200]], maxBoundsViscosity: 0.8
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Countries: Natural Earth (public domain)");

  fetch("/static/vendor/world-atlas/countries-110m.json")
    .then(function (r) { return r.json(); })
    .then(function (world) {
      var land = topojson.feature(world, world.objects.countries);
      land.features.forEach(function (f) { eachRing(f.geometry, unwrapRing); });
      L.geoJSON(land, {
        interactive: false,
        style: { color: "#9aa5b1", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map).bringToBack();
      container.dataset.basemap = "ready";
    })
    .catch(function () { container.dataset.basemap = "failed"; });

  function eachRing(geometry, fn) {
    if (!geometry) { return; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polygons.forEach(function (rings) { rings.forEach(fn); });
  }

  /* A ring crossing the antimeridian (eastern Russia, Fiji) would be drawn as a band across the whole
     map: move its western points east of 180 degrees. Antarctica, which wraps the pole, stays as it is. */
  function unwrapRing(ring) {
    var lons = ring.map(function (p) { return p[0]; }), lats = ring.map(function (p) { return p[1]; });
    if (Math.max.apply(null, lons) - Math.min.apply(null, lons) > 180 && Math.min.apply(null, lats) > -60) {
      ring.forEach(function (p) { if (p[0] < 0) { p[0] += 360; } });
    }
  }

  function icon(count, extra) {
    var size = count < 10 ? 22 : count < 100 ? 28 : 34;
    return L.divIcon({
      className: "place-icon" + (extra || ""), html: String(count),
      iconSize: [size, size], iconAnchor: [size / 2, size / 2]
    });
  }

  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false, maxClusterRadius: 40,
    iconCreateFunction: function (c) {
      var total = c.getAllChildMarkers().reduce(function (s, m) { return s + m.options.events; }, 0);
      return icon(total, " cluster-icon");
    }
  });

  var markers = places.map(function (p) {
    var marker = L.marker([p.lat, p.lon], { icon: icon(p.events), title: p.name || "?", events: p.events });
    var box = document.createElement("div"), title = document.createElement("strong");
    title.textContent = (p.name || "?") + (p.country ? " (" + p.country + ")" : "");
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(p.events + " event" + (p.events === 1 ? "" : "s") +
      ", Goldstein sum " + p.goldstein.toFixed(1)));
    (p.sample || []).forEach(function (id, i) {
      box.appendChild(document.createElement("br"));
      var a = document.createElement("a");
      a.href = "/events/" + encodeURIComponent(id);
      a.textContent = "event " + (i + 1);
      box.appendChild(a);
    });
    marker.bindPopup(box);
    marker.on("add", function () {
      var el = marker.getElement();
      if (el) { el.dataset.lat = p.lat; el.dataset.lon = p.lon; el.dataset.place = p.name || ""; }
    });
    return marker;
  });
  // the first view is set without animation, so the map is settled as soon as this script ends
  if (markers.length) {
    map.fitBounds(L.latLngBounds(markers.map(function (m) { return m.getLatLng(); })).pad(0.5),
                  { maxZoom: 5, animate: false });
  } else {
    map.setView([25, 10], 2, { animate: false });
  }
  cluster.addLayers(markers);
  map.addLayer(cluster);
  container.dataset.markers = String(markers.length);
  window.dyadsMap = { map: map, cluster: cluster, markers: markers };
}());

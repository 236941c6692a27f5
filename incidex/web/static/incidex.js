/* incidex maps: markers from data-markers (JSON), country outlines bundled, no network. */
(function () {
  "use strict";

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    node.textContent = value;
    return node;
  }

  function popup(m) {
    // Built with textContent: titles come from reports and are untrusted.
    var box = document.createElement("div");
    var link = text("a", m.title || m.id);
    link.setAttribute("href", "/incidents/" + encodeURIComponent(m.id));
    box.appendChild(link);
    var facts = [];
    if (m.date) { facts.push(m.date); }
    if (m.killed !== null && m.killed !== undefined) { facts.push(m.killed + " killed"); }
    if (facts.length) { box.appendChild(text("div", facts.join(" · "), "popup-facts")); }
    return box;
  }

  function graticule(map) {
    var style = { color: "#cfd8e3", weight: 0.6, dashArray: "2 4", interactive: false };
    var lat, lon;
    for (lon = -180; lon <= 180; lon += 30) {
      L.polyline([[-85, lon], [85, lon]], style).addTo(map);
    }
    for (lat = -60; lat <= 60; lat += 30) {
      L.polyline([[lat, -180], [lat, 180]], style).addTo(map);
    }
  }

  function outlines(map, url) {
    if (!url || !window.fetch) { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (world) {
        if (!world) { return; }
        L.geoJSON(world, {
          interactive: false,
          style: { color: "#a9b4c0", weight: 0.7, fillColor: "#f3efe6", fillOpacity: 1 }
        }).addTo(map).bringToBack();
      })
      .catch(function () { /* the markers still show */ });
  }

  function draw(node) {
    var markers = [];
    try { markers = JSON.parse(node.getAttribute("data-markers") || "[]"); } catch (e) { markers = []; }
    var tiles = node.getAttribute("data-tiles");
    var map = L.map(node, {
      worldCopyJump: true,
      minZoom: 1,
      maxZoom: tiles ? 18 : 10,
      attributionControl: Boolean(tiles),
      scrollWheelZoom: false,
      zoomSnap: 0.25,
      maxBounds: [[-88, -200], [88, 200]],
      maxBoundsViscosity: 0.8
    });
    if (tiles) {
      L.tileLayer(tiles, { attribution: node.getAttribute("data-attribution") || "" }).addTo(map);
    } else {
      node.classList.add("map-blank");
      outlines(map, node.getAttribute("data-world"));
      graticule(map);
    }
    var points = [];
    markers.forEach(function (m) {
      if (typeof m.lat !== "number" || typeof m.lon !== "number") { return; }
      var marker = L.marker([m.lat, m.lon], { title: m.title || "", alt: m.title || "incident" });
      marker.bindPopup(popup(m));
      marker.addTo(map);
      points.push([m.lat, m.lon]);
    });
    if (points.length === 1) {
      map.setView(points[0], node.classList.contains("map-single") ? 5 : 4);
    } else if (points.length > 1) {
      map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 5 });
    } else {
      map.setView([25, 10], 1.25);
    }
    node.setAttribute("data-ready", String(points.length));
  }

  function start() {
    if (!window.L) { return; }
    var nodes = document.querySelectorAll(".map[data-markers]");
    Array.prototype.forEach.call(nodes, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

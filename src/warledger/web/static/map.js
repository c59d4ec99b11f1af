// The incident map: Natural Earth countries and first-level divisions drawn from vendored
// TopoJSON (no tiles, no network), one circle marker per placed incident.
// Every string shown comes from the ledger or the vendored data, so it goes into the page as a
// text node (textContent), never as HTML: Leaflet treats a string given to bindTooltip or
// bindPopup as HTML, so they are given elements.
(function () {
  "use strict";
  function textBox(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    return el;
  }
  function str(value) { return value === null || value === undefined ? "" : String(value); }
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var map = L.map("map", { worldCopyJump: true, preferCanvas: false, attributionControl: true, minZoom: 1,
                           maxZoom: 14 });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Boundaries: Natural Earth · places: GeoNames (CC BY 4.0)");
  // Leaflet needs a view before vector layers are added.
  if (data.points.length) {
    map.fitBounds(L.latLngBounds(data.points.map(function (p) { return [p.lat, p.lon]; })).pad(0.5),
                  { maxZoom: 8 });
  } else {
    map.setView([20, 20], 2);
  }
  map.createPane("borders").style.zIndex = 350;

  function load(url, style, label) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (topo) {
      var name = Object.keys(topo.objects)[0];
      var layer = L.geoJSON(topojson.feature(topo, topo.objects[name]), { style: style, pane: "borders",
        interactive: !!label });
      if (label) {
        layer.eachLayer(function (l) {
          var p = l.feature.properties || {};
          l.bindTooltip(function () { return textBox("span", str(p.name) + (p.admin ? ", " + str(p.admin) : "")); },
                        { sticky: true });
        });
      }
      return layer.addTo(map);
    });
  }
  load("/static/vendor/world-atlas/countries-50m.json",
       { color: "#57606a", weight: 1, fillColor: "#f6f8fa", fillOpacity: 1 }, false)
    .then(function () {
      return load("/static/vendor/admin1/admin1.topo.json",
                  { color: "#afb8c1", weight: 0.6, fill: true, fillOpacity: 0 }, true);
    })
    .catch(function (err) { document.getElementById("map").dataset.error = String(err); });

  var group = data.cluster ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.featureGroup();
  data.points.forEach(function (p) {
    var status = str(p.status).replace(/[^a-z_]/g, "");
    var m = L.circleMarker([p.lat, p.lon], { radius: Number(p.radius) || 5, color: "#24292f", weight: 1,
      fillColor: /^#[0-9a-f]{6}$/i.test(str(p.colour)) ? p.colour : "#0969da", fillOpacity: 0.85,
      className: "wl-incident wl-" + status });
    var figure = p.best === null ? "no figure" :
      (p.low === p.high ? str(p.best) : str(p.low) + "–" + str(p.high) + " (best " + str(p.best) + ")") + " killed";
    var box = document.createElement("div");
    var link = textBox("a", str(p.type) + (p.date ? ", " + str(p.date) : ""));
    link.href = "/incidents/" + encodeURIComponent(str(p.id));
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(str(p.place) + " · " + figure + " · " + str(p.status).replace("_", " ")));
    m.bindPopup(box);
    m.bindTooltip(textBox("span", str(p.type) + (p.place ? " — " + str(p.place) : "")));
    group.addLayer(m);
  });
  group.addTo(map);
  window.warledgerMap = { map: map, markers: group, count: data.points.length };
})();

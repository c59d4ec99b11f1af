// The incident map: Natural Earth countries and first-level divisions drawn from vendored
// TopoJSON (no tiles, no network), one circle marker per placed incident.
(function () {
  "use strict";
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
          l.bindTooltip((p.name || "") + (p.admin ? ", " + p.admin : ""), { sticky: true });
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
    var m = L.circleMarker([p.lat, p.lon], { radius: p.radius, color: "#24292f", weight: 1,
      fillColor: p.colour, fillOpacity: 0.85, className: "wl-incident wl-" + p.status });
    var figure = p.best === null ? "no figure" :
      (p.low === p.high ? String(p.best) : p.low + "–" + p.high + " (best " + p.best + ")") + " killed";
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/incidents/" + encodeURIComponent(p.id);
    link.textContent = p.type + (p.date ? ", " + p.date : "");
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode((p.place || "") + " · " + figure + " · " + p.status.replace("_", " ")));
    m.bindPopup(box);
    m.bindTooltip(p.type + (p.place ? " — " + p.place : ""));
    group.addLayer(m);
  });
  group.addTo(map);
  window.warledgerMap = { map: map, markers: group, count: data.points.length };
})();

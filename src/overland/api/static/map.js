// overland's page: the map. Country borders and names from Natural Earth (npm world-atlas,
// drawn with topojson-client; both served by the app, so the map needs no internet), online
// tiles under them only when the server is told of some (OVERLAND_TILES); the places and the
// posts, each at its own coordinates, with popups (hours in both clocks, rules, sources); the
// planned route along every place it passes; labels that never overlap (labels.js). Text from
// the data goes into the map as text nodes, never as HTML.
window.overlandMap = (function () {
  "use strict";

  var dom = window.overlandDom, i18n = window.overlandI18n, store = window.overlandData;
  var el = dom.el, chosen = dom.chosen, valueOf = dom.valueOf, t = i18n.t;
  var ATLAS = "/vendor/world-atlas/countries-50m.json";
  // Natural Earth's countries (ISO 3166-1 numeric, as world-atlas keys them) named by the catalogues.
  var ISO = {
    "004": "AF", "156": "CN", "356": "IN", "398": "KZ", "417": "KG", "496": "MN", "586": "PK", "643": "RU",
    "762": "TJ", "795": "TM", "860": "UZ"
  };
  var PRIORITY = { city: 50, town: 45, pass: 42, caravanserai: 30, village: 35, "border-post": 32, station: 25, lake: 20 };
  var state = { map: null, labels: null, route: null, countries: [], placesShown: {} };

  function tip(text) { return el("span", { textContent: text }); }

  function placeName(id) {
    var place = store.data.places[id];
    return place ? i18n.localName(place.names, valueOf) || id : id;
  }

  function short(text) { return text.length > 30 ? text.slice(0, 28) + "…" : text; }

  // --- popups ---------------------------------------------------------------------------------

  function citation(claim) {
    return window.overlandApp ? window.overlandApp.citation(claim) : el("span", {});
  }

  function placePopup(id) {
    var place = store.data.places[id];
    var box = el("div", { className: "popup" }, el("h3", {}, placeName(id)));
    var names = el("ul", { className: "names" });
    Object.keys(place.names).forEach(function (lang) {
      names.appendChild(el("li", { lang: lang }, lang + ": " + valueOf(place.names[lang])));
    });
    box.appendChild(names);
    box.appendChild(el("p", {}, t("map.place_facts", {
      clock: i18n.clockName(place.clock_zone), zone: place.clock_zone, country: t("countries." + place.country),
      kind: t("place_kinds." + place.kind, { defaultValue: place.kind })
    })));
    if (place.elevation_m) {
      box.appendChild(el("p", {}, t("map.elevation", { metres: valueOf(place.elevation_m) }) + " ", citation(chosen(place.elevation_m))));
    }
    if (place.lodging) box.appendChild(el("p", {}, t("map.beds") + " " + valueOf(place.lodging) + " ", citation(chosen(place.lodging))));
    if (place.coordinates) box.appendChild(el("p", { className: "small" }, t("map.position") + " ", citation(chosen(place.coordinates))));
    return box;
  }

  function checkpointPopup(entries) {
    var box = el("div", { className: "popup" });
    entries.forEach(function (entry) {
      var sheet = entry.sheet, stage = sheet.stages[entry.stage];
      box.appendChild(el("h3", {}, stage.name));
      box.appendChild(el("p", { className: "small" }, sheet.id + "/" + entry.stage + " · " +
        t("map.staffed_by", { countries: stage.staffed_by.map(function (c) { return t("countries." + c); }).join(", ") })));
      (sheet.hours_by_direction || []).forEach(function (d) {
        d.stages.forEach(function (s) {
          if (s.stage !== entry.stage) return;
          var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(d.day);
          var on = m ? i18n.day(+m[1], +m[2], +m[3]) : d.day;
          box.appendChild(el("p", {}, t("map.hours_on", { direction: d.direction, day: on }) + " ",
            el("strong", {}, s.on_day + " " + s.clock), " = ", el("strong", {}, s.in_from_clock + " " + d.from_clock),
            el("span", { className: "small" }, " (" + i18n.clockName(s.clock) + " = " + i18n.clockName(d.from_clock) + ")")));
        });
      });
      var hours = chosen(stage.hours);
      if (hours) box.appendChild(el("p", { className: "small" }, t("map.weekly_hours") + " " + hours.value + " ", citation(hours)));
      (stage.hours || []).forEach(function (claim) {
        if (claim !== hours) box.appendChild(el("p", { className: "small" }, t("map.also") + " " + claim.value + " ", citation(claim)));
      });
      var closes = t("map.shut_on", {
        weekends: (valueOf(stage.weekends_of) || []).join("+"), holidays: (valueOf(stage.holidays_of) || []).join("+")
      });
      box.appendChild(el("p", { className: "small" }, closes));
      if (stage.rules && stage.rules.length) {
        var rules = el("ul", { className: "rules" });
        stage.rules.forEach(function (rule) {
          rules.appendChild(el("li", {}, el("strong", {}, rule.kind + ": "), rule.text + " ", citation(rule)));
        });
        box.appendChild(rules);
      }
    });
    return box;
  }

  // --- the borders ----------------------------------------------------------------------------

  // The data's region, widened: the countries drawn are those whose outline reaches into it.
  function region() {
    var all = Object.keys(store.data.places).map(store.coords).filter(Boolean);
    var bounds = L.latLngBounds(all.length ? all : [[36, 70], [46, 88]]);
    return bounds.pad(0.8);
  }

  function ringInside(ring, lon, lat) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function polygons(geometry) {
    return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  }

  // Where a country's name goes in the present view: of a grid of points inside the view, the
  // one inside the country farthest from its border and from the edges of the map (in pixels).
  function countryLabelPoint(country, map) {
    var view = map.getBounds();
    if (!view.intersects(country.bounds)) return null;
    var size = map.getSize();
    var best = null, bestScore = 28;  // a name needs room: at least 28 px all around
    var near = country.vertices.filter(function (v) { return view.pad(0.3).contains([v[1], v[0]]); })
      .map(function (v) { return map.latLngToContainerPoint([v[1], v[0]]); });
    for (var gx = 1; gx < 12; gx++) {
      for (var gy = 1; gy < 9; gy++) {
        var p = L.point(size.x * gx / 12, size.y * gy / 9);
        var ll = map.containerPointToLatLng(p);
        var inside = country.polygons.some(function (poly) {
          return ringInside(poly[0], ll.lng, ll.lat) && !poly.slice(1).some(function (hole) { return ringInside(hole, ll.lng, ll.lat); });
        });
        if (!inside) continue;
        var score = Math.min(p.x, size.x - p.x, p.y * 2, (size.y - p.y) * 2);
        for (var k = 0; k < near.length && score > bestScore; k++) score = Math.min(score, p.distanceTo(near[k]));
        if (score > bestScore) { bestScore = score; best = ll; }
      }
    }
    return best;
  }

  function boundsOf(geometry) {
    var bounds = null;
    polygons(geometry || { type: "none" }).forEach(function (poly) {
      poly[0].forEach(function (v) { bounds = bounds ? bounds.extend([v[1], v[0]]) : L.latLngBounds([v[1], v[0]], [v[1], v[0]]); });
    });
    return bounds;
  }

  async function drawBorders(map) {
    if (typeof window.topojson === "undefined") return;
    var response;
    try {
      response = await fetch(ATLAS);
    } catch (e) {
      return;
    }
    if (!response.ok) return;
    var world = await response.json();
    var wanted = region();
    var geometries = world.objects.countries.geometries.filter(function (g) {
      var bounds = boundsOf(window.topojson.feature(world, g).geometry);
      return bounds !== null && bounds.intersects(wanted);
    });
    var collection = { type: "GeometryCollection", geometries: geometries };
    var land = window.topojson.feature(world, collection);
    var tiles = !!document.querySelector('meta[name="overland-tiles"]').content;
    var pane = map.createPane("countries");
    pane.style.zIndex = 250;  // above the tiles, below the route and the markers
    pane.style.pointerEvents = "none";
    L.geoJSON(land, {
      pane: "countries", interactive: false,
      style: function (f) {
        var ours = store.data.countries[ISO[f.id]];
        return { className: "country" + (ours ? " country-ours" : ""), stroke: false, fillColor: ours ? "#f4f1e8" : "#e6e3da",
                 fillOpacity: tiles ? 0 : 1 };
      }
    }).addTo(map);
    var borders = window.topojson.mesh(world, collection, function (a, b) { return a !== b; });
    L.geoJSON(borders, {
      pane: "countries", interactive: false,
      style: { className: "country-border", color: "#8a6f8f", weight: 1.6, dashArray: "6 3", opacity: 0.9 }
    }).addTo(map);
    var coasts = window.topojson.mesh(world, collection, function (a, b) { return a === b; });
    L.geoJSON(coasts, { pane: "countries", interactive: false, style: { className: "coast", color: "#9fb7c9", weight: 1 } }).addTo(map);
    state.countries = land.features.map(function (f) {
      var polys = polygons(f.geometry);
      var vertices = [];
      polys.forEach(function (poly) { poly.forEach(function (ring) { vertices.push.apply(vertices, ring); }); });
      return { id: f.id, code: ISO[f.id] || null, name: f.properties.name, polygons: polys, vertices: vertices,
               bounds: boundsOf(f.geometry) };
    });
    labelCountries();
    document.getElementById("map").dataset.borders = String(geometries.length);
  }

  function labelCountries() {
    if (!state.labels) return;
    state.labels.clear("countries");
    state.labels.add(state.countries.map(function (country) {
      return {
        at: function (map) { return countryLabelPoint(country, map); },
        text: country.code ? t("countries." + country.code, { defaultValue: country.name }) : country.name,
        priority: 5, radius: 0, anchor: "center", className: "country-label", group: "countries"
      };
    }));
  }

  // --- places and posts -----------------------------------------------------------------------

  function drawPlaces(map) {
    var places = L.layerGroup().addTo(map);
    Object.keys(store.data.places).forEach(function (id) {
      var at = store.coords(id);
      if (!at) return;
      L.circleMarker(at, { radius: 4, className: "place-marker", color: "#555", weight: 1, fillOpacity: 0.7 })
        .bindPopup(function () { return placePopup(id); }, { maxWidth: 320 })
        .addTo(places);
    });
    var byPlace = {};
    Object.keys(store.data.sheets).forEach(function (cid) {
      var sheet = store.data.sheets[cid];
      Object.keys(sheet.stages).forEach(function (sid) {
        var at = sheet.stages[sid].place || sheet.border_place;
        (byPlace[at] = byPlace[at] || []).push({ sheet: sheet, stage: sid });
      });
    });
    var checkpoints = L.layerGroup().addTo(map);
    Object.keys(byPlace).forEach(function (placeId) {
      var at = store.coords(placeId);
      if (!at) return;
      var entries = byPlace[placeId];
      L.circleMarker(at, { radius: 7, className: "checkpoint-marker", color: "#7a1f1f", weight: 2, fillColor: "#e8a33d", fillOpacity: 0.9 })
        .bindTooltip(tip(t("map.posts", { count: entries.length }) + ": " +
          entries.map(function (e) { return e.sheet.stages[e.stage].name; }).join("; ")))
        .bindPopup(function () { return checkpointPopup(entries); }, { maxWidth: 420, maxHeight: 360 })
        .addTo(checkpoints);
    });
    state.layers = { places: places, checkpoints: checkpoints };
  }

  function labelPlaces() {
    state.labels.clear("places");
    var named = {};
    var items = [];
    Object.keys(store.data.places).forEach(function (id) {
      var at = store.coords(id);
      if (!at) return;
      var place = store.data.places[id];
      var priority = PRIORITY[place.kind] || 20;
      var key = at.join(",");
      if (named[key] && named[key].priority >= priority) return;
      if (named[key]) items.splice(items.indexOf(named[key]), 1);
      var item = { at: at, text: short(placeName(id)), title: placeName(id), priority: priority,
                   radius: place.kind === "border-post" ? 7 : 4, className: "place-label", group: "places", place: id };
      named[key] = item;
      items.push(item);
    });
    state.labels.add(items);
  }

  // --- the route ------------------------------------------------------------------------------

  function drawRoute(plan) {
    var map = state.map;
    if (!map) return;
    if (state.route) map.removeLayer(state.route);
    state.labels.clear("route");
    state.plan = plan;
    var group = L.featureGroup();
    var line = plan.route.map(function (p) { return [p.lat, p.lon]; });
    if (line.length > 1) {
      L.polyline(line, { className: "route-line", color: "#c0392b", weight: 5, opacity: 0.85, interactive: false,
                         smoothFactor: 0 }).addTo(group);
    }
    // Stops at one point share a marker and a label: the place's name, and how many posts are there.
    var stops = [], byPoint = {};
    plan.route.forEach(function (p, i) {
      var key = p.lat + "," + p.lon;
      if (!byPoint[key]) { byPoint[key] = { at: [p.lat, p.lon], items: [], first: i }; stops.push(byPoint[key]); }
      byPoint[key].items.push(p);
    });
    var onRoute = {};
    var last = plan.route.length - 1;
    var labels = stops.map(function (stop) {
      var nodes = stop.items.map(function (p) { return p.node; })
        .filter(function (node, i, all) { return all.indexOf(node) === i; });
      var posts = nodes.filter(function (n) { return n.indexOf("/") >= 0; });
      var place = store.placeOfNode(nodes[0]);
      onRoute[place] = true;
      var name = placeName(place);
      var ends = nodes.indexOf(plan.from) >= 0 || nodes.indexOf(plan.to) >= 0 || stop.first === 0 || stop.first === last;
      var gate = posts.some(function (n) { var s = store.stageOf(n); return s && s.kind === "gate"; });
      var priority = ends ? 100 : gate ? 90 : posts.length ? 70 : 80;
      var text = short(name) + (posts.length > 1 ? " · " + t("map.posts", { count: posts.length }) : "");
      L.circleMarker(stop.at, { radius: 5, className: "route-stop", color: "#c0392b", fillColor: "#fff", fillOpacity: 1,
                                weight: 3, interactive: false }).addTo(group);
      return { at: stop.at, text: text, title: name, priority: priority, radius: 8, className: "stop-label", group: "route",
               node: null, nodes: nodes };
    });
    plan.blockers.forEach(function (b) {
      var stop = plan.route.filter(function (p) { return p.node === b.stage; })[0];
      if (!stop) return;
      L.circleMarker([stop.lat, stop.lon], { radius: 12, className: "blocked-marker", color: "#000", weight: 3, fill: false,
                                             interactive: false }).addTo(group);
      labels.push({ at: [stop.lat, stop.lon], text: t("map.turned_back", { name: short(b.name) }), title: b.name,
                    priority: 95, radius: 12, className: "blocked-label", group: "route" });
    });
    state.labels.suppress(function (item) { return item.group === "places"; }, false);
    state.labels.suppress(function (item) { return item.group === "places" && onRoute[item.place]; }, true);
    group.addTo(map);
    state.route = group;
    map.invalidateSize({ animate: false });
    if (line.length) {
      map.fitBounds(L.latLngBounds(line), { paddingTopLeft: [36, 30], paddingBottomRight: [36, 30], maxZoom: 9, animate: false });
    }
    state.labels.add(labels);
  }

  function refit() {
    if (!state.map) return;
    state.map.invalidateSize({ animate: false });
    if (state.plan && state.plan.route.length) {
      var line = state.plan.route.map(function (p) { return [p.lat, p.lon]; });
      state.map.fitBounds(L.latLngBounds(line), { paddingTopLeft: [36, 30], paddingBottomRight: [36, 30], maxZoom: 9, animate: false });
    }
  }

  // --- start ----------------------------------------------------------------------------------

  function init() {
    var box = document.getElementById("map");
    if (typeof window.L === "undefined") {
      box.appendChild(el("p", { className: "error" }, t("map.no_leaflet")));
      return;
    }
    var map = L.map("map", { zoomSnap: 0.25, worldCopyJump: false });
    state.map = map;
    var tiles = document.querySelector('meta[name="overland-tiles"]').content;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: document.querySelector('meta[name="overland-tiles-attribution"]').content })
        .addTo(map);
    }
    map.attributionControl.setPrefix(false);
    state.attribution = t("map.attribution");
    map.attributionControl.addAttribution(state.attribution);
    L.control.scale({ imperial: false }).addTo(map);
    drawPlaces(map);
    var all = Object.keys(store.data.places).map(store.coords).filter(Boolean);
    if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [20, 20], animate: false });
    else map.setView([41, 76], 6);
    state.labels = window.overlandLabels.layer().addTo(map);
    labelPlaces();
    drawBorders(map);
    window.addEventListener("resize", function () { map.invalidateSize({ animate: false }); });
  }

  // A new language: the names on the map in it.
  function relabel() {
    if (!state.labels) return;
    state.map.attributionControl.removeAttribution(state.attribution);
    state.attribution = t("map.attribution");
    state.map.attributionControl.addAttribution(state.attribution);
    labelPlaces();
    labelCountries();
    if (state.plan) {
      var center = state.map.getCenter(), zoom = state.map.getZoom();
      drawRoute(state.plan);
      state.map.setView(center, zoom, { animate: false });
    }
  }

  return {
    init: init, drawRoute: drawRoute, relabel: relabel, refit: refit,
    get map() { return state.map; }, get labels() { return state.labels; }
  };
})();

// overland's page: plain JavaScript, no build step. Every text that comes from the data or the
// API goes into the page with textContent (never innerHTML), and into map popups as DOM nodes.
(function () {
  "use strict";

  var state = { places: {}, crossings: {}, sheets: {}, request: null, plan: null, map: null, layers: {} };
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var dom = window.overlandDom;
  var $ = dom.$, el = dom.el, clear = dom.clear, chosen = dom.chosen, valueOf = dom.valueOf, getJson = dom.getJson;
  var KIND_WORDS = {
    depart: "leave", drive: "drive", ride: "ride", wait: "wait", process: "at the post", night: "night",
    "vehicle-held": "vehicle held", transfer: "transfer", arrive: "arrive", blocked: "turned back"
  };

  // A source or a citation ("sourced: https://..."): its text, with the web addresses in it as links.
  function sourceNode(source) {
    var box = el("span", {});
    String(source || "").split(/(https?:\/\/[^\s()\[\]]+)/).forEach(function (part, i) {
      if (i % 2 === 1) {
        var link = el("a", { textContent: part, rel: "noopener noreferrer", target: "_blank" });
        link.href = part;
        box.appendChild(link);
      } else if (part) {
        box.appendChild(document.createTextNode(part));
      }
    });
    return box;
  }

  // How a claim is known, as the command line says it.
  function citation(claim) {
    var span = el("span", { className: "cite status-" + claim.status });
    if (claim.status === "sourced") {
      span.appendChild(document.createTextNode("sourced: "));
      span.appendChild(sourceNode(claim.source));
      if (claim.as_of) span.appendChild(document.createTextNode(" (" + claim.as_of + ")"));
    } else if (claim.status === "derived") {
      span.textContent = "derived from " + (claim.derived_from || "");
    } else {
      span.textContent = "assumed: " + (claim.reason || "");
    }
    return span;
  }

  // Times arrive as ISO 8601 with the offset of the clock they are shown in: read the wall
  // clock from the text itself, so the browser's own time zone data plays no part.
  function wall(iso) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(iso || "");
    if (!m) return null;
    var day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
    return { date: m[1] + "-" + m[2] + "-" + m[3], day: WEEKDAYS[day] + " " + m[3] + " " + MONTHS[+m[2] - 1],
             time: m[4] + ":" + m[5] };
  }

  function when(iso) { var w = wall(iso); return w ? w.day + " " + w.time : ""; }

  function span(startIso, endIso) {
    var a = wall(startIso), b = wall(endIso);
    if (!a) return "";
    if (!b || endIso === startIso) return a.day + " " + a.time;
    if (a.date === b.date) return a.day + " " + a.time + "–" + b.time;
    return a.day + " " + a.time + " – " + b.day + " " + b.time;
  }

  function hoursText(startIso, endIso) {
    var ms = Date.parse(endIso) - Date.parse(startIso);
    if (!(ms > 0)) return "";
    var minutes = Math.round(ms / 60000);
    if (minutes < 60) return minutes + " min";
    var h = Math.floor(minutes / 60), rest = minutes % 60;
    return h + " h" + (rest ? " " + rest + " min" : "");
  }

  function showError(text) {
    var node = $("form-error");
    node.textContent = text;
    node.hidden = !text;
  }

  // --- the form -------------------------------------------------------------------------

  function placeLabel(id) {
    var place = state.places[id];
    if (!place) return id;
    var names = place.names || {};
    var english = valueOf(names.en) || id;
    var local = Object.keys(names).filter(function (lang) { return lang !== "en"; })
      .map(function (lang) { return valueOf(names[lang]); }).filter(Boolean);
    return local.length ? english + " (" + local[0] + ")" : english;
  }

  function fillForm() {
    var ids = Object.keys(state.places).sort(function (a, b) { return placeLabel(a).localeCompare(placeLabel(b)); });
    ["from", "to"].forEach(function (field) {
      var select = $(field);
      clear(select);
      ids.forEach(function (id) { select.appendChild(el("option", { value: id, textContent: placeLabel(id) })); });
    });
    if (state.places.naryn) $("from").value = "naryn";
    if (state.places.kashgar) $("to").value = "kashgar";

    var via = $("via");
    Object.keys(state.crossings).forEach(function (id) {
      via.appendChild(el("option", { value: id, textContent: state.crossings[id].name }));
    });

    var clocks = {};
    ids.forEach(function (id) { clocks[state.places[id].clock_zone] = true; });
    clocks.UTC = true;
    var clock = $("clock");
    Object.keys(clocks).sort().forEach(function (zone) {
      clock.appendChild(el("option", { value: zone, textContent: zone }));
    });

    var documents = {};
    Object.keys(state.sheets).forEach(function (cid) {
      var docs = state.sheets[cid].documents || {};
      Object.keys(docs).forEach(function (doc) {
        (documents[doc] = documents[doc] || { name: docs[doc].name, crossings: [] }).crossings.push(state.crossings[cid].name);
      });
    });
    var box = $("documents");
    clear(box);
    Object.keys(documents).sort().forEach(function (doc) {
      var input = el("input", { type: "checkbox", value: doc, checked: true, disabled: true });
      box.appendChild(el("label", { className: "check" }, input,
        " " + documents[doc].name + " ", el("small", {}, "(" + documents[doc].crossings.join(", ") + ")")));
    });

    var now = new Date(Date.now() + 86400000);
    var pad = function (n) { return String(n).padStart(2, "0"); };
    $("depart").value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + "T07:00";
    originChanged();
  }

  function originChanged() {
    var place = state.places[$("from").value];
    if (!place) return;
    $("clock").value = place.clock_zone;
    $("clock-hint").textContent = placeLabel($("from").value) + " keeps " + place.clock_zone + ".";
  }

  function requestFromForm() {
    var body = {
      from: $("from").value,
      to: $("to").value,
      depart: $("depart").value,
      clock: $("clock").value,
      mode: $("mode").value,
      carrying: $("carrying").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean)
    };
    if ($("via").value) body.via = $("via").value;
    if (!$("all-documents").checked) {
      body.documents = Array.prototype.map.call(
        $("documents").querySelectorAll("input:checked"), function (input) { return input.value; });
    }
    return body;
  }

  async function submit(event) {
    event.preventDefault();
    showError("");
    if (!$("depart").value) { showError("Give the departure date and time."); return; }
    var body = requestFromForm();
    var button = $("plan-button");
    button.disabled = true;
    try {
      var plan = await getJson("/api/plan", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      });
      state.request = body;
      state.plan = plan;
      render(plan);
    } catch (error) {
      var p = error.problem;
      showError(p && p.title ? p.title + ": " + p.detail : String(error.message || error));
    } finally {
      button.disabled = false;
    }
  }

  // --- the plan -------------------------------------------------------------------------

  function render(plan) {
    var from = placeLabel(plan.from), to = placeLabel(plan.to);
    var title = from + " → " + to;
    if (plan.via) title += " via " + (state.crossings[plan.via] ? state.crossings[plan.via].name : plan.via);
    $("summary-title").textContent = title;

    var summary = $("summary");
    clear(summary);
    var last = plan.events[plan.events.length - 1];
    summary.appendChild(document.createTextNode(
      "Leave " + when(plan.events[0].start_home) + " " + plan.home_clock_name + " · "));
    if (plan.arrive) {
      summary.appendChild(document.createTextNode(
        "arrive " + when(plan.arrive) + " " + last.clock_name + " (" + when(last.end_home) + " " +
        plan.home_clock_name + ") · " + plan.nights + " night(s) · " + plan.waiting_hours.toFixed(1) + " h waiting"));
    } else {
      summary.appendChild(el("strong", { className: "blocked-text" }, "turned back: the trip does not get through"));
    }

    var blockers = $("blockers");
    clear(blockers);
    plan.blockers.forEach(function (b) {
      blockers.appendChild(el("div", { className: "blocker" },
        el("strong", {}, "Turned back at " + b.name + " (" + b.stage + "): "), b.reason, " ",
        el("small", { className: "cite" }, "[", sourceNode(b.source), "]")));
    });

    renderTimeline(plan);
    renderChecklist(plan);
    drawRoute(plan);
    $("result").hidden = false;
    $("timeline-section").hidden = false;
    $("checklist-section").hidden = false;
  }

  function renderTimeline(plan) {
    $("home-clock-head").textContent = plan.home_clock_name + " (home clock)";
    var body = $("timeline").querySelector("tbody");
    clear(body);
    var strip = $("strip");
    clear(strip);
    var day = null;
    plan.events.forEach(function (e) {
      var local = wall(e.start);
      if (local && local.date !== day) {
        day = local.date;
        body.appendChild(el("tr", { className: "day" }, el("td", { colSpan: 5, textContent: local.day })));
      }
      var what = KIND_WORDS[e.kind] || e.kind;
      if ((e.kind === "drive" || e.kind === "ride") && e.km !== undefined && e.km !== null) what += " " + e.km + " km";
      var length = hoursText(e.start, e.end);
      var where = el("td", {}, e.name || "");
      if (e.stage) where.appendChild(el("small", { className: "node" }, e.stage));
      body.appendChild(el("tr", { className: "ev ev-" + e.kind, dataset: { kind: e.kind, stage: e.stage || "", place: e.place || "" } },
        el("td", {}, span(e.start, e.end) + " " + e.clock_name),
        el("td", {}, span(e.start_home, e.end_home)),
        el("td", { className: "what" }, what + (length ? " · " + length : "")),
        where,
        el("td", { className: "note" }, e.note || "")));
      var ms = Date.parse(e.end) - Date.parse(e.start);
      if (ms > 0) {
        strip.appendChild(el("div", {
          className: "seg ev-" + e.kind,
          title: what + ": " + (e.name || "") + " — " + span(e.start, e.end) + " " + e.clock_name + " (" + length + ")"
        })).style.flexGrow = String(ms / 60000);
      }
    });
  }

  function renderChecklist(plan) {
    var warnings = $("warnings");
    clear(warnings);
    plan.warnings.forEach(function (w) { warnings.appendChild(el("li", {}, w)); });
    var list = $("checklist");
    clear(list);
    plan.advice.forEach(function (a) {
      var item = el("li", { className: "advice advice-" + a.kind },
        el("strong", {}, a.name + ": "), a.text, " ", el("small", { className: "cite" }, "[", sourceNode(a.source), "]"));
      if (a.note) item.appendChild(el("div", { className: "note" }, a.note));
      list.appendChild(item);
    });
    if (!plan.advice.length) list.appendChild(el("li", {}, "Nothing to prepare beyond the documents."));
  }

  async function exportPlan(format) {
    if (!state.request) return;
    var blob, name;
    var stamp = state.request.depart.replace(/[^0-9T]/g, "");
    if (format === "json") {
      blob = new Blob([JSON.stringify(state.plan, null, 2)], { type: "application/json" });
      name = "overland-" + state.plan.from + "-" + state.plan.to + "-" + stamp + ".json";
    } else {
      var response = await fetch("/api/plan/" + format, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(state.request)
      });
      if (!response.ok) { showError("Export failed: " + response.status); return; }
      blob = await response.blob();
      var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      name = match ? match[1] : "overland." + format;
    }
    var link = el("a", { download: name });
    link.href = URL.createObjectURL(blob);
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  // --- the map --------------------------------------------------------------------------

  // Leaflet puts a string into tooltips and popups as HTML: give it a text node's element instead.
  function tip(text) { return el("span", { textContent: text }); }

  // The place of a route node: the place itself, or the stage's place (else its crossing's border place).
  function placeOfNode(node) {
    var parts = node.split("/");
    if (parts.length < 2) return node;
    var sheet = state.sheets[parts[0]];
    var stage = sheet && sheet.stages[parts[1]];
    return stage ? (stage.place || sheet.border_place) : node;
  }

  function placeName(id) {
    var place = state.places[id];
    return (place && valueOf(place.names.en)) || id;
  }

  function coords(placeId) {
    var place = state.places[placeId];
    var c = place && valueOf(place.coordinates);
    return c ? [c.lat, c.lon] : null;
  }

  function placePopup(id) {
    var place = state.places[id];
    var box = el("div", { className: "popup" }, el("h3", {}, valueOf(place.names.en) || id));
    var names = el("ul", { className: "names" });
    Object.keys(place.names).forEach(function (lang) {
      if (lang !== "en") names.appendChild(el("li", { lang: lang }, lang + ": " + valueOf(place.names[lang])));
    });
    box.appendChild(names);
    box.appendChild(el("p", {}, "Clock: " + place.clock_zone + " · country " + place.country + " · " + place.kind));
    if (place.elevation_m) box.appendChild(el("p", {}, "Elevation: " + valueOf(place.elevation_m) + " m ", citation(chosen(place.elevation_m))));
    if (place.lodging) box.appendChild(el("p", {}, "Beds: " + valueOf(place.lodging) + " ", citation(chosen(place.lodging))));
    if (place.coordinates) box.appendChild(el("p", { className: "small" }, "Position ", citation(chosen(place.coordinates))));
    return box;
  }

  function checkpointPopup(entries) {
    var box = el("div", { className: "popup" });
    entries.forEach(function (entry) {
      var sheet = entry.sheet, stage = sheet.stages[entry.stage];
      box.appendChild(el("h3", {}, stage.name));
      box.appendChild(el("p", { className: "small" }, sheet.id + "/" + entry.stage + " · staffed by " + stage.staffed_by.join(", ")));
      (sheet.hours_by_direction || []).forEach(function (d) {
        d.stages.forEach(function (s) {
          if (s.stage !== entry.stage) return;
          box.appendChild(el("p", {}, "Hours (" + d.direction + ", " + wall(d.day + "T00:00").day + "): ",
            el("strong", {}, s.on_day + " " + s.clock), " = ", el("strong", {}, s.in_from_clock + " " + d.from_clock)));
        });
      });
      var hours = chosen(stage.hours);
      if (hours) box.appendChild(el("p", { className: "small" }, "Weekly hours " + hours.value + " ", citation(hours)));
      (stage.hours || []).forEach(function (claim) {
        if (claim !== hours) box.appendChild(el("p", { className: "small" }, "also: " + claim.value + " ", citation(claim)));
      });
      var closes = "Shut on weekends of " + (valueOf(stage.weekends_of) || []).join("+") +
        ", holidays of " + (valueOf(stage.holidays_of) || []).join("+");
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

  function initMap() {
    if (typeof window.L === "undefined") {
      $("map").appendChild(el("p", { className: "error" },
        "The map library (Leaflet) is not installed on the server: run `npm ci` where overland is installed."));
      return;
    }
    var map = L.map("map", { zoomSnap: 0.25 });
    state.map = map;
    var tiles = document.querySelector('meta[name="overland-tiles"]').content;
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 18, attribution: document.querySelector('meta[name="overland-tiles-attribution"]').content
      }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);

    var all = [];
    var places = L.layerGroup().addTo(map);
    Object.keys(state.places).forEach(function (id) {
      var at = coords(id);
      if (!at) return;
      all.push(at);
      L.circleMarker(at, { radius: 4, className: "place-marker", color: "#555", weight: 1, fillOpacity: 0.7 })
        .bindTooltip(tip(valueOf(state.places[id].names.en) || id), { direction: "right", permanent: true, className: "place-label", offset: [4, 0] })
        .bindPopup(function () { return placePopup(id); }, { maxWidth: 320 })
        .addTo(places);
    });

    var byPlace = {};
    Object.keys(state.sheets).forEach(function (cid) {
      var sheet = state.sheets[cid];
      Object.keys(sheet.stages).forEach(function (sid) {
        var at = sheet.stages[sid].place || sheet.border_place;
        (byPlace[at] = byPlace[at] || []).push({ sheet: sheet, stage: sid });
      });
    });
    var checkpoints = L.layerGroup().addTo(map);
    Object.keys(byPlace).forEach(function (placeId) {
      var at = coords(placeId);
      if (!at) return;
      var entries = byPlace[placeId];
      L.circleMarker(at, { radius: 8, className: "checkpoint-marker", color: "#7a1f1f", weight: 2, fillColor: "#e8a33d", fillOpacity: 0.9 })
        .bindTooltip(tip(entries.length + " post(s): " + entries.map(function (e) { return e.sheet.stages[e.stage].name; }).join("; ")))
        .bindPopup(function () { return checkpointPopup(entries); }, { maxWidth: 420, maxHeight: 360 })
        .addTo(checkpoints);
    });
    L.control.layers(null, { "Places": places, "Checkpoints": checkpoints }).addTo(map);
    if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [20, 20] });
    else map.setView([41, 76], 6);
  }

  function drawRoute(plan) {
    if (!state.map) return;
    if (state.layers.route) state.map.removeLayer(state.layers.route);
    var group = L.featureGroup();
    var line = plan.route.map(function (p) { return [p.lat, p.lon]; });
    if (line.length > 1) L.polyline(line, { className: "route-line", color: "#c0392b", weight: 5, opacity: 0.85, interactive: false }).addTo(group);
    // Stops at one point (the posts on a pass) share a marker: its label names the first and counts the rest.
    var stops = [], byPoint = {};
    plan.route.forEach(function (p) {
      var key = p.lat + "," + p.lon;
      if (!byPoint[key]) { byPoint[key] = { at: [p.lat, p.lon], items: [] }; stops.push(byPoint[key]); }
      byPoint[key].items.push(p);
    });
    stops.forEach(function (stop) {
      var posts = stop.items.filter(function (p) { return p.node.indexOf("/") >= 0; }).length;
      var label = placeName(placeOfNode(stop.items[0].node)) + (posts ? " (" + posts + (posts > 1 ? " posts)" : " post)") : "");
      // Not clickable: the place or checkpoint marker beneath keeps its popup (hours, rules, sources).
      L.circleMarker(stop.at, { radius: 5, className: "route-stop", color: "#c0392b", fillColor: "#fff", fillOpacity: 1, weight: 3, interactive: false })
        .bindTooltip(tip(label), { className: "stop-label", permanent: true, direction: "right", offset: [10, 0] })
        .addTo(group);
    });
    plan.blockers.forEach(function (b) {
      var stop = plan.route.filter(function (p) { return p.node === b.stage; })[0];
      if (stop) {
        L.circleMarker([stop.lat, stop.lon], { radius: 12, className: "blocked-marker", color: "#000", weight: 3, fill: false, interactive: false })
          .bindTooltip(tip("Turned back: " + b.name), { permanent: true, direction: "left", offset: [-12, 0] }).addTo(group);
      }
    });
    group.addTo(state.map);
    state.layers.route = group;
    if (line.length) state.map.fitBounds(L.latLngBounds(line), { padding: [40, 40], maxZoom: 9, animate: false });
  }

  // --- start ----------------------------------------------------------------------------

  async function start() {
    try {
      var results = await Promise.all([getJson("/api/places"), getJson("/api/crossings")]);
      state.places = results[0];
      results[1].forEach(function (c) { state.crossings[c.id] = c; });
      var sheets = await Promise.all(results[1].map(function (c) {
        return getJson("/api/crossings/" + encodeURIComponent(c.id));
      }));
      sheets.forEach(function (s) { state.sheets[s.id] = s; });
    } catch (error) {
      showError("Could not load the data: " + (error.message || error));
      return;
    }
    fillForm();
    initMap();
    $("from").addEventListener("change", originChanged);
    $("all-documents").addEventListener("change", function () {
      var all = $("all-documents").checked;
      Array.prototype.forEach.call($("documents").querySelectorAll("input"), function (input) { input.disabled = all; });
    });
    $("plan-form").addEventListener("submit", submit);
    Array.prototype.forEach.call(document.querySelectorAll("[data-export]"), function (button) {
      button.addEventListener("click", function () { exportPlan(button.dataset.export); });
    });
    document.body.dataset.ready = "true";
  }

  start();
})();

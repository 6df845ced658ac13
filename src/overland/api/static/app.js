// overland's page: the trip form and the plan, answer first (the summary, what you need and each
// post, then the map, then the details). Plain JavaScript, no build step. Every text that comes
// from the data or the API goes into the page with textContent (never innerHTML), and into map
// popups as DOM nodes. The page's own words come from the catalogues (i18n.js).
window.overlandApp = (function () {
  "use strict";

  var dom = window.overlandDom, i18n = window.overlandI18n, store = window.overlandData, maps = window.overlandMap;
  var $ = dom.$, el = dom.el, clear = dom.clear, chosen = dom.chosen, valueOf = dom.valueOf, getJson = dom.getJson;
  var t = i18n.t;
  var state = { request: null, plan: null };
  var KINDS = ["depart", "drive", "ride", "wait", "process", "night", "vehicle-held", "transfer", "arrive", "blocked"];
  function moves(e) { return e.kind === "drive" || e.kind === "ride" || e.kind === "transfer"; }

  // --- words and times ------------------------------------------------------------------------

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
      span.appendChild(document.createTextNode(t("cite.sourced") + " "));
      span.appendChild(sourceNode(claim.source));
      if (claim.as_of) span.appendChild(document.createTextNode(" (" + claim.as_of + ")"));
    } else if (claim.status === "derived") {
      span.textContent = t("cite.derived") + " " + (claim.derived_from || "");
    } else {
      span.textContent = t("cite.assumed") + " " + (claim.reason || "");
    }
    return span;
  }

  // Times arrive as ISO 8601 with the offset of the clock they are shown in: read the wall
  // clock from the text itself, so the browser's own time zone data plays no part.
  function wall(iso) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(iso || "");
    if (!m) return null;
    return { date: m[1] + "-" + m[2] + "-" + m[3], day: i18n.day(+m[1], +m[2], +m[3]), time: m[4] + ":" + m[5] };
  }

  function when(iso) { var w = wall(iso); return w ? w.day + " " + w.time : ""; }

  function span(startIso, endIso) {
    var a = wall(startIso), b = wall(endIso);
    if (!a) return "";
    if (!b || endIso === startIso) return a.day + " " + a.time;
    if (a.date === b.date) return a.day + " " + a.time + "–" + b.time;
    return a.day + " " + a.time + " – " + b.day + " " + b.time;
  }

  function duration(minutes) {
    minutes = Math.round(minutes);
    if (minutes < 60) return t("time.minutes", { m: minutes });
    var h = Math.floor(minutes / 60), rest = minutes % 60;
    return rest ? t("time.hours_minutes", { h: h, m: rest }) : t("time.hours", { h: h });
  }

  function hoursText(startIso, endIso) {
    var ms = Date.parse(endIso) - Date.parse(startIso);
    return ms > 0 ? duration(ms / 60000) : "";
  }

  function showError(text) {
    var node = $("form-error");
    node.textContent = text;
    node.hidden = !text;
  }

  function problemText(error) {
    var p = error.problem;
    return p && p.title ? p.title + ": " + p.detail : String(error.message || error);
  }

  // --- names ----------------------------------------------------------------------------------

  function placeName(id) {
    var place = store.data.places[id];
    return place ? i18n.localName(place.names, valueOf) || id : id;
  }

  // A place in a list: its name in the page's language, and one in a local script when the data has one.
  function placeLabel(id) {
    var place = store.data.places[id];
    if (!place) return id;
    var names = place.names || {};
    var shown = placeName(id);
    var local = Object.keys(names).map(function (lang) { return valueOf(names[lang]); })
      .filter(function (name) { return name && name !== shown && name !== valueOf(names.en); });
    return local.length ? shown + " (" + local[0] + ")" : shown;
  }

  function crossingName(id) {
    var sheet = store.data.sheets[id], row = store.data.crossings[id];
    var own = sheet && sheet.names && sheet.names[i18n.lang] && valueOf(sheet.names[i18n.lang]);
    return own || (row && row.name) || id;
  }

  function nodeName(node) {
    if (!node) return "";
    var stage = store.stageOf(node);
    return stage ? stage.name : placeName(node);
  }

  function countryName(code) { return t("countries." + code, { defaultValue: code }); }

  // A passport's country in the page's language (the browser knows every country's name).
  function passportName(code) {
    try {
      var name = new Intl.DisplayNames([i18n.lang], { type: "region" }).of(code);
      if (name && name !== code) return name;
    } catch (e) { /* an old browser: the catalogue's name, else the code */ }
    return countryName(code);
  }

  // "UTC+06:00" of a clock now (Intl knows the zones; the offset is only a hint in the lists).
  function offsetLabel(zone) {
    try {
      var parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(new Date());
      var name = parts.filter(function (p) { return p.type === "timeZoneName"; })[0];
      return name ? name.value.replace("GMT", "UTC") : "";
    } catch (e) {
      return "";
    }
  }

  function clockLabel(zone) {
    var offset = offsetLabel(zone);
    var name = i18n.clockName(zone);
    return name === zone ? zone + (offset ? " (" + offset + ")" : "") : name + " — " + zone + (offset ? ", " + offset : "");
  }

  // --- the form -------------------------------------------------------------------------------

  function fillPlaces() {
    var places = store.data.places;
    var byCountry = {};
    Object.keys(places).forEach(function (id) { (byCountry[places[id].country] = byCountry[places[id].country] || []).push(id); });
    var countries = Object.keys(byCountry).sort(function (a, b) { return countryName(a).localeCompare(countryName(b), i18n.lang); });
    ["from", "to"].forEach(function (field) {
      var select = $(field);
      var kept = select.value;
      clear(select);
      countries.forEach(function (code) {
        var group = el("optgroup", { label: countryName(code) });
        byCountry[code].sort(function (a, b) { return placeLabel(a).localeCompare(placeLabel(b), i18n.lang); })
          .forEach(function (id) { group.appendChild(el("option", { value: id, textContent: placeLabel(id) })); });
        select.appendChild(group);
      });
      if (kept) select.value = kept;
    });
  }

  function fillCrossings() {
    var via = $("via");
    var kept = via.value;
    while (via.options.length > 1) via.remove(1);
    Object.keys(store.data.crossings).sort(function (a, b) { return crossingName(a).localeCompare(crossingName(b), i18n.lang); })
      .forEach(function (id) { via.appendChild(el("option", { value: id, textContent: crossingName(id) })); });
    via.value = kept;
  }

  function fillClocks() {
    var clocks = { UTC: true };
    Object.keys(store.data.places).forEach(function (id) { clocks[store.data.places[id].clock_zone] = true; });
    Object.keys(store.data.sheets).forEach(function (cid) {
      var stages = store.data.sheets[cid].stages;
      Object.keys(stages).forEach(function (sid) { var c = valueOf(stages[sid].clock); if (c) clocks[c] = true; });
    });
    var select = $("clock");
    var kept = select.value;
    clear(select);
    Object.keys(clocks).sort().forEach(function (zone) {
      select.appendChild(el("option", { value: zone, textContent: clockLabel(zone) }));
    });
    if (kept) select.value = kept;
  }

  // The documents a traveller of the chosen mode may be asked for, each with the crossings that ask.
  function fillDocuments() {
    var mode = $("mode").value;
    var documents = {};
    Object.keys(store.data.sheets).forEach(function (cid) {
      var docs = store.data.sheets[cid].documents || {};
      Object.keys(docs).forEach(function (doc) {
        if (docs[doc].modes && docs[doc].modes.indexOf(mode) < 0) return;
        (documents[doc] = documents[doc] || { name: docs[doc].name, crossings: [] }).crossings.push(crossingName(cid));
      });
    });
    var box = $("documents");
    var held = {};
    Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) { held[input.value] = input.checked; });
    clear(box);
    var all = $("all-documents").checked;
    Object.keys(documents).sort().forEach(function (doc) {
      var input = el("input", { type: "checkbox", value: doc, checked: held[doc] !== false, disabled: all });
      box.appendChild(el("label", { className: "check" }, input,
        " " + documents[doc].name + " ", el("small", {}, "(" + documents[doc].crossings.join(", ") + ")")));
    });
    box.dataset.mode = mode;
  }

  function carryingHint() {
    var known = store.knownItems();
    $("carrying-hint").textContent = known.length ? t("form.carrying_hint", { items: known.join(", ") }) : "";
  }

  function originChanged() {
    var place = store.data.places[$("from").value];
    if (!place) return;
    $("clock").value = place.clock_zone;
    clockHint();
  }

  function clockHint() {
    var place = store.data.places[$("from").value];
    if (!place) return;
    $("clock-hint").textContent = t("form.clock_hint", {
      place: placeName($("from").value), clock: i18n.clockName(place.clock_zone), zone: place.clock_zone
    });
  }

  function fillPassports() {
    var select = $("nationality"), chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    store.data.passports
      .map(function (code) { return { code: code, name: passportName(code) }; })
      .sort(function (a, b) { return a.name.localeCompare(b.name, i18n.lang); })
      .forEach(function (p) { select.appendChild(el("option", { value: p.code, textContent: p.name })); });
    select.value = chosen;
  }

  function fillForm() {
    fillPlaces();
    fillPassports();
    if (store.data.places.naryn) $("from").value = "naryn";
    if (store.data.places.kashgar) $("to").value = "kashgar";
    fillCrossings();
    fillClocks();
    fillDocuments();
    carryingHint();
    var now = new Date(Date.now() + 86400000);
    var pad = function (n) { return String(n).padStart(2, "0"); };
    $("depart").value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + "T07:00";
    originChanged();
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
    if ($("nationality").value) body.nationality = $("nationality").value;
    var quiet = $("quiet-hours").value.trim();
    if (quiet) body.quiet_hours = quiet;  // read by the server as the command line reads --quiet-hours
    if (!$("all-documents").checked) {
      body.documents = Array.prototype.map.call(
        $("documents").querySelectorAll("input:checked"), function (input) { return input.value; });
    }
    return body;
  }

  async function submit(event) {
    event.preventDefault();
    showError("");
    if (!$("depart").value) { showError(t("form.need_departure")); return; }
    if ($("from").value === $("to").value) { showError(t("form.same_place", { place: placeName($("from").value) })); return; }
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
      var top = $("result").getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight * 0.5) $("result").scrollIntoView({ block: "start" });
    } catch (error) {
      showError(problemText(error));
    } finally {
      button.disabled = false;
    }
  }

  // --- the plan -------------------------------------------------------------------------------

  // On a phone the details (the timeline, the checklist) start folded: the answer comes first.
  function fold() {
    if (state.folded) return;
    state.folded = true;
    var narrow = window.matchMedia("(max-width: 700px)").matches;
    $("timeline-details").open = !narrow;
    $("checklist-details").open = !narrow;
  }

  function render(plan) {
    fold();
    document.body.classList.add("has-plan");
    $("result").hidden = false;
    $("needs-section").hidden = false;
    $("timeline-section").hidden = false;
    $("checklist-section").hidden = false;
    renderSummary(plan);
    renderNeeds(plan);
    renderPosts(plan);
    renderTimeline(plan);
    renderChecklist(plan);
    maps.drawRoute(plan);
    document.body.dataset.planned = String(Number(document.body.dataset.planned || 0) + 1);
  }

  function renderSummary(plan) {
    var title = placeName(plan.from) + " → " + placeName(plan.to);
    if (plan.via) title += " " + t("summary.via", { crossing: crossingName(plan.via) });
    $("summary-title").textContent = title;

    var summary = $("summary");
    clear(summary);
    $("day").textContent = dayText(plan.day);
    var home = i18n.clockName(plan.home_clock, plan.home_clock_name);
    var moving = plan.events.filter(moves)[0] || plan.events[0];
    var last = plan.events[plan.events.length - 1];
    var parts = [t("summary.leave", { time: when(moving.start_home), clock: home })];
    if (plan.arrive) {
      parts.push(t("summary.arrive", {
        time: when(plan.arrive), clock: i18n.clockName(last.clock, last.clock_name), home_time: when(last.end_home), home_clock: home
      }));
      parts.push(t("summary.nights", { count: plan.nights }));
      parts.push(t("summary.waiting", { hours: i18n.number(plan.waiting_hours, 1) }));
      summary.appendChild(document.createTextNode(parts.join(" · ")));
    } else {
      summary.appendChild(document.createTextNode(parts[0] + " · "));
      summary.appendChild(el("strong", { className: "blocked-text" }, t("summary.turned_back")));
    }

    var cautions = $("cautions");
    clear(cautions);
    (plan.cautions || []).forEach(function (c) { cautions.appendChild(el("li", { className: "caution caution-" + c.kind }, cautionText(c))); });

    var blockers = $("blockers");
    clear(blockers);
    plan.blockers.forEach(function (b) {
      blockers.appendChild(el("div", { className: "blocker" },
        el("strong", {}, t("summary.blocked_at", { name: b.name }) + " "), b.reason, " ",
        el("small", { className: "cite" }, "[", sourceNode(b.source), "]")));
    });
  }

  function cautionText(c) {
    if (c.kind === "departure-in-the-past") {
      return t("cautions.past", { depart: when(c.depart), now: when(c.now) });
    }
    if (c.kind === "unknown-item") {
      var text = t("cautions.unknown_item", { item: c.item, known: (c.known || []).join(", ") });
      return c.suggestion ? text + " " + t("cautions.did_you_mean", { item: c.suggestion }) : text;
    }
    return c.text;
  }

  function wholeHours(hours) { return i18n.number(hours, hours % 1 ? 1 : 0); }

  // The traveller's day the plan keeps, in the page's language.
  function dayText(day) {
    if (!day) return "";
    var parts = [];
    if (day.quiet_hours) {
      var clocks = (day.counted_in || []).map(function (z) { return i18n.clockName(z); });
      parts.push(clocks.length ? t("day.quiet_in", { hours: day.quiet_hours, clock: clocks.join(", ") })
        : t("day.quiet", { hours: day.quiet_hours }));
    } else {
      parts.push(t("day.any_hour"));
    }
    if (!day.dark_roads) parts.push(t("day.daylight_roads"));
    if (day.max_drive_hours !== null && day.max_drive_hours !== undefined) {
      parts.push(t("day.max_drive", { hours: wholeHours(day.max_drive_hours) }));
    }
    if (day.break) parts.push(t("day.break", { minutes: day.break.minutes, hours: wholeHours(day.break.after_hours) }));
    return t("day.yours", { text: parts.join(", ") });
  }

  function isoDay(text) {
    var p = String(text).split("-").map(Number);
    return i18n.day(p[0], p[1], p[2]) + " " + p[0];
  }

  function renderEntry(plan) {
    var box = $("entry");
    clear(box);
    box.hidden = !plan.nationality;
    if (!plan.nationality) return;
    box.appendChild(el("strong", {}, t("entry.on", { passport: passportName(plan.nationality) }) + " "));
    var items = (plan.entry || []).map(function (e) {
      var text = countryName(e.country) + ": " + t("entry.kinds." + e.kind, { defaultValue: e.kind });
      if (e.days) text += " (" + t("entry.days", { count: e.days }) + ")";
      if (e.until) {
        text += ", " + t("entry.until", { date: isoDay(e.until) });
        if (e.after) text += " " + t("entry.then", { kind: t("entry.kinds." + e.after, { defaultValue: e.after }) });
      }
      return el("span", { className: "regime", title: e.source }, text);
    });
    if (!items.length) items.push(el("span", {}, t("entry.none")));
    items.forEach(function (item, i) {
      if (i) box.appendChild(document.createTextNode(" · "));
      box.appendChild(item);
    });
  }

  function renderNeeds(plan) {
    renderEntry(plan);
    var list = $("needs");
    clear(list);
    (plan.needs || []).forEach(function (need) {
      var posts = need.stages.map(function (s) { return nodeName(s); });
      var item = el("li", { className: "need" + (need.held ? "" : " missing"), dataset: { document: need.document } },
        el("strong", {}, need.name));
      if (!need.held) item.appendChild(el("span", { className: "badge" }, " " + t("needs.missing")));
      if (need.lead_days) item.appendChild(el("span", { className: "lead" }, " · " + t("needs.lead", { count: Math.ceil(need.lead_days) })));
      if (need.text) item.appendChild(el("div", { className: "note" }, need.text));
      var at = el("div", { className: "checked-at", title: posts.join("; ") }, t("needs.checked_at", { count: posts.length }));
      if (posts.length <= 2) at.appendChild(document.createTextNode(": " + posts.join("; ")));
      item.appendChild(at);
      list.appendChild(item);
    });
    if (!(plan.needs || []).length) list.appendChild(el("li", {}, t("needs.none")));
  }

  // One band per post the plan passes: when you reach it, the wait and why, the time there, the papers it checks.
  function renderPosts(plan) {
    var list = $("posts");
    clear(list);
    var bands = [], byStage = {};
    plan.events.forEach(function (e) {
      if (!e.stage || moves(e)) return;
      var band = byStage[e.stage];
      if (!band) { band = byStage[e.stage] = { stage: e.stage, events: [] }; bands.push(band); }
      band.events.push(e);
    });
    bands.forEach(function (band) {
      var first = band.events[0];
      var clock = i18n.clockName(first.clock, first.clock_name);
      var place = store.placeOfNode(band.stage);
      var where = store.data.places[place];
      var item = el("li", { className: "post-band", dataset: { stage: band.stage } },
        el("div", { className: "post-name" }, el("strong", {}, nodeName(band.stage)),
          where && where.kind !== "border-post" ? el("span", { className: "post-place" }, " · " + placeName(place)) : null),
        el("div", { className: "post-when" }, t("posts.reached", { time: when(first.start), clock: clock })));
      band.events.forEach(function (e) {
        var length = hoursText(e.start, e.end);
        if (e.kind === "wait" && length) {
          item.appendChild(el("div", { className: "post-wait" }, t("posts.wait", { duration: length }) + " ", el("span", { className: "note" }, e.note)));
        } else if (e.kind === "process") {
          item.appendChild(el("div", { className: "post-process" }, t("posts.at_post", { duration: length || duration(0), until: wall(e.end).time, clock: clock })));
        } else if (e.kind === "vehicle-held") {
          item.appendChild(el("div", { className: "post-held" }, t("posts.vehicle_held", { until: when(e.end), clock: clock })));
        } else if (e.kind === "blocked") {
          item.appendChild(el("div", { className: "post-blocked" }, t("posts.blocked") + " " + e.note));
          item.classList.add("blocked");
        }
      });
      var papers = (plan.needs || []).filter(function (n) { return n.stages.indexOf(band.stage) >= 0; })
        .map(function (n) { return n.name; });
      if (papers.length) item.appendChild(el("div", { className: "post-papers" }, t("posts.papers", { papers: papers.join("; ") })));
      list.appendChild(item);
    });
  }

  function renderTimeline(plan) {
    var home = i18n.clockName(plan.home_clock, plan.home_clock_name);
    $("home-clock-head").textContent = t("timeline.home", { clock: home });
    var body = $("timeline").querySelector("tbody");
    clear(body);
    var strip = $("strip");
    clear(strip);
    var day = null;
    $("timeline-count").textContent = t("timeline.count", { count: plan.events.length });
    plan.events.forEach(function (e) {
      var local = wall(e.start);
      if (local && local.date !== day) {
        day = local.date;
        body.appendChild(el("tr", { className: "day" }, el("td", { colSpan: 5, textContent: local.day })));
      }
      var what = t("kinds." + e.kind, { defaultValue: e.kind });
      if ((e.kind === "drive" || e.kind === "ride") && e.km !== undefined && e.km !== null) {
        what += " " + t("time.km", { km: i18n.number(e.km) });
      }
      var length = hoursText(e.start, e.end);
      var clock = i18n.clockName(e.clock, e.clock_name);
      var moving = moves(e) && e.to;
      var where = el("td", { className: "where", dataset: { label: t("timeline.where") } },
        moving ? nodeName(e.stage || e.place) + " → " + nodeName(e.to) : (e.name || ""));
      if (e.stage && !moving) where.appendChild(el("small", { className: "node" }, e.stage));
      var note = moving && /^\S+ → \S+$/.test(e.note) ? "" : e.note || "";
      body.appendChild(el("tr", { className: "ev ev-" + e.kind, dataset: { kind: e.kind, stage: e.stage || "", place: e.place || "" } },
        el("td", { className: "local", dataset: { label: t("timeline.local") } }, span(e.start, e.end) + " " + clock),
        el("td", { className: "home", dataset: { label: home } }, span(e.start_home, e.end_home)),
        el("td", { className: "what" }, what + (length ? " · " + length : "")),
        where,
        el("td", { className: "note" }, note)));
      var ms = Date.parse(e.end) - Date.parse(e.start);
      if (ms > 0) {
        strip.appendChild(el("div", {
          className: "seg ev-" + e.kind,
          title: what + ": " + (e.name || "") + " — " + span(e.start, e.end) + " " + clock + " (" + length + ")"
        })).style.flexGrow = String(ms / 60000);
      }
    });
  }

  function renderChecklist(plan) {
    var warnings = $("warnings");
    clear(warnings);
    var said = (plan.cautions || []).map(function (c) { return c.text; });
    plan.warnings.forEach(function (w) { if (said.indexOf(w) < 0) warnings.appendChild(el("li", {}, w)); });
    var list = $("checklist");
    clear(list);
    plan.advice.forEach(function (a) {
      var item = el("li", { className: "advice advice-" + a.kind },
        el("strong", {}, a.name + ": "), a.text, " ", el("small", { className: "cite" }, "[", sourceNode(a.source), "]"));
      if (a.note) item.appendChild(el("div", { className: "note" }, a.note));
      list.appendChild(item);
    });
    if (!plan.advice.length) list.appendChild(el("li", {}, t("checklist.nothing")));
    $("checklist-count").textContent = t("checklist.count", { count: plan.advice.length + warnings.children.length });
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
      if (!response.ok) { showError(t("exports.failed", { status: response.status })); return; }
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

  // --- languages ------------------------------------------------------------------------------

  function fillLanguages() {
    var select = $("language");
    clear(select);
    i18n.languages.forEach(function (l) { select.appendChild(el("option", { value: l.code, textContent: l.name, lang: l.code })); });
    select.value = i18n.lang;
    select.addEventListener("change", function () { i18n.setLanguage(select.value); });
  }

  function languageChanged() {
    $("language").value = i18n.lang;
    fillPlaces();
    fillPassports();
    fillCrossings();
    fillClocks();
    fillDocuments();
    carryingHint();
    clockHint();
    maps.relabel();
    if (state.plan) {
      renderSummary(state.plan);
      renderNeeds(state.plan);
      renderPosts(state.plan);
      renderTimeline(state.plan);
      renderChecklist(state.plan);
    }
  }

  // --- start ----------------------------------------------------------------------------------

  async function start() {
    try {
      await i18n.ready;
      await store.ready;
    } catch (error) {
      showError(t("page.no_data", { error: error.message || error }));
      return;
    }
    fillLanguages();
    fillForm();
    maps.init();
    i18n.onChange(languageChanged);
    $("from").addEventListener("change", originChanged);
    $("clock").addEventListener("change", clockHint);
    $("mode").addEventListener("change", fillDocuments);
    $("all-documents").addEventListener("change", function () {
      var all = $("all-documents").checked;
      Array.prototype.forEach.call($("documents").querySelectorAll("input"), function (input) { input.disabled = all; });
      $("documents").hidden = all;
    });
    $("documents").hidden = $("all-documents").checked;
    $("plan-form").addEventListener("submit", submit);
    Array.prototype.forEach.call(document.querySelectorAll("[data-export]"), function (button) {
      button.addEventListener("click", function () { exportPlan(button.dataset.export); });
    });
    document.body.dataset.ready = "true";
  }

  start();

  return {
    citation: citation, sourceNode: sourceNode, wall: wall, when: when, duration: duration, placeName: placeName,
    crossingName: crossingName, countryName: countryName, nodeName: nodeName, clockLabel: clockLabel,
    offsetLabel: offsetLabel, KINDS: KINDS
  };
})();

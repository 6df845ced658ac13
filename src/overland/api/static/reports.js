// overland's page: crossing reports. Anyone may report a crossing (POST /api/reports/queue, no
// token: a moderator approves it before it shows); a token holder's report is published at once
// (POST /api/reports with the token). The form asks the day once, then for each post the times
// only, in that post's own clock; a time more than six hours before the one before it is read as
// the next day, and the form says so beside it. A panel shows what recent reports saw at each
// checkpoint (GET /api/observed) and the latest reports. Everything from the API, notes above all,
// goes into the page with textContent or text nodes, never as HTML: a note holding <script> is
// shown as those characters and runs nothing.
(function () {
  "use strict";

  var TIMES = ["arrived", "started", "finished"];
  var MODES = ["own-car", "motorbike", "truck", "passenger", "foot"];
  var OUTCOMES = ["crossed", "turned-back", "closed"];
  var NEXT_DAY_HOURS = 6;  // a time this much earlier than the one before it is the next day's
  var dom = window.overlandDom, i18n = window.overlandI18n, store = window.overlandData;
  var $ = dom.$, el = dom.el, clear = dom.clear, valueOf = dom.valueOf, getJson = dom.getJson, t = i18n.t;
  var state = { recent: null, observed: null };

  function app() { return window.overlandApp; }

  function option(value, key) { return el("option", { value: value, textContent: t(key), dataset: { i18n: key } }); }

  function minutes(value) {
    if (value === null || value === undefined) return "–";
    return app().duration(value);
  }

  function stageName(crossing, stage) {
    var sheet = store.data.sheets[crossing];
    return sheet && sheet.stages[stage] ? sheet.stages[stage].name : crossing + "/" + stage;
  }

  function directionText(sheet, direction) {
    return app().countryName(direction.from_country) + " → " + app().countryName(direction.to_country);
  }

  // --- clocks: a wall time in a zone as a moment (Intl knows the zones) -----------------------

  function offsetMs(zone, utcMs) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
    }).formatToParts(new Date(utcMs)).forEach(function (p) { parts[p.type] = p.value; });
    var shown = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute);
    return shown - Math.floor(utcMs / 60000) * 60000;
  }

  function momentOf(date, time, zone) {
    var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date), h = /^(\d\d):(\d\d)/.exec(time);
    var guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +h[1], +h[2]);
    var at = guess - offsetMs(zone, guess);
    return guess - offsetMs(zone, at);
  }

  function nextDay(date) {
    var d = new Date(date + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  // Every time of the form with its date: the report's day, or the next when it comes more than
  // six hours before the time before it; the problems in words (the post and the field named).
  function timesOfForm() {
    var day = $("report-date").value;
    var entries = [], problems = [];
    var previous = null;
    Array.prototype.forEach.call(document.querySelectorAll("#report-stages .report-stage"), function (row) {
      var stage = row.dataset.stage, zone = row.dataset.clock;
      var entry = { stage: stage, clock: zone, index: entries.length };
      var any = false;
      TIMES.forEach(function (name) {
        var input = row.querySelector('input[data-time="' + name + '"]');
        var note = row.querySelector('[data-day-of="' + name + '"]');
        note.textContent = "";
        if (!input.value || !day) return;
        var date = day;
        var at = momentOf(date, input.value, zone);
        while (previous && at < previous.at - NEXT_DAY_HOURS * 3600000) {
          date = nextDay(date);
          at = momentOf(date, input.value, zone);
        }
        if (date !== day) {
          var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
          note.textContent = t("report.on_day", { day: i18n.day(+m[1], +m[2], +m[3]) });
        }
        if (previous && at < previous.at) {
          problems.push(t("report.before", {
            post: stageName($("report-crossing").value, stage), field: t("report.times." + name), time: input.value,
            other: t("report.times." + previous.name), other_time: previous.time,
            other_post: previous.stage === stage ? "" : " (" + stageName($("report-crossing").value, previous.stage) + ")"
          }));
        }
        entry[name] = date + "T" + input.value;
        previous = { at: at, name: name, time: input.value, stage: stage };
        any = true;
      });
      if (any) entries.push(entry);
    });
    return { entries: entries, problems: problems };
  }

  // --- the form -------------------------------------------------------------------------------

  function buildForm() {
    var form = el("form", { id: "report-form", noValidate: true },
      el("p", { className: "hint", dataset: { i18n: "report.intro" } }),
      el("label", {}, el("span", { dataset: { i18n: "report.crossing" } }), " ", el("select", { id: "report-crossing" })),
      el("label", {}, el("span", { dataset: { i18n: "report.direction" } }), " ", el("select", { id: "report-direction" })),
      el("label", {}, el("span", { dataset: { i18n: "report.mode" } }), " ",
        el("select", { id: "report-mode" }, MODES.map(function (m) { return option(m, "report.modes." + m); }))),
      el("label", {}, el("span", { dataset: { i18n: "report.date" } }), " ", el("input", { type: "date", id: "report-date" })),
      el("label", {}, el("span", { dataset: { i18n: "report.outcome" } }), " ",
        el("select", { id: "report-outcome" }, OUTCOMES.map(function (o) { return option(o, "report.outcomes." + o); }))),
      el("p", { className: "hint", dataset: { i18n: "report.times_hint" } }),
      el("div", { id: "report-stages", className: "report-stages" }),
      el("label", {}, el("span", { dataset: { i18n: "report.note" } }), " ",
        el("textarea", { id: "report-note", maxLength: 2000, rows: 3, dataset: { i18nPlaceholder: "report.note_placeholder" } })),
      // A field people do not see (nor reach with the keyboard): robots fill it in, and are not heard.
      el("div", { className: "hp", ariaHidden: "true" },
        el("label", {}, el("span", { dataset: { i18n: "report.website" } }), " ",
          el("input", { type: "text", id: "report-website", name: "website", tabIndex: -1, autocomplete: "off" }))),
      el("details", { id: "report-token-box" },
        el("summary", { dataset: { i18n: "report.token_summary" } }),
        el("label", {}, el("span", { dataset: { i18n: "report.token" } }), " ",
          el("input", { type: "password", id: "report-token", autocomplete: "off", maxLength: 200, placeholder: "ovl_…" }))),
      el("button", { type: "submit", id: "report-button", dataset: { i18n: "report.send" } }),
      el("p", { id: "report-message", role: "status", hidden: true }),
      el("ul", { id: "report-errors", className: "error", hidden: true }));
    form.querySelector(".hp").setAttribute("aria-hidden", "true");
    var section = el("details", { id: "report-section", className: "report-section" },
      el("summary", { dataset: { i18n: "report.title" } }), form);
    var side = document.querySelector(".side") || document.body;
    side.appendChild(section);
    i18n.apply(section);

    fillCrossings();
    var today = new Date();
    var pad = function (n) { return String(n).padStart(2, "0"); };
    $("report-date").value = today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
    $("report-crossing").addEventListener("change", function () { fillDirections(); fillStages(); });
    $("report-direction").addEventListener("change", fillStages);
    $("report-mode").addEventListener("change", fillStages);
    $("report-date").addEventListener("change", timesOfForm);
    $("report-stages").addEventListener("input", timesOfForm);
    form.addEventListener("submit", submit);
    fillDirections();
    fillStages();
  }

  function fillCrossings() {
    var crossing = $("report-crossing");
    var kept = crossing.value;
    clear(crossing);
    Object.keys(store.data.crossings).sort().forEach(function (id) {
      crossing.appendChild(el("option", { value: id, textContent: app().crossingName(id) }));
    });
    if (kept) crossing.value = kept;
  }

  function fillDirections() {
    var select = $("report-direction");
    var kept = select.value;
    clear(select);
    var sheet = store.data.sheets[$("report-crossing").value];
    if (!sheet) return;
    sheet.directions.forEach(function (d) { select.appendChild(el("option", { value: d.id, textContent: directionText(sheet, d) })); });
    if (kept && sheet.directions.some(function (d) { return d.id === kept; })) select.value = kept;
  }

  function fillStages() {
    var box = $("report-stages");
    var typed = {};
    Array.prototype.forEach.call(box.querySelectorAll("input[data-time]"), function (input) {
      typed[input.closest(".report-stage").dataset.stage + " " + input.dataset.time] = input.value;
    });
    clear(box);
    var sheet = store.data.sheets[$("report-crossing").value];
    if (!sheet) return;
    var direction = sheet.directions.filter(function (d) { return d.id === $("report-direction").value; })[0];
    if (!direction) return;
    var mode = $("report-mode").value;
    direction.route.forEach(function (sid) {
      var stage = sheet.stages[sid];
      if (stage.modes && stage.modes.indexOf(mode) < 0) return;
      var clock = valueOf(stage.clock) || "";
      var offset = app().offsetLabel(clock);
      var times = el("div", { className: "times" }, TIMES.map(function (name) {
        var input = el("input", { type: "time", name: sid + "-" + name, dataset: { time: name } });
        input.value = typed[sid + " " + name] || "";
        return el("label", { className: "time" }, el("span", { className: "time-name" }, t("report.times." + name)),
          input, el("small", { className: "day-note", dataset: { dayOf: name } }));
      }));
      box.appendChild(el("fieldset", { className: "report-stage", dataset: { stage: sid, clock: clock } },
        el("legend", {}, stage.name),
        el("small", { className: "hint" }, t("report.in_clock", { clock: i18n.clockName(clock), offset: offset })), times));
    });
    timesOfForm();
  }

  function showMessage(text, ok) {
    var node = $("report-message");
    node.textContent = text;
    node.className = ok ? "ok" : "error";
    node.hidden = !text;
  }

  function showErrors(lines) {
    var list = $("report-errors");
    clear(list);
    lines.forEach(function (line) { list.appendChild(el("li", {}, line)); });
    list.hidden = lines.length === 0;
  }

  // A problem of the API, in words: the post and the field it concerns, then what the server says.
  function errorLines(problem, body) {
    return ((problem && problem.errors) || []).map(function (e) {
      var loc = (e.loc || []).slice(1);
      var where;
      if (loc[0] === "stages" && typeof loc[1] === "number" && body.stages[loc[1]]) {
        var post = stageName(body.crossing, body.stages[loc[1]].stage);
        var field = loc[2] && loc[2] !== "stage" ? t("report.times." + loc[2], { defaultValue: loc[2] }) : "";
        where = field ? t("report.error_post_field", { post: post, field: field }) : post;
      } else if (loc[0] === "date" || loc[0] === "day") {
        where = t("report.date");
      } else {
        where = loc.length ? t("report." + loc[0], { defaultValue: String(loc[0]) }) : t("report.title");
      }
      return where + ": " + e.msg;
    });
  }

  function bodyFromForm(entries) {
    var body = {
      crossing: $("report-crossing").value,
      direction: $("report-direction").value,
      mode: $("report-mode").value,
      date: $("report-date").value,
      outcome: $("report-outcome").value,
      stages: entries.map(function (e) {
        var stage = { stage: e.stage, clock: e.clock };
        TIMES.forEach(function (name) { if (e[name]) stage[name] = e[name]; });
        return stage;
      })
    };
    var note = $("report-note").value.trim();
    if (note) body.note = note;
    var trap = $("report-website").value;
    if (trap) body.website = trap;
    return body;
  }

  // One Idempotency-Key per report: pressed again after an answer that never came (a dropped
  // connection), the same report goes with the same key and the server answers with the one it
  // already stored instead of storing it twice. A changed form is a new report and a new key.
  var sending = { text: null, key: null };

  function keyFor(text) {
    if (sending.text !== text) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);  // crypto.randomUUID needs https; this works on any page
      var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); });
      sending = { text: text, key: hex.join("") };
    }
    return sending.key;
  }

  async function submit(event) {
    event.preventDefault();
    showMessage("", true);
    showErrors([]);
    if (!$("report-date").value) { showMessage(t("report.need_date"), false); return; }
    var checked = timesOfForm();
    if (!checked.entries.length) { showMessage(t("report.need_times"), false); return; }
    if (checked.problems.length) { showMessage(t("report.fix"), false); showErrors(checked.problems); return; }
    var body = bodyFromForm(checked.entries);
    var token = $("report-token").value.trim();
    var button = $("report-button");
    button.disabled = true;
    try {
      var headers = { "Content-Type": "application/json" };
      if (token) {
        headers.Authorization = "Bearer " + token;
        delete body.website;
      }
      var url = token ? "/api/reports" : "/api/reports/queue";
      var text = JSON.stringify(body);
      headers["Idempotency-Key"] = keyFor(url + " " + token + " " + text);
      var saved = await getJson(url, { method: "POST", headers: headers, body: text });
      showMessage(token ? t("report.published", { id: saved.id, count: saved.stages.length }) : t("report.queued"), true);
      if (token) await loadPanel();
    } catch (error) {
      var p = error.problem;
      var lines = errorLines(p, body);
      showMessage(lines.length ? t("report.fix") : p && p.title ? p.title + ": " + p.detail : String(error.message || error), false);
      showErrors(lines);
    } finally {
      button.disabled = false;
    }
  }

  // --- the panel ------------------------------------------------------------------------------

  function buildPanel() {
    var section = el("section", { id: "observed-section", className: "observed-section" },
      el("h2", { dataset: { i18n: "observed.title" } }),
      el("p", { className: "hint", id: "observed-empty", dataset: { i18n: "observed.empty" } }),
      el("table", { id: "observed", className: "observed", hidden: true },
        el("thead", {}, el("tr", {},
          el("th", { dataset: { i18n: "observed.checkpoint" } }), el("th", { dataset: { i18n: "observed.reports" } }),
          el("th", { dataset: { i18n: "observed.wait" } }), el("th", { dataset: { i18n: "observed.at_post" } }),
          el("th", { dataset: { i18n: "observed.plans_use" } }), el("th", { dataset: { i18n: "observed.latest" } }))),
        el("tbody", {})),
      el("h3", { id: "recent-title", hidden: true, dataset: { i18n: "observed.recent" } }),
      el("ul", { id: "recent-reports", className: "recent-reports" }));
    var main = document.querySelector(".main") || document.body;
    main.appendChild(section);
    i18n.apply(section);
  }

  function estimateText(estimates) {
    return estimates.map(function (e) {
      return t("report.modes." + e.mode) + ": " + minutes(e.p50_minutes) + " (" + minutes(e.data_p50_minutes) + ")";
    }).join("; ");
  }

  function dayText(isoDay) {
    var m = /^(\d{4})-(\d\d)-(\d\d)/.exec(isoDay || "");
    return m ? i18n.day(+m[1], +m[2], +m[3]) : isoDay || "";
  }

  function renderPanel() {
    var details = state.observed || [];
    var body = $("observed").querySelector("tbody");
    clear(body);
    details.forEach(function (d) {
      body.appendChild(el("tr", { dataset: { stage: d.stage } },
        el("td", {}, d.name, el("small", { className: "node" }, " " + d.stage)),
        el("td", {}, String(d.reports)),
        el("td", {}, minutes(d.wait_minutes.p50) + " / " + minutes(d.wait_minutes.p90)),
        el("td", {}, minutes(d.processing_minutes.p50) + " / " + minutes(d.processing_minutes.p90)),
        el("td", {}, estimateText(d.estimates)),
        el("td", {}, dayText(d.last))));
    });
    $("observed").hidden = details.length === 0;
    $("observed-empty").hidden = details.length > 0;

    var recent = state.recent || { reports: [] };
    var list = $("recent-reports");
    clear(list);
    recent.reports.forEach(function (r) {
      var sheet = store.data.sheets[r.crossing];
      var direction = sheet && sheet.directions.filter(function (d) { return d.id === r.direction; })[0];
      var item = el("li", { className: "recent-report", dataset: { report: String(r.id) } },
        el("strong", {}, dayText(r.day) + " · " + app().crossingName(r.crossing) + " " +
          (direction ? directionText(sheet, direction) : r.direction) + " · " + t("report.modes." + r.mode) + " · " +
          t("report.outcomes." + r.outcome)));
      var stagesList = el("ul", { className: "report-stage-times" });
      r.stages.forEach(function (s) {
        var parts = [];
        if (s.wait_minutes !== null) parts.push(t("observed.waited", { duration: minutes(s.wait_minutes) }));
        if (s.processing_minutes !== null) parts.push(t("observed.at_the_post", { duration: minutes(s.processing_minutes) }));
        stagesList.appendChild(el("li", {}, stageName(r.crossing, s.stage) + ": " + (parts.join(", ") || t("observed.incomplete"))));
      });
      item.appendChild(stagesList);
      if (r.note) item.appendChild(el("p", { className: "report-note" }, r.note));
      list.appendChild(item);
    });
    $("recent-title").hidden = recent.reports.length === 0;
  }

  async function loadPanel() {
    var stages = await getJson("/api/observed");
    state.observed = await Promise.all(stages.map(function (row) {
      var parts = row.stage.split("/");
      return getJson("/api/observed/" + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts[1]));
    }));
    state.recent = await getJson("/api/reports?limit=10");
    renderPanel();
  }

  function languageChanged() {
    i18n.apply($("report-section"));
    i18n.apply($("observed-section"));
    fillCrossings();
    fillDirections();
    fillStages();
    if (state.recent) renderPanel();
  }

  // --- start ----------------------------------------------------------------------------------

  async function start() {
    try {
      await i18n.ready;
      await store.ready;
    } catch (error) {
      return;  // the plan form says the data could not be loaded
    }
    buildForm();
    buildPanel();
    i18n.onChange(languageChanged);
    try {
      await loadPanel();
    } catch (error) {
      $("observed-empty").textContent = error.status === 503
        ? t("observed.unavailable") : t("observed.failed", { error: error.message || error });
    }
    document.body.dataset.reportsReady = "true";
  }

  start();
})();

// overland's page: crossing reports. A form to report a crossing (POST /api/reports, with the
// reporting token), and a panel of what recent reports saw at each checkpoint (GET /api/reports,
// /api/observed). Plain JavaScript, no build step. Everything that comes from the API, notes above
// all, goes into the page with textContent or text nodes, never as HTML: a note holding
// <script> is shown as those characters and runs nothing.
(function () {
  "use strict";

  var TIMES = ["arrived", "started", "finished"];
  var MODES = [["own-car", "own car"], ["motorbike", "own motorbike"], ["truck", "truck"],
               ["passenger", "passenger"], ["foot", "on foot"]];
  var OUTCOMES = [["crossed", "crossed"], ["turned-back", "turned back at a stage"], ["closed", "found it closed"]];
  var state = { crossings: {}, sheets: {} };
  var dom = window.overlandDom;
  var $ = dom.$, el = dom.el, clear = dom.clear, chosen = dom.valueOf, getJson = dom.getJson;

  function option(value, text) { return el("option", { value: value, textContent: text }); }

  function minutes(value) {
    if (value === null || value === undefined) return "–";
    if (value < 90) return Math.round(value) + " min";
    var h = Math.floor(value / 60), m = Math.round(value % 60);
    return h + " h" + (m ? " " + m + " min" : "");
  }

  function stageName(crossing, stage) {
    var sheet = state.sheets[crossing];
    return sheet && sheet.stages[stage] ? sheet.stages[stage].name : crossing + "/" + stage;
  }

  // --- the form ---------------------------------------------------------------------------

  function buildForm() {
    var form = el("form", { id: "report-form", noValidate: true },
      el("p", { className: "hint" }, "Just crossed? Say when you reached each post, when they took you and when " +
        "you left: the plans learn each post's real times from reports. Times are in the post's own clock."),
      el("label", {}, "Reporting token ",
        el("input", { type: "password", id: "report-token", autocomplete: "off", maxLength: 200,
                      placeholder: "ovl_… (ask the site's administrator)" })),
      el("label", {}, "Crossing ", el("select", { id: "report-crossing" })),
      el("label", {}, "Direction ", el("select", { id: "report-direction" })),
      el("label", {}, "Travelling ", el("select", { id: "report-mode" }, MODES.map(function (m) { return option(m[0], m[1]); }))),
      el("label", {}, "Day of the crossing ", el("input", { type: "date", id: "report-date" })),
      el("label", {}, "Outcome ", el("select", { id: "report-outcome" }, OUTCOMES.map(function (o) { return option(o[0], o[1]); }))),
      el("div", { id: "report-stages", className: "report-stages" }),
      el("label", {}, "Note ", el("textarea", { id: "report-note", maxLength: 2000, rows: 3,
        placeholder: "what others should know (plain text)" })),
      el("button", { type: "submit", id: "report-button" }, "Send the report"),
      el("p", { id: "report-message", role: "status", hidden: true }),
      el("ul", { id: "report-errors", className: "error", hidden: true }));
    var section = el("details", { id: "report-section", className: "report-section" },
      el("summary", {}, "Report your crossing"), form);
    var side = document.querySelector(".side") || document.body;
    side.appendChild(section);

    var crossing = $("report-crossing");
    Object.keys(state.crossings).sort().forEach(function (id) { crossing.appendChild(option(id, state.crossings[id].name)); });
    var today = new Date();
    var pad = function (n) { return String(n).padStart(2, "0"); };
    $("report-date").value = today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
    crossing.addEventListener("change", function () { fillDirections(); fillStages(); });
    $("report-direction").addEventListener("change", fillStages);
    $("report-mode").addEventListener("change", fillStages);
    form.addEventListener("submit", submit);
    fillDirections();
    fillStages();
  }

  function fillDirections() {
    var select = $("report-direction");
    clear(select);
    var sheet = state.sheets[$("report-crossing").value];
    if (!sheet) return;
    sheet.directions.forEach(function (d) {
      select.appendChild(option(d.id, d.id + ": " + d.from_country + " → " + d.to_country));
    });
  }

  function fillStages() {
    var box = $("report-stages");
    clear(box);
    var sheet = state.sheets[$("report-crossing").value];
    if (!sheet) return;
    var direction = sheet.directions.filter(function (d) { return d.id === $("report-direction").value; })[0];
    if (!direction) return;
    var mode = $("report-mode").value;
    direction.route.forEach(function (sid) {
      var stage = sheet.stages[sid];
      if (stage.modes && stage.modes.indexOf(mode) < 0) return;
      var clock = chosen(stage.clock) || "";
      var times = el("div", { className: "times" }, TIMES.map(function (name) {
        return el("label", { className: "time" }, el("span", { className: "time-name" }, name),
          el("input", { type: "datetime-local", name: name, dataset: { time: name } }));
      }));
      box.appendChild(el("fieldset", { className: "report-stage", dataset: { stage: sid, clock: clock } },
        el("legend", {}, stage.name), el("small", { className: "hint" }, "times in " + clock), times));
    });
  }

  function showMessage(text, ok) {
    var node = $("report-message");
    node.textContent = text;
    node.className = ok ? "ok" : "error";
    node.hidden = !text;
  }

  function showErrors(problem) {
    var list = $("report-errors");
    clear(list);
    var errors = (problem && problem.errors) || [];
    errors.forEach(function (e) {
      list.appendChild(el("li", {}, (e.loc || []).slice(1).join(".") + ": " + e.msg));
    });
    list.hidden = errors.length === 0;
  }

  function bodyFromForm() {
    var stages = [];
    Array.prototype.forEach.call(document.querySelectorAll("#report-stages .report-stage"), function (row) {
      var entry = { stage: row.dataset.stage, clock: row.dataset.clock };
      var any = false;
      TIMES.forEach(function (name) {
        var value = row.querySelector('input[data-time="' + name + '"]').value;
        if (value) { entry[name] = value; any = true; }
      });
      if (any) stages.push(entry);
    });
    var body = {
      crossing: $("report-crossing").value,
      direction: $("report-direction").value,
      mode: $("report-mode").value,
      date: $("report-date").value,
      outcome: $("report-outcome").value,
      stages: stages
    };
    var note = $("report-note").value.trim();
    if (note) body.note = note;
    return body;
  }

  async function submit(event) {
    event.preventDefault();
    showMessage("", true);
    showErrors(null);
    var token = $("report-token").value.trim();
    if (!token) { showMessage("Give your reporting token.", false); return; }
    var body = bodyFromForm();
    if (!body.stages.length) { showMessage("Give the times of at least one post.", false); return; }
    var button = $("report-button");
    button.disabled = true;
    try {
      var saved = await getJson("/api/reports", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
        body: JSON.stringify(body)
      });
      showMessage("Thank you: report " + saved.id + " saved (" + saved.stages.length + " post(s)).", true);
      await loadPanel();
    } catch (error) {
      var p = error.problem;
      showMessage(p && p.title ? p.title + ": " + p.detail : String(error.message || error), false);
      showErrors(p);
    } finally {
      button.disabled = false;
    }
  }

  // --- the panel --------------------------------------------------------------------------

  function buildPanel() {
    var section = el("section", { id: "observed-section", className: "observed-section" },
      el("h2", {}, "What recent reports saw"),
      el("p", { className: "hint", id: "observed-empty" }, "No reports yet."),
      el("table", { id: "observed", className: "observed", hidden: true },
        el("thead", {}, el("tr", {},
          el("th", {}, "Checkpoint"), el("th", {}, "Reports"), el("th", {}, "Wait P50 / P90"),
          el("th", {}, "At the post P50 / P90"), el("th", {}, "Plans use (data)"), el("th", {}, "Latest"))),
        el("tbody", {})),
      el("h3", { id: "recent-title", hidden: true }, "Latest reports"),
      el("ul", { id: "recent-reports", className: "recent-reports" }));
    var main = document.querySelector(".main") || document.body;
    main.appendChild(section);
  }

  function estimateText(estimates) {
    return estimates.map(function (e) {
      return e.mode + ": " + minutes(e.p50_minutes) + " (" + minutes(e.data_p50_minutes) + ")";
    }).join("; ");
  }

  async function loadPanel() {
    var stages = await getJson("/api/observed");
    var details = await Promise.all(stages.map(function (row) {
      var parts = row.stage.split("/");
      return getJson("/api/observed/" + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts[1]));
    }));
    var body = $("observed").querySelector("tbody");
    clear(body);
    details.forEach(function (d) {
      body.appendChild(el("tr", { dataset: { stage: d.stage } },
        el("td", {}, d.name, el("small", { className: "node" }, " " + d.stage)),
        el("td", {}, String(d.reports)),
        el("td", {}, minutes(d.wait_minutes.p50) + " / " + minutes(d.wait_minutes.p90)),
        el("td", {}, minutes(d.processing_minutes.p50) + " / " + minutes(d.processing_minutes.p90)),
        el("td", {}, estimateText(d.estimates)),
        el("td", {}, d.last || "")));
    });
    $("observed").hidden = details.length === 0;
    $("observed-empty").hidden = details.length > 0;

    var recent = await getJson("/api/reports?limit=10");
    var list = $("recent-reports");
    clear(list);
    recent.reports.forEach(function (r) {
      var item = el("li", { className: "recent-report", dataset: { report: String(r.id) } },
        el("strong", {}, r.day + " · " + (state.crossings[r.crossing] ? state.crossings[r.crossing].name : r.crossing) +
          " " + r.direction + " · " + r.mode + " · " + r.outcome));
      var stagesList = el("ul", { className: "report-stage-times" });
      r.stages.forEach(function (s) {
        var parts = [];
        if (s.wait_minutes !== null) parts.push("waited " + minutes(s.wait_minutes));
        if (s.processing_minutes !== null) parts.push("at the post " + minutes(s.processing_minutes));
        stagesList.appendChild(el("li", {}, stageName(r.crossing, s.stage) + ": " + (parts.join(", ") || "times incomplete")));
      });
      item.appendChild(stagesList);
      if (r.note) item.appendChild(el("p", { className: "report-note" }, r.note));
      list.appendChild(item);
    });
    $("recent-title").hidden = recent.reports.length === 0;
  }

  // --- start ------------------------------------------------------------------------------

  async function start() {
    var css = el("link", { rel: "stylesheet", href: "/static/reports.css" });
    document.head.appendChild(css);
    try {
      var crossings = await getJson("/api/crossings");
      crossings.forEach(function (c) { state.crossings[c.id] = c; });
      var sheets = await Promise.all(crossings.map(function (c) {
        return getJson("/api/crossings/" + encodeURIComponent(c.id));
      }));
      sheets.forEach(function (s) { state.sheets[s.id] = s; });
    } catch (error) {
      return;  // the plan form says the data could not be loaded
    }
    buildForm();
    buildPanel();
    try {
      await loadPanel();
    } catch (error) {
      $("observed-empty").textContent = error.status === 503
        ? "Reports are not available right now." : "Could not load the reports: " + (error.message || error);
    }
    document.body.dataset.reportsReady = "true";
  }

  start();
})();

// overland's moderation page: the reports sent without a token (GET /api/moderation/reports),
// each with Approve and Reject (POST /api/moderation/reports/{id}/approve|reject), with a
// moderator's token kept for the browser tab only (sessionStorage). Notes are shown as text.
(function () {
  "use strict";

  var dom = window.overlandDom, i18n = window.overlandI18n;
  var $ = dom.$, el = dom.el, clear = dom.clear, t = i18n.t;
  var KEPT = "overland.moderator";

  function headers() { return { Authorization: "Bearer " + $("moderate-token").value.trim() }; }

  function say(text, ok) {
    var node = $("moderate-message");
    node.textContent = text;
    node.className = ok ? "ok" : "error";
    node.hidden = !text;
  }

  function problem(error) {
    var p = error.problem;
    return p && p.title ? p.title + ": " + p.detail : String(error.message || error);
  }

  function timesOf(stage) {
    return ["arrived", "started", "finished"].map(function (name) {
      return t("report.times." + name) + " " + (stage[name] ? stage[name].slice(0, 16).replace("T", " ") : "–");
    }).join(" · ");
  }

  function render(reports) {
    var list = $("queue");
    clear(list);
    if (!reports.length) list.appendChild(el("li", { className: "empty" }, t("moderate.empty")));
    reports.forEach(function (r) {
      var item = el("li", { className: "recent-report queued-report", dataset: { report: String(r.id) } },
        el("strong", {}, "#" + r.id + " · " + r.day + " · " + r.crossing + " " + r.direction + " · " +
          t("report.modes." + r.mode) + " · " + t("report.outcomes." + r.outcome)),
        el("small", { className: "hint" }, " " + t("moderate.sent", { time: r.submitted.slice(0, 16).replace("T", " ") })));
      var stages = el("ul", { className: "report-stage-times" });
      r.stages.forEach(function (s) { stages.appendChild(el("li", {}, s.stage + ": " + timesOf(s))); });
      item.appendChild(stages);
      if (r.note) item.appendChild(el("p", { className: "report-note" }, r.note));
      item.appendChild(el("div", { className: "actions" },
        el("button", { type: "button", className: "approve", dataset: { action: "approve", report: String(r.id) } }, t("moderate.approve")),
        " ",
        el("button", { type: "button", className: "reject", dataset: { action: "reject", report: String(r.id) } }, t("moderate.reject"))));
      list.appendChild(item);
    });
  }

  async function load(event) {
    if (event) event.preventDefault();
    say("", true);
    try { window.sessionStorage.setItem(KEPT, $("moderate-token").value.trim()); } catch (e) { /* not kept */ }
    try {
      var answer = await dom.getJson("/api/moderation/reports?state=pending&limit=100", { headers: headers() });
      render(answer.reports);
    } catch (error) {
      clear($("queue"));
      say(problem(error), false);
    }
    document.body.dataset.queueLoaded = String(Number(document.body.dataset.queueLoaded || 0) + 1);
  }

  async function act(event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var id = button.dataset.report, action = button.dataset.action;
    button.disabled = true;
    try {
      await dom.getJson("/api/moderation/reports/" + encodeURIComponent(id) + "/" + action, { method: "POST", headers: headers() });
      await load();
      say(t(action === "approve" ? "moderate.approved" : "moderate.rejected", { id: id }), true);
    } catch (error) {
      say(problem(error), false);
      button.disabled = false;
    }
  }

  async function start() {
    await i18n.ready;
    var select = $("language");
    i18n.languages.forEach(function (l) { select.appendChild(el("option", { value: l.code, textContent: l.name })); });
    select.value = i18n.lang;
    select.addEventListener("change", function () { i18n.setLanguage(select.value); });
    document.title = t("moderate.title");
    i18n.onChange(function () { document.title = t("moderate.title"); if ($("moderate-token").value) load(); });
    try { $("moderate-token").value = window.sessionStorage.getItem(KEPT) || ""; } catch (e) { /* none kept */ }
    $("moderate-form").addEventListener("submit", load);
    $("queue").addEventListener("click", act);
    document.body.dataset.ready = "true";
  }

  start();
})();

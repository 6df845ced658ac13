/* "When to leave": POST /api/when for the trip in the form above, the best departures and a
   heatmap (departure day × time of day → door-to-door hours at 90 %) with its legend. Every
   time with its weekday and the name of its clock. All text goes in through textContent. */
(function () {
  "use strict";

  var dom = window.overlandDom, i18n = window.overlandI18n;
  var $ = dom.$, clear = dom.clear, el = dom.el, t = i18n.t;
  var state = { scan: null };
  function text(tag, content, cls) { return el(tag, cls ? { className: cls } : {}, content); }

  function app() { return window.overlandApp; }

  // "Thu 26 Nov 21:00 Kyrgyz time"; a missing time is beyond the horizon.
  function moment(iso, clock) {
    if (!iso) return t("when.beyond");
    return app().when(iso) + " " + i18n.clockName(clock);
  }

  function dayOf(isoDay) {
    var m = /^(\d{4})-(\d\d)-(\d\d)/.exec(isoDay);
    return m ? i18n.day(+m[1], +m[2], +m[3]) : isoDay;
  }

  function colour(value, low, high) {
    if (value === null) return "#d9d9d9";
    var x = high > low ? (value - low) / (high - low) : 0;  // 0 quick … 1 slow
    return "hsl(" + Math.round(120 * (1 - x)) + ", 65%, " + Math.round(45 + 15 * (1 - x)) + "%)";
  }

  function request() {
    var depart = $("depart").value;
    if (!depart) throw new Error(t("when.need_departure"));
    var day = depart.slice(0, 10);
    var days = Number($("when-days").value);
    var last = new Date(day + "T00:00:00Z");
    last.setUTCDate(last.getUTCDate() + days - 1);
    var body = {
      from: $("from").value, to: $("to").value, mode: $("mode").value, clock: $("clock").value,
      start: day + "T00:00", end: last.toISOString().slice(0, 10) + "T23:30",
      every_minutes: Number($("when-every").value), samples: 1000
    };
    if ($("via").value) body.via = $("via").value;
    if ($("when-arrive-by").value) body.arrive_by = $("when-arrive-by").value;
    if ($("nationality").value) body.nationality = $("nationality").value;
    var quiet = $("quiet-hours").value.trim();
    if (quiet) body.quiet_hours = quiet;  // read by the server as the command line reads --quiet-hours
    return body;
  }

  // The colour scale: quick to slow, with the hours at each end, grey and blank.
  function legend(low, high, level) {
    var steps = el("span", { className: "scale" });
    for (var i = 0; i <= 10; i++) {
      var swatch = el("span", { className: "step" });
      swatch.style.background = colour(low + (high - low) * i / 10, low, high);
      steps.appendChild(swatch);
    }
    var blocked = el("span", { className: "swatch" });
    blocked.style.background = colour(null);
    var quiet = el("span", { className: "swatch quiet" });
    return el("div", { className: "heat-legend", id: "when-legend" },
      el("span", { className: "legend-item" }, t("when.legend_quick", { hours: i18n.number(low, 1), level: level }), steps,
        t("when.legend_slow", { hours: i18n.number(high, 1) })),
      el("span", { className: "legend-item" }, blocked, t("when.legend_blocked")),
      el("span", { className: "legend-item" }, quiet, t("when.legend_quiet")));
  }

  function heatmap(scan) {
    var box = $("when-heatmap");
    clear(box);
    var days = [], slots = [], cells = {};
    scan.departures.forEach(function (d) {
      var day = d.depart.slice(0, 10), slot = d.depart.slice(11, 16);
      if (days.indexOf(day) < 0) days.push(day);
      if (slots.indexOf(slot) < 0) slots.push(slot);
      cells[day + " " + slot] = d;
    });
    // Every step of the day gets a column, also those left out as the traveller's quiet hours.
    if (scan.departures.length && scan.every_minutes >= 5) {
      var first = scan.departures[0].depart.slice(11, 16).split(":");
      var offset = (Number(first[0]) * 60 + Number(first[1])) % scan.every_minutes;
      for (var m = offset; m < 1440; m += scan.every_minutes) {
        var slot = String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
        if (slots.indexOf(slot) < 0) slots.push(slot);
      }
    }
    slots.sort();
    var values = scan.departures.map(function (d) { return d.hours_at_confidence; }).filter(function (v) { return v !== null; });
    var low = values.length ? Math.min.apply(null, values) : 0, high = values.length ? Math.max.apply(null, values) : 0;
    var level = "P" + Math.round(scan.confidence * 100);
    var clock = i18n.clockName(scan.clock);
    box.appendChild(text("p", t("when.heat_title", { level: level, clock: clock }), "hint"));
    box.appendChild(legend(low, high, level));
    var scroll = el("div", { className: "heat-scroll" });
    var table = document.createElement("table");
    var head = document.createElement("tr");
    head.appendChild(text("th", t("when.day_time")));
    slots.forEach(function (slot, i) { head.appendChild(text("th", i % 2 === 0 ? slot : "")); });
    table.appendChild(head);
    days.forEach(function (day) {
      var row = document.createElement("tr");
      row.appendChild(text("th", dayOf(day)));
      slots.forEach(function (slot) {
        var d = cells[day + " " + slot];
        var cell = text("td", "");
        var value = d ? d.hours_at_confidence : null;
        cell.style.background = d ? colour(value, low, high) : "#fff";
        var what = !d ? t("when.cell_quiet") : value === null ? (d.blocked ? d.blocked : t("when.beyond"))
          : t("when.cell_hours", { hours: i18n.number(value, 1), level: level });
        cell.title = dayOf(day) + " " + slot + " " + clock + ": " + what;
        cell.dataset.hours = value === null ? "" : String(value);
        row.appendChild(cell);
      });
      table.appendChild(row);
    });
    scroll.appendChild(table);
    box.appendChild(scroll);
  }

  function render(scan) {
    state.scan = scan;
    var percent = Math.round(scan.confidence * 100);
    var level = "P" + percent;
    var summary = t("when.summary", { departures: scan.departures.length, samples: i18n.number(scan.samples) });
    if (scan.arrive_by) {
      summary += " " + (scan.latest_meeting
        ? t("when.latest", { by: moment(scan.arrive_by, scan.clock), percent: percent, depart: moment(scan.latest_meeting.depart, scan.clock) })
        : t("when.none_by", { by: moment(scan.arrive_by, scan.clock), percent: percent }));
    }
    $("when-summary").textContent = summary;
    var list = $("when-best");
    clear(list);
    scan.best.forEach(function (d) {
      var line = t("when.best", {
        depart: moment(d.depart, scan.clock), p50: moment(d.arrive_p50, scan.clock), level: level,
        at: moment(d.arrive_at_confidence, scan.clock)
      });
      if (d.p_meet !== null) line += " " + t("when.meets", { percent: Math.round(d.p_meet * 100) });
      list.appendChild(text("li", line));
    });
    heatmap(scan);
  }

  async function submit(event) {
    event.preventDefault();
    var error = $("when-error");
    error.hidden = true;
    $("when-button").disabled = true;
    try {
      render(await dom.getJson("/api/when", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request())
      }));
    } catch (problem) {
      error.textContent = String(problem.message || problem);
      error.hidden = false;
    } finally {
      $("when-button").disabled = false;
    }
  }

  function start() {
    $("when-form").addEventListener("submit", submit);
    i18n.onChange(function () { if (state.scan) render(state.scan); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

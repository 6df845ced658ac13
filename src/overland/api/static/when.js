/* "When to leave": POST /api/when for the trip in the form above, the best departures and a
   heatmap (departure day × time of day → door-to-door hours at 90 %). All text goes in
   through textContent. */
(function () {
  "use strict";

  var dom = window.overlandDom;
  var $ = dom.$, clear = dom.clear;
  function text(tag, content, cls) { return dom.el(tag, cls ? { className: cls } : {}, content); }
  function wall(iso) { return iso ? iso.slice(0, 10) + " " + iso.slice(11, 16) : "beyond the horizon"; }

  function colour(value, low, high) {
    if (value === null) return "#d9d9d9";
    var x = high > low ? (value - low) / (high - low) : 0;  // 0 quick … 1 slow
    return "hsl(" + Math.round(120 * (1 - x)) + ", 65%, " + Math.round(45 + 15 * (1 - x)) + "%)";
  }

  function request() {
    var depart = $("depart").value;
    if (!depart) throw new Error("choose the trip's departure date above first");
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
    return body;
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
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    var level = "P" + Math.round(scan.confidence * 100);
    box.appendChild(text("p", level + " door-to-door hours by departure (" + scan.clock + "); grey: blocked or beyond the horizon", "hint"));
    var table = document.createElement("table");
    var head = document.createElement("tr");
    head.appendChild(text("th", "day \\ time"));
    slots.forEach(function (slot, i) { head.appendChild(text("th", i % 2 === 0 ? slot : "")); });
    table.appendChild(head);
    days.forEach(function (day) {
      var row = document.createElement("tr");
      row.appendChild(text("th", day));
      slots.forEach(function (slot) {
        var d = cells[day + " " + slot];
        var cell = text("td", "");
        var value = d ? d.hours_at_confidence : null;
        cell.style.background = colour(value, low, high);
        cell.title = day + " " + slot + ": " + (!d ? "not a departure: your quiet hours" : value === null ? (d.blocked ? d.blocked : "beyond the horizon") : value.toFixed(1) + " h (" + level + ")");
        cell.dataset.hours = value === null ? "" : String(value);
        row.appendChild(cell);
      });
      table.appendChild(row);
    });
    box.appendChild(table);
  }

  function render(scan) {
    var level = "P" + Math.round(scan.confidence * 100);
    var summary = scan.departures.length + " departures, " + scan.samples + " samples each.";
    if (scan.arrive_by) {
      summary += scan.latest_meeting
        ? " Latest departure arriving by " + wall(scan.arrive_by) + " with at least " + Math.round(scan.confidence * 100) + "%: " + wall(scan.latest_meeting.depart) + "."
        : " No departure arrives by " + wall(scan.arrive_by) + " with " + Math.round(scan.confidence * 100) + "% confidence.";
    }
    $("when-summary").textContent = summary;
    var list = $("when-best");
    clear(list);
    scan.best.forEach(function (d) {
      var line = "leave " + wall(d.depart) + " → arrive P50 " + wall(d.arrive_p50) + ", " + level + " " + wall(d.arrive_at_confidence);
      if (d.p_meet !== null) line += " (" + Math.round(d.p_meet * 100) + "% by the target)";
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

  function start() { $("when-form").addEventListener("submit", submit); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

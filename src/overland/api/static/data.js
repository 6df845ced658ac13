// overland's page: the data every part of the page reads, fetched once (places, crossings and
// each crossing's fact sheet), and the lookups on it that the parts share.
window.overlandData = (function () {
  "use strict";

  var dom = window.overlandDom;
  var data = { places: {}, crossings: {}, sheets: {}, countries: {}, passports: [] };

  async function load() {
    var results = await Promise.all([dom.getJson("/api/places"), dom.getJson("/api/crossings"),
      dom.getJson("/api/passports")]);
    data.places = results[0];
    data.passports = results[2];
    results[1].forEach(function (c) { data.crossings[c.id] = c; });
    var sheets = await Promise.all(results[1].map(function (c) {
      return dom.getJson("/api/crossings/" + encodeURIComponent(c.id));
    }));
    sheets.forEach(function (s) { data.sheets[s.id] = s; });
    Object.keys(data.places).forEach(function (id) { data.countries[data.places[id].country] = true; });
    return data;
  }

  var ready = load();

  // The place of a route node: the place itself, or the stage's place (else its crossing's border place).
  function placeOfNode(node) {
    var parts = String(node).split("/");
    if (parts.length < 2) return node;
    var sheet = data.sheets[parts[0]];
    var stage = sheet && sheet.stages[parts[1]];
    return stage ? (stage.place || sheet.border_place) : node;
  }

  function stageOf(node) {
    var parts = String(node).split("/");
    var sheet = parts.length === 2 ? data.sheets[parts[0]] : null;
    return sheet ? sheet.stages[parts[1]] || null : null;
  }

  function coords(placeId) {
    var place = data.places[placeId];
    var c = place && dom.valueOf(place.coordinates);
    return c ? [c.lat, c.lon] : null;
  }

  // The items some post rules on (forbidden-item rules): what "carrying" can change.
  function knownItems() {
    var items = {};
    Object.keys(data.sheets).forEach(function (cid) {
      var stages = data.sheets[cid].stages;
      Object.keys(stages).forEach(function (sid) {
        (stages[sid].rules || []).forEach(function (rule) {
          if (rule.kind === "forbidden-item" && rule.item) items[rule.item] = true;
        });
      });
    });
    return Object.keys(items).sort();
  }

  return { ready: ready, data: data, placeOfNode: placeOfNode, stageOf: stageOf, coords: coords, knownItems: knownItems };
})();

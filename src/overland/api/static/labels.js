// overland's page: map labels that never overlap. Each label has a point, a priority (its
// role: the trip's ends first, then the border line, the places passed, the posts, then towns
// by size, country names last) and the radius of the marker it names. After every move or
// zoom the labels are placed from the highest priority down, each at the first of its
// candidate positions (right, left, above, below, the corners) that overlaps no label placed
// before, no marker of a label as important or more, and stays inside the map; a label with
// no such position is hidden until a zoom frees one. Text goes in as text, never as HTML.
window.overlandLabels = (function () {
  "use strict";

  var GAP = 3;

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  function candidates(p, w, h, r, anchor) {
    if (anchor === "center") return [{ x: p.x - w / 2, y: p.y - h / 2 }];
    var d = r + GAP;
    return [
      { x: p.x + d, y: p.y - h / 2 }, { x: p.x - d - w, y: p.y - h / 2 },
      { x: p.x - w / 2, y: p.y - d - h }, { x: p.x - w / 2, y: p.y + d },
      { x: p.x + d * 0.7, y: p.y - d * 0.7 - h }, { x: p.x + d * 0.7, y: p.y + d * 0.7 },
      { x: p.x - d * 0.7 - w, y: p.y - d * 0.7 - h }, { x: p.x - d * 0.7 - w, y: p.y + d * 0.7 }
    ];
  }

  var Layer = L.Layer.extend({
    initialize: function () { this._items = []; },

    onAdd: function (map) {
      if (!map.getPane("labels")) {
        var pane = map.createPane("labels");
        pane.style.zIndex = 640;  // above the markers, below tooltips and popups
        pane.style.pointerEvents = "none";
      }
      this._box = L.DomUtil.create("div", "map-labels leaflet-zoom-hide", map.getPane("labels"));
      this._items.forEach(function (item) { this._box.appendChild(item.node); }, this);
      map.on("moveend zoomend resize viewreset", this.layout, this);
      this.layout();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this.layout, this);
      L.DomUtil.remove(this._box);
      this._box = null;
    },

    // Add labels: {at: [lat, lon] or a function of the map giving one (or null), text, priority,
    // radius (of the marker), className, anchor ("side" or "center"), title, group}.
    add: function (items) {
      items.forEach(function (item) {
        var node = L.DomUtil.create("div", "map-label " + (item.className || ""));
        node.textContent = item.text;
        if (item.title) node.title = item.title;
        if (item.lang) node.lang = item.lang;
        item.node = node;
        this._items.push(item);
        if (this._box) this._box.appendChild(node);
      }, this);
      if (this._map) this.layout();
      return this;
    },

    // Take away the labels of a group (e.g. "route"), or all of them.
    clear: function (group) {
      this._items = this._items.filter(function (item) {
        var gone = group === undefined || item.group === group;
        if (gone) L.DomUtil.remove(item.node);
        return !gone;
      });
      return this;
    },

    // Leave out (true) or bring back (false) the labels for which `test(item)` holds.
    suppress: function (test, suppressed) {
      this._items.forEach(function (item) { if (test(item)) item.suppressed = suppressed; });
      return this;
    },

    items: function () { return this._items.slice(); },

    layout: function () {
      var map = this._map;
      if (!map || !this._box) return;
      var size = map.getSize();
      var items = this._items.slice().sort(function (a, b) { return b.priority - a.priority; });
      // Read every size first, then write every position: one reflow.
      items.forEach(function (item) { item.node.style.display = item.suppressed ? "none" : ""; });
      var placed = [];
      var markers = [];
      items.forEach(function (item) {
        if (item.suppressed) return;
        var at = typeof item.at === "function" ? item.at(map) : item.at;
        item._latlng = at ? L.latLng(at) : null;
        item._point = item._latlng ? map.latLngToContainerPoint(item._latlng) : null;
        item._w = item.node.offsetWidth;
        item._h = item.node.offsetHeight;
        if (item._point && item.radius) {
          var r = item.radius;
          markers.push({ x: item._point.x - r, y: item._point.y - r, w: 2 * r, h: 2 * r, priority: item.priority });
        }
      });
      items.forEach(function (item) {
        item.shown = false;
        if (item.suppressed || !item._point) { item.node.style.display = "none"; return; }
        var spot = null;
        var options = candidates(item._point, item._w, item._h, item.radius || 0, item.anchor);
        for (var i = 0; i < options.length && !spot; i++) {
          var box = { x: options[i].x, y: options[i].y, w: item._w, h: item._h };
          if (box.x < 0 || box.y < 0 || box.x + box.w > size.x || box.y + box.h > size.y) continue;
          var free = placed.every(function (other) { return !overlaps(box, other); }) &&
            markers.every(function (m) { return m.priority < item.priority || !overlaps(box, m); });
          if (free) spot = box;
        }
        if (!spot) { item.node.style.display = "none"; return; }
        placed.push(spot);
        item.shown = true;
        var layer = map.containerPointToLayerPoint(L.point(spot.x, spot.y));
        L.DomUtil.setPosition(item.node, layer);
      });
    }
  });

  return { layer: function () { return new Layer(); } };
})();

// overland's page: its languages. The catalogues are i18next JSON (format v4) files in
// /static/locales/, one per language: nested keys, {{name}} interpolation, plurals as key_one,
// key_few, key_many, key_other chosen by Intl.PluralRules. The server lists the files it has in
// <meta name="overland-languages">, so a fourth language is a fourth file. The language is the
// one chosen on the page before (localStorage), else ?lang= in the address, else the first of
// the browser's languages the page has, else English; a key missing from a catalogue falls
// back to English. Elements carry their text as data-i18n="key" (data-i18n-placeholder,
// data-i18n-title, data-i18n-aria-label for attributes) and apply() fills them in.
window.overlandI18n = (function () {
  "use strict";

  var FALLBACK = "en";
  var STORED = "overland.lang";
  var catalogues = {};
  var listeners = [];
  var state = { lang: FALLBACK, languages: [] };

  function available() {
    var meta = document.querySelector('meta[name="overland-languages"]');
    var list = [];
    try { list = JSON.parse(meta ? meta.content : "[]"); } catch (e) { list = []; }
    if (!list.length) list = [{ code: FALLBACK, name: "English" }];
    return list;
  }

  function pick(codes) {
    var have = state.languages.map(function (l) { return l.code; });
    for (var i = 0; i < codes.length; i++) {
      var wanted = String(codes[i] || "").toLowerCase();
      if (!wanted) continue;
      if (have.indexOf(wanted) >= 0) return wanted;
      var base = wanted.split("-")[0];
      if (have.indexOf(base) >= 0) return base;
    }
    return null;
  }

  function chosenLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    var stored = null;
    try { stored = window.localStorage.getItem(STORED); } catch (e) { stored = null; }
    return pick([asked, stored].concat(Array.prototype.slice.call(navigator.languages || [navigator.language])))
      || FALLBACK;
  }

  async function load(code) {
    if (catalogues[code]) return catalogues[code];
    var response = await fetch("/static/locales/" + encodeURIComponent(code) + ".json");
    if (!response.ok) throw new Error("no catalogue for " + code);
    catalogues[code] = await response.json();
    return catalogues[code];
  }

  function lookup(catalogue, key) {
    var node = catalogue;
    var parts = key.split(".");
    for (var i = 0; i < parts.length; i++) {
      if (node === null || typeof node !== "object" || !(parts[i] in node)) return undefined;
      node = node[parts[i]];
    }
    return node;
  }

  function plural(catalogue, lang, key, count) {
    var form = new Intl.PluralRules(lang).select(count);
    var found = lookup(catalogue, key + "_" + form);
    return found !== undefined ? found : lookup(catalogue, key + "_other");
  }

  // The text of `key` in the page's language (else English, else the key), with {{name}} filled in
  // from `values`; with values.count a plural form. values.defaultValue stands in for a missing key.
  function t(key, values) {
    values = values || {};
    var text;
    var order = [[catalogues[state.lang], state.lang], [catalogues[FALLBACK], FALLBACK]];
    for (var i = 0; i < order.length && text === undefined; i++) {
      var catalogue = order[i][0];
      if (!catalogue) continue;
      text = typeof values.count === "number" ? plural(catalogue, order[i][1], key, values.count) : undefined;
      if (text === undefined) text = lookup(catalogue, key);
      if (typeof text !== "string") text = undefined;
    }
    if (text === undefined) text = values.defaultValue !== undefined ? String(values.defaultValue) : key;
    return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, function (whole, name) {
      return values[name] !== undefined && values[name] !== null ? String(values[name]) : whole;
    });
  }

  function has(key) {
    return typeof lookup(catalogues[state.lang] || {}, key) === "string"
      || typeof lookup(catalogues[FALLBACK] || {}, key) === "string";
  }

  var ATTRIBUTES = [["i18nPlaceholder", "placeholder"], ["i18nTitle", "title"], ["i18nAriaLabel", "aria-label"]];

  // Fill in every element under `root` that says which text it holds.
  function apply(root) {
    root = root || document;
    Array.prototype.forEach.call(root.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.dataset.i18n);
    });
    ATTRIBUTES.forEach(function (pair) {
      var selector = "[data-" + pair[0].replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }) + "]";
      Array.prototype.forEach.call(root.querySelectorAll(selector), function (node) {
        node.setAttribute(pair[1], t(node.dataset[pair[0]]));
      });
    });
  }

  async function use(code) {
    await load(FALLBACK);
    try {
      await load(code);
    } catch (e) {
      code = FALLBACK;
    }
    state.lang = code;
    document.documentElement.lang = code;
    document.title = t("page.title");
    apply(document);
  }

  // Switch the page to `code`, remember the choice, and tell every part of the page.
  async function setLanguage(code) {
    await use(code);
    try { window.localStorage.setItem(STORED, code); } catch (e) { /* private mode: not remembered */ }
    listeners.forEach(function (listener) { listener(code); });
  }

  function onChange(listener) { listeners.push(listener); }

  // --- dates, clocks and names ----------------------------------------------------------------

  // A wall-clock date as the language writes it, with its weekday (no time zone plays a part).
  function day(year, month, date) {
    var weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay();
    return t("date.day", {
      weekday: t("date.weekdays." + weekday), day: date, month: t("date.months." + (month - 1)), year: year
    });
  }

  // What people call a clock ("Beijing time"), else what the server calls it, else its zone.
  function clockName(zone, fallback) {
    if (!zone) return fallback || "";
    return t("clocks." + zone, { defaultValue: fallback || zone });
  }

  // A name of the data's in the page's language when the data has it (names: {lang: fact}).
  function localName(names, valueOf) {
    names = names || {};
    var own = names[state.lang] && valueOf(names[state.lang]);
    return own || valueOf(names.en) || "";
  }

  function number(value, digits) {
    return Number(value).toLocaleString(state.lang, { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }

  state.languages = available();
  var ready = use(chosenLanguage());

  return {
    ready: ready, t: t, has: has, apply: apply, setLanguage: setLanguage, onChange: onChange, day: day,
    clockName: clockName, localName: localName, number: number,
    get lang() { return state.lang; }, get languages() { return state.languages; }
  };
})();

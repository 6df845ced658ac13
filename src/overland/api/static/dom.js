// overland's page: the DOM helpers every script of the page uses (loaded before them).
// Text from the data or the API goes in as text nodes or textContent, never as HTML.
window.overlandDom = (function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  // el("p", {className: "x"}, "text", child, ...): an element; strings become text nodes.
  function el(tag, props) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "dataset") {
        Object.keys(props.dataset).forEach(function (k) { node.dataset[k] = props.dataset[k]; });
      } else {
        node[key] = props[key];
      }
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) { child.forEach(function (c) { node.appendChild(c); }); continue; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // The claim the tools use: the one marked default, or the only one.
  function chosen(fact) {
    if (!Array.isArray(fact) || fact.length === 0) return null;
    for (var i = 0; i < fact.length; i++) if (fact[i]["default"]) return fact[i];
    return fact[0];
  }

  function valueOf(fact) { var c = chosen(fact); return c ? c.value : null; }

  // The JSON of a request; a problem (RFC 9457) becomes an Error with its detail, `problem` and `status`.
  async function getJson(url, options) {
    var response = await fetch(url, options);
    var body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      var error = new Error(body && body.detail ? body.detail : response.status + " " + response.statusText);
      error.problem = body;
      error.status = response.status;
      throw error;
    }
    return body;
  }

  return { $: $, el: el, clear: clear, chosen: chosen, valueOf: valueOf, getJson: getJson };
})();

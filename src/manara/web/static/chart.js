// The link chart: draws the records and links the server rendered (chart-data) with Cytoscape.js,
// expands neighbours, pins, filters, shows details and judges suggested links through the console's
// JSON endpoints. The two tables below the chart are kept in step: they are the text alternative and
// the keyboard interface (every action has a button there). Data is written with textContent only.
(function () {
  "use strict";
  var dataEl = document.getElementById("chart-data");
  if (!dataEl || typeof cytoscape === "undefined") { return; }
  var T = JSON.parse(document.getElementById("chart-i18n").textContent);
  var mayJudge = document.getElementById("chart-script").getAttribute("data-may-judge") === "true";
  var csrf = document.getElementById("chart-csrf").value;
  var statusEl = document.getElementById("chart-status");
  var nodes = {}, edges = {}, pinned = {}, expanded = {};
  var root = null;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] === undefined ? m : String(values[k]); });
  }
  function say(text) { statusEl.textContent = text; }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  var cy = cytoscape({
    container: document.getElementById("chart-canvas"),
    wheelSensitivity: 0.3,
    maxZoom: 1.5,  // a small network is not blown up until labels collide
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 13, "text-wrap": "wrap", "text-max-width": 120,
        "background-color": "#3d6fb6", "color": "#1a1a1a", "text-valign": "bottom", "text-margin-y": 4,
        "width": 26, "height": 26 } },
      { selector: "node[schema = 'Person']", style: { "shape": "ellipse" } },
      { selector: "node[schema != 'Person']", style: { "shape": "round-rectangle", "background-color": "#6b5aa6" } },
      { selector: "node.root", style: { "border-width": 4, "border-color": "#1a1a1a" } },
      { selector: "node.pinned", style: { "border-width": 3, "border-style": "dashed", "border-color": "#b35900" } },
      { selector: "node:selected", style: { "overlay-opacity": 0.25, "overlay-color": "#1a1a1a" } },
      { selector: "edge", style: { "width": 2, "line-color": "#777", "curve-style": "bezier", "label": "data(label)",
        "font-size": 10, "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "edge[kind = 'reference']", style: { "line-style": "dotted" } },
      { selector: "edge[kind = 'same']", style: { "width": 4, "line-color": "#1f7a3a" } },
      { selector: "edge[kind = 'suggested']", style: { "line-style": "dashed", "line-color": "#c0392b", "width": 3 } },
      { selector: ".hidden", style: { "display": "none" } }
    ]
  });

  function edgeLabel(e) {
    return e.kind === "suggested" ? fmt(T.score, { score: e.score }) : e.label;
  }

  function merge(data) {
    var added = [];
    data.nodes.forEach(function (n) {
      if (nodes[n.id]) { return; }
      nodes[n.id] = n;
      added.push({ group: "nodes", data: { id: n.id, label: n.caption + " (" + n.owner + ")", schema: n.schema } });
    });
    data.edges.forEach(function (e) {
      if (edges[e.id] || !nodes[e.source] || !nodes[e.target]) { return; }
      edges[e.id] = e;
      added.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, kind: e.kind,
        label: edgeLabel(e) } });
    });
    cy.add(added);
    expanded[data.root] = true;
    typeFilters();
    applyFilters();
    layout();
    render();
  }

  function layout() {  // pinned records keep their place while the others are laid out around them
    var held = cy.nodes().filter(function (n) { return pinned[n.id()]; });
    held.lock();
    var run = cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 90,
      nodeDimensionsIncludeLabels: true, padding: 40 });
    run.one("layoutstop", function () { held.unlock(); });
    run.run();
  }

  function checked(cls) {
    var on = {};
    document.querySelectorAll("input." + cls).forEach(function (box) { on[box.value] = box.checked; });
    return on;
  }

  function typeFilters() {
    var box = document.getElementById("chart-types");
    Object.keys(nodes).map(function (id) { return nodes[id].schema; }).forEach(function (schema) {
      if (document.getElementById("chart-type-" + schema)) { return; }
      var label = el("label", null, { "class": "inline" });
      var input = el("input", null, { type: "checkbox", "class": "chart-type", id: "chart-type-" + schema, value: schema });
      input.checked = true;
      input.addEventListener("change", function () { applyFilters(); render(); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + schema));
      box.appendChild(label);
    });
  }

  function visibleNode(n) { var types = checked("chart-type"); return types[n.schema] !== false; }
  function visibleEdge(e) {
    var kinds = checked("chart-kind");
    return kinds[e.kind] !== false && visibleNode(nodes[e.source]) && visibleNode(nodes[e.target]);
  }

  function applyFilters() {
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.toggleClass("hidden", !visibleNode(nodes[n.id()])); });
      cy.edges().forEach(function (e) { e.toggleClass("hidden", !visibleEdge(edges[e.id()])); });
    });
  }

  function button(text, id, onClick, attrs) {
    var b = el("button", text, Object.assign({ type: "button", id: id }, attrs || {}));
    b.addEventListener("click", onClick);
    return b;
  }

  function render() {
    var shownNodes = Object.keys(nodes).filter(function (id) { return visibleNode(nodes[id]); });
    var shownEdges = Object.keys(edges).filter(function (id) { return visibleEdge(edges[id]); });
    var nodeBody = document.querySelector("#chart-nodes tbody");
    nodeBody.textContent = "";
    shownNodes.forEach(function (id) {
      var n = nodes[id], tr = el("tr", null, { "data-node": id }), name = el("td", n.caption);
      if (id === root) { name.appendChild(document.createTextNode(" ")); name.appendChild(el("span", T.root, { "class": "badge" })); }
      if (pinned[id]) { name.appendChild(document.createTextNode(" ")); name.appendChild(el("span", T.pinned, { "class": "badge" })); }
      tr.appendChild(name);
      tr.appendChild(el("td", n.schema));
      tr.appendChild(el("td", n.owner));
      var actions = el("td");
      var expText = expanded[id] ? T.expanded : T.expand;  // accessible names start with the visible text
      var exp = button(expText, "chart-expand-" + id, function () { expand(id); }, { "aria-label": expText + ": " + n.caption });
      if (expanded[id]) { exp.disabled = true; }
      actions.appendChild(exp);
      actions.appendChild(button(T.pin, "chart-pin-" + id, function () { togglePin(id); },  // a toggle: its state is aria-pressed
        { "aria-pressed": pinned[id] ? "true" : "false", "aria-label": T.pin + ": " + n.caption }));
      actions.appendChild(button(T.details, "chart-details-" + id, function () { details(id); },
        { "aria-label": T.details + ": " + n.caption }));
      tr.appendChild(actions);
      nodeBody.appendChild(tr);
    });
    var edgeBody = document.querySelector("#chart-edges tbody");
    edgeBody.textContent = "";
    shownEdges.forEach(function (id) {
      var e = edges[id], tr = el("tr", null, { "data-edge": id });
      tr.appendChild(el("td", nodes[e.source].caption));
      tr.appendChild(el("td", nodes[e.target].caption));
      tr.appendChild(el("td", T.kinds[e.kind] + (e.kind === "suggested" ? " (" + (T.status[e.status] || e.status) + ")" : "")));
      tr.appendChild(el("td", e.kind === "suggested" ? fmt(T.score, { score: e.score }) + " · " + e.explanation : e.label));
      var cell = el("td");
      if (e.kind === "suggested" && mayJudge) {
        Object.keys(T.judgements).forEach(function (j) {
          cell.appendChild(button(T.judgements[j], "chart-judge-" + e.link + "-" + j, function () { judge(e, j); },
            { "aria-label": T.judgements[j] + ": " + nodes[e.source].caption + " / " + nodes[e.target].caption }));
        });
      }
      tr.appendChild(cell);
      edgeBody.appendChild(tr);
    });
    say(fmt(T.shown, { nodes: shownNodes.length, edges: shownEdges.length }));
  }

  function getJSON(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin", headers: { "Accept": "application/json" } }, options || {}))
      .then(function (r) {
        var json = (r.headers.get("content-type") || "").indexOf("application/json") === 0;
        if (r.status === 404 || r.status === 403) { throw new Error(T.not_found); }
        if (!r.ok || !json) { throw new Error(T.failed); }
        return r.json();
      });
  }

  function expand(id) {
    say(T.loading);
    getJSON("/console/chart/entities/" + encodeURIComponent(id) + "/neighbours").then(merge)
      .catch(function (err) { say(err.message); });
  }

  function togglePin(id) {
    pinned[id] = !pinned[id];
    var n = cy.getElementById(id);
    n.toggleClass("pinned", pinned[id]);
    render();
    var again = document.getElementById("chart-pin-" + id);
    if (again) { again.focus(); }
  }

  function details(id) {
    say(T.loading);
    getJSON("/console/chart/entities/" + encodeURIComponent(id)).then(function (d) {
      var panel = document.getElementById("chart-details");
      var body = document.getElementById("chart-details-body");
      body.textContent = "";
      document.getElementById("chart-details-title").textContent = T.details + ": " + d.caption;
      var rows = [["schema", d.schema], ["owner", d.owner], ["id", d.entity_id]];
      Object.keys(d.properties || {}).sort().forEach(function (k) { rows.push([k, [].concat(d.properties[k]).join("; ")]); });
      rows.forEach(function (row) { body.appendChild(el("dt", row[0])); body.appendChild(el("dd", row[1])); });
      if (!Object.keys(d.properties || {}).length) { body.appendChild(el("dd", T.no_properties)); }
      document.getElementById("chart-details-hint").hidden = true;
      cy.$(":selected").unselect();
      cy.getElementById(id).select();
      panel.focus();
      render();
    }).catch(function (err) { say(err.message); });
  }

  function judge(e, judgement) {
    var body = new URLSearchParams({ csrf_token: csrf, judgement: judgement });
    getJSON("/console/chart/links/" + encodeURIComponent(e.link) + "/judge", { method: "POST", body: body })
      .then(function (res) {
        e.status = res.status;
        if (res.status === "not_same") {  // never suggested again: it leaves the chart
          delete edges[e.id];
          cy.remove(cy.getElementById(e.id));
        } else if (res.status === "same") {
          e.kind = "same";
          e.label = T.status.same;
          cy.getElementById(e.id).data({ kind: "same", label: e.label });
        }
        applyFilters();
        render();
        say(fmt(T.judged, { status: T.status[res.status] || res.status }));
      }).catch(function (err) { say(err.message); });
  }

  cy.on("tap", "node", function (evt) { details(evt.target.id()); });
  cy.on("dbltap", "node", function (evt) { expand(evt.target.id()); });
  cy.on("tap", "edge", function (evt) {
    var e = edges[evt.target.id()];
    if (e) { say(T.kinds[e.kind] + ": " + nodes[e.source].caption + " / " + nodes[e.target].caption + " · " + edgeLabel(e)
      + (e.explanation ? " · " + e.explanation : "")); }
  });
  cy.on("dragfree", "node", function (evt) {  // a node placed by hand stays there
    pinned[evt.target.id()] = true;
    evt.target.addClass("pinned");
    render();
  });
  document.querySelectorAll("input.chart-kind, input.chart-type").forEach(function (box) {
    box.addEventListener("change", function () { applyFilters(); render(); });
  });
  document.getElementById("chart-fit").addEventListener("click", function () { cy.fit(cy.elements(":visible"), 30); });

  var initial = JSON.parse(dataEl.textContent);
  root = initial.root;
  merge(initial);
  cy.getElementById(root).addClass("root");
})();

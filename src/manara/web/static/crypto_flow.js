// The crypto flow graph: draws the flows the server rendered (flow-data) with Cytoscape.js, left to right
// by hop. The table under the graph is the text alternative. Data is written with textContent only.
(function () {
  "use strict";
  var dataEl = document.getElementById("flow-data");
  if (!dataEl || typeof cytoscape === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var hopOf = {};
  hopOf[data.root] = 0;
  data.edges.forEach(function (e) {
    var h = e.hop;
    [e.source, e.target].forEach(function (n) { if (hopOf[n] === undefined) { hopOf[n] = h; } });
  });
  function short(a) { return a.length > 16 ? a.slice(0, 8) + "…" + a.slice(-6) : a; }
  var elements = data.nodes.map(function (n) {
    var tags = data.tags[n] || [];
    return { group: "nodes", data: { id: n, label: short(n) + (tags.length ? "\n" + tags.join(", ") : ""),
      tagged: tags.length ? "yes" : "no", root: n === data.root ? "yes" : "no" } };
  });
  data.edges.forEach(function (e, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, label: e.label } });
  });
  var cy = cytoscape({
    container: document.getElementById("flow-canvas"),
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-wrap": "wrap", "text-valign": "bottom",
        "background-color": "#3d6fb6", "width": 18, "height": 18 } },
      { selector: "node[tagged = 'yes']", style: { "background-color": "#c0392b", "shape": "diamond", "width": 24, "height": 24 } },
      { selector: "node[root = 'yes']", style: { "border-width": 4, "border-color": "#1a1a1a" } },
      { selector: "edge", style: { "width": 2, "line-color": "#777", "target-arrow-shape": "triangle", "target-arrow-color": "#777",
        "curve-style": "bezier", "label": "data(label)", "font-size": 9, "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.8 } }
    ],
    layout: { name: "breadthfirst", directed: true, roots: [data.root], spacingFactor: 1.2 }
  });
  cy.fit(undefined, 20);
}());

// Runs before the page is painted: the user's display choice "auto" follows the system's light/dark
// setting (the server renders light, dark and high-contrast directly; this only resolves "auto").
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.getAttribute("data-theme") !== "auto" || !window.matchMedia) { return; }
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() { root.setAttribute("data-bs-theme", query.matches ? "dark" : "light"); }
  apply();
  if (query.addEventListener) { query.addEventListener("change", apply); }
})();

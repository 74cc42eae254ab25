// Deadlines counting down: every element with data-deadline shows the time left (or "overdue").
// The server keeps the deadline; this only renders it, and htmx swaps keep working (re-run each second).
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.getAttribute("data-deadline")) - now) / 1000);
      if (isNaN(left)) { return; }
      if (left <= 0) {
        el.textContent = el.getAttribute("data-overdue") || "overdue";
        el.classList.add("overdue");
        return;
      }
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
    });
  }
  tick();
  setInterval(tick, 1000);
})();

// A refused form: bring its summary of problems into view and give it the focus (read out first),
// wherever the form sits on the page; each entry links to its field.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var problems = document.getElementById("form-problems");
  if (problems) {
    if (!problems.hasAttribute("tabindex")) { problems.setAttribute("tabindex", "-1"); }
    problems.focus();
  }
});

// Design system behaviours. Every page reads and works without JavaScript; these only make it quicker.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var doc = document;

  // Select boxes that apply at once (theme, language): submit on change, hide their button.
  doc.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector("[data-autosubmit-button]");
    if (button) { button.classList.add("visually-hidden"); }
    select.addEventListener("change", function () { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); });
  });

  // Navigation filter: type to narrow the menu to matching pages (groups without a match are hidden).
  var filter = doc.getElementById("nav-filter");
  if (filter) {
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLocaleLowerCase();
      doc.querySelectorAll("#main-nav .nav-group").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll(".nav-item").forEach(function (item) {
          var match = !q || item.textContent.toLocaleLowerCase().indexOf(q) !== -1;
          item.hidden = !match;
          if (match) { shown += 1; }
        });
        group.hidden = shown === 0;
        if (q && shown) { group.open = true; }
      });
    });
  }

  // Sortable tables: <table data-sortable>; header buttons sort by the cell text (or data-sort-value).
  doc.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      if (th.hasAttribute("data-nosort")) { return; }
      var button = doc.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[index];
          if (!cell) { return ""; }
          return cell.getAttribute("data-sort-value") || cell.textContent.trim();
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny : x.localeCompare(y, doc.documentElement.lang, { numeric: true });
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // Table density (comfortable / compact), remembered in this browser.
  var dense = window.localStorage && localStorage.getItem("manara-density") === "compact";
  function applyDensity() {
    doc.querySelectorAll("table.table").forEach(function (t) { t.classList.toggle("table-sm", dense); });
    doc.querySelectorAll("[data-density]").forEach(function (b) { b.setAttribute("aria-pressed", dense ? "true" : "false"); });
  }
  doc.querySelectorAll("[data-density]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      dense = !dense;
      if (window.localStorage) { localStorage.setItem("manara-density", dense ? "compact" : "comfortable"); }
      applyDensity();
    });
  });
  if (dense) { applyDensity(); }

  // Command palette and keyboard shortcuts.
  var palette = doc.getElementById("palette");
  var help = doc.getElementById("shortcuts");
  var input = doc.getElementById("palette-q");
  function openPalette() {
    if (!palette || palette.open) { return; }
    palette.showModal();
    input.value = "";
    input.dispatchEvent(new Event("search"));
    input.focus();
  }
  doc.querySelectorAll("[data-palette-open]").forEach(function (b) { b.hidden = false; b.addEventListener("click", openPalette); });
  if (palette) {
    // Closed (Esc, a choice): the shortcuts must work at once, so the search box must not keep the focus.
    palette.addEventListener("close", function () {
      if (doc.activeElement === input) { input.blur(); }
    });
  }
  function options() { return Array.prototype.slice.call(doc.querySelectorAll("#palette-results [role=option]")); }
  function choose(list, i) {
    list.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
    if (list[i]) { input.setAttribute("aria-activedescendant", list[i].id); list[i].scrollIntoView({ block: "nearest" }); }
  }
  if (input) {
    input.addEventListener("keydown", function (e) {
      var list = options();
      var i = list.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
      if (e.key === "Escape") { e.preventDefault(); palette.close(); }
      else if (e.key === "ArrowDown") { e.preventDefault(); choose(list, Math.min(i + 1, list.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); choose(list, Math.max(i - 1, 0)); }
      else if (e.key === "Enter" && list.length) {
        e.preventDefault();
        window.location.href = list[i >= 0 ? i : 0].href;
      }
    });
    doc.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target && e.target.id === "palette-results") { choose(options(), 0); }
    });
  }

  var items = function () { return Array.prototype.slice.call(doc.querySelectorAll("[data-item]")); };
  var current = -1;
  function focusItem(i) {
    var list = items();
    if (!list.length) { return; }
    current = Math.max(0, Math.min(i, list.length - 1));
    list.forEach(function (el, j) { el.classList.toggle("is-current", j === current); });
    var el = list[current];
    if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
    el.focus();
  }
  var pendingG = false;
  var routes = { s: "/console/screen", h: "/console/hits", d: "/console/", w: "/console/wall" };
  doc.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") { e.preventDefault(); openPalette(); return; }
    if (typing || e.ctrlKey || e.metaKey || e.altKey || doc.querySelector("dialog[open]")) { return; }
    if (pendingG) {
      pendingG = false;
      if (routes[e.key]) { e.preventDefault(); window.location.href = routes[e.key]; }
      return;
    }
    if (e.key === "g") { pendingG = true; setTimeout(function () { pendingG = false; }, 1500); return; }
    if (e.key === "/") { e.preventDefault(); openPalette(); return; }
    if (e.key === "?") { e.preventDefault(); if (help) { help.showModal(); } return; }
    if (e.key === "j") { e.preventDefault(); focusItem(current + 1); return; }
    if (e.key === "k") { e.preventDefault(); focusItem(current - 1); return; }
    var list = items();
    if (current < 0 || !list[current]) { return; }
    if (e.key === "Enter" && t === list[current]) {
      var link = list[current].querySelector("a[href]");
      if (link) { e.preventDefault(); link.click(); }
    } else if (e.key === "a") {
      var ack = list[current].querySelector("[data-ack]");
      if (ack) { e.preventDefault(); ack.click(); }
    }
  });
});

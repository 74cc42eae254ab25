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

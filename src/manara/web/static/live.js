// The dashboard's live feed: an EventSource on /console/feed. The server filters what this user may see;
// this only draws the lines (as text, never HTML) and asks htmx to refresh the counters and queues.
// EventSource reconnects by itself and sends Last-Event-ID, so the server replays what was missed.
(function () {
  "use strict";
  var section = document.getElementById("live-feed");
  if (!section || !window.EventSource) { return; }
  var list = document.getElementById("feed-lines");
  var status = document.getElementById("feed-status");
  var lang = section.getAttribute("data-lang") || undefined;
  var seen = {}, order = [], MAX_LINES = 50, timer = null;

  function refresh() {  // one refresh for a burst of events
    if (timer) { return; }
    timer = setTimeout(function () {
      timer = null;
      document.body.dispatchEvent(new CustomEvent("manara:live"));
    }, 300);
  }

  function line(item) {
    var li = document.createElement("li");
    li.className = "feed-" + item.level;
    li.setAttribute("data-id", String(item.id));
    var time = document.createElement("time");
    time.setAttribute("datetime", item.at);
    time.textContent = new Date(item.at).toLocaleTimeString(lang);
    li.appendChild(time);
    li.appendChild(document.createTextNode(" "));
    var text = item.href ? document.createElement("a") : document.createElement("span");
    if (item.href) { text.setAttribute("href", item.href); }
    text.textContent = item.text;
    li.appendChild(text);
    return li;
  }

  list.querySelectorAll("li[data-id]").forEach(function (li) { seen[li.getAttribute("data-id")] = true; });
  var source = new EventSource(section.getAttribute("data-feed-url"));
  source.onopen = function () { status.textContent = section.getAttribute("data-live"); };
  source.onerror = function () { status.textContent = section.getAttribute("data-reconnecting"); };
  source.addEventListener("feed", function (e) {
    var item = JSON.parse(e.data);
    var key = String(item.id);
    if (seen[key]) { return; }  // a replayed or late event already shown
    seen[key] = true;
    order.push(key);
    if (order.length > 500) { delete seen[order.shift()]; }
    var empty = list.querySelector(".feed-empty");
    if (empty) { empty.remove(); }
    list.insertBefore(line(item), list.firstChild);
    while (list.children.length > MAX_LINES) { list.removeChild(list.lastChild); }
    refresh();
  });
  source.addEventListener("reset", function () { window.location.reload(); });  // missed too much: reload
})();

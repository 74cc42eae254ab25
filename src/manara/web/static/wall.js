// The operations wall: a "Full screen" button (Fullscreen API) for the room's big screen. Without JavaScript
// the button stays hidden and the page still reads (the browser's own full-screen key works).
(function () {
  "use strict";
  var button = document.getElementById("wall-fullscreen");
  var root = document.documentElement;
  if (!button || !document.fullscreenEnabled || !root.requestFullscreen) { return; }
  var label = button.querySelector("span");
  function sync() {
    label.textContent = button.getAttribute(document.fullscreenElement ? "data-exit" : "data-enter");
  }
  button.addEventListener("click", function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      root.requestFullscreen().catch(function () { /* refused (e.g. by a browser policy): stay as is */ });
    }
  });
  document.addEventListener("fullscreenchange", sync);
  button.hidden = false;
  sync();
})();

// Notice form: show only the groups of particulars the chosen notice type uses. Progressive
// enhancement: without JavaScript every group shows; a group holding a value or an error never hides.
(function () {
  "use strict";
  var type = document.getElementById("f-type");
  if (!type) { return; }
  var groups = document.querySelectorAll("fieldset[data-types]");
  function filled(group) {
    return Array.prototype.some.call(group.querySelectorAll("input, textarea, select"), function (el) {
      return el.type === "checkbox" ? el.checked : el.value.trim() !== "";
    }) || group.querySelector("[aria-invalid='true']") !== null;
  }
  function update() {
    Array.prototype.forEach.call(groups, function (group) {
      var used = group.getAttribute("data-types").split(" ").indexOf(type.value) !== -1;
      group.hidden = !used && !filled(group);
    });
  }
  type.addEventListener("change", update);
  update();
})();

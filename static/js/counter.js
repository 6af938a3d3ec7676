// Character counter for textareas with data-max-length (the provider's presentation).
// Progressive enhancement: without JavaScript the server says how many characters are
// too many. Line breaks count once, as the server counts them.
(function () {
  "use strict";
  function update(field, output, max) {
    var length = field.value.replace(/\r\n/g, "\n").length;
    var left = max - length;
    if (left >= 0) {
      output.textContent = "Nog " + left + " van " + max + " tekens over.";
      output.classList.remove("text-danger");
    } else {
      output.textContent = -left + (left === -1 ? " teken" : " tekens") + " te veel (maximaal " + max + ").";
      output.classList.add("text-danger");
    }
  }
  document.querySelectorAll("[data-counter-for]").forEach(function (output) {
    var field = document.getElementById(output.getAttribute("data-counter-for"));
    if (!field) { return; }
    var max = parseInt(field.getAttribute("data-max-length"), 10);
    if (!max) { return; }
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + output.id).trim());
    field.addEventListener("input", function () { update(field, output, max); });
    update(field, output, max);
  });
})();

// Small progressive enhancements of every page; each works without this script.
(function () {
  "use strict";

  // A disclosure with data-open-from="<px>" (the search's filters) starts folded, so
  // that results come first on a phone; on a screen at least that wide it opens.
  document.querySelectorAll("details[data-open-from]").forEach(function (details) {
    var width = parseInt(details.getAttribute("data-open-from"), 10);
    if (window.matchMedia("(min-width: " + width + "px)").matches) {
      details.open = true;
    }
  });

  // Tables that reflow into blocks on narrow screens (portal.css, .table-reflow): some
  // browsers drop the table semantics of elements that are not displayed as a table,
  // explicit roles keep rows, headers and cells for screen readers.
  var roles = {
    ":scope > thead, :scope > tbody, :scope > tfoot": "rowgroup",
    ":scope > * > tr": "row",
    ":scope > * > tr > th[scope=col]": "columnheader",
    ":scope > * > tr > th[scope=row]": "rowheader",
    ":scope > * > tr > td": "cell"
  };
  document.querySelectorAll("table.table-reflow").forEach(function (table) {
    table.setAttribute("role", "table");
    Object.keys(roles).forEach(function (selector) {
      table.querySelectorAll(selector).forEach(function (element) {
        element.setAttribute("role", roles[selector]);
      });
    });
  });
})();

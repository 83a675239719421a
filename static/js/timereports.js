// Time-report grid: focus the error summary, and spread a multi-line paste from a
// spreadsheet over the grid's rows and columns (without script the paste box does the same).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    var grid = document.querySelector("table.grid");
    if (!grid) { return; }
    var columns = ["assistant_id", "date", "start", "end", "kind"];
    grid.addEventListener("paste", function (event) {
      var target = event.target;
      var m = target && target.id && target.id.match(/^line-(\d+)-(\w+)$/);
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!m || text.indexOf("\n") < 0 && text.indexOf("\t") < 0) { return; }
      event.preventDefault();
      var row = parseInt(m[1], 10);
      var col = columns.indexOf(m[2]);
      text.replace(/\r/g, "").split("\n").filter(function (l) { return l.trim(); })
        .forEach(function (line, i) {
          line.split("\t").forEach(function (cell, j) {
            var el = document.getElementById("line-" + (row + i) + "-" + columns[col + j]);
            if (!el) { return; }
            var value = cell.trim();
            if (el.tagName === "SELECT") { value = /^j/i.test(value) ? "jour" : "ordinarie"; }
            el.value = value;
          });
        });
    });
  });
})();

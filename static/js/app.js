// Progressive enhancement only: every page works without JavaScript.
// Job progress bars poll their JSON status until the job is done or failed.
(function () {
  "use strict";
  function poll(box) {
    var url = box.getAttribute("data-job-url");
    var bar = box.querySelector("progress");
    var status = box.querySelector(".job-status");
    var message = box.querySelector(".job-message");
    var result = box.querySelector(".job-result");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          bar.value = job.percent;
          bar.textContent = job.percent + " %";
          status.textContent = job.status_label;
          status.className = "job-status " + (job.status_class || "badge");
          box.classList.toggle("job-failed", !!job.failed);
          message.textContent = job.error || job.message || "";
          if (job.result_url) {
            result.querySelector("a").href = job.result_url;
            result.hidden = false;
          }
          if (job.status === "queued" || job.status === "running") {
            setTimeout(tick, 1000);
          }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".job-progress[data-job-url]").forEach(poll);
    // The error summary takes focus (GOV.UK pattern): screen readers announce it and the
    // eye lands on it, instead of on a section anchor far below the message.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // A link in the summary moves focus to its field, not only the scroll position.
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (target) { ev.preventDefault(); target.focus(); }
      });
    });
  });
})();

// A table wider than a phone scrolls inside itself (app.css); make such a table reachable by
// keyboard so it can be scrolled with the arrow keys (WCAG 2.1.1).
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table, .table-scroll, .raw-payload").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1 &&
          getComputedStyle(el).overflowY !== "visible") {
        if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
}());

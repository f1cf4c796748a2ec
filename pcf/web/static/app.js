// pcf web: the progress of a computation (polls /jobs/ID.json, then opens the result). No other script.
(function () {
  var box = document.getElementById("job");
  if (!box || !document.getElementById("job-progress")) { return; }
  var id = box.getAttribute("data-job");
  var bar = document.getElementById("job-progress");
  var step = document.getElementById("job-step");
  var seen = 0;
  function poll() {
    fetch("/jobs/" + encodeURIComponent(id) + ".json", {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.step && job.step !== step.textContent) { seen += 1; step.textContent = job.step; }
        bar.value = Math.min(seen, bar.max - 1);
        if (job.status === "done" && job.next) { bar.value = bar.max; window.location.assign(job.next); return; }
        if (job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 150);
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();

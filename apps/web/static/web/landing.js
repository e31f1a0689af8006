// The landing page: headline figures and the featured well, fetched together from the
// API (the pair of requests that once made stats read 0), then kept live from ws/stats/.
(function () {
  "use strict";
  const root = document.querySelector("[data-landing]");
  if (!root) return;
  const featured = root.dataset.featured;
  const fmt = window.piezoFormat;

  function showStats(stats) {
    root.querySelectorAll("[data-stat]").forEach(function (el) {
      const value = stats[el.dataset.stat];
      el.dataset.value = value === null ? "" : String(value);
      el.textContent = el.dataset.stat === "latest_observed_at" ? fmt.utc(value) : fmt.number(value);
    });
  }

  function showWell(well) {
    const el = document.querySelector("[data-featured-latest]");
    if (!el || !well.latest_observation) return;
    const latest = well.latest_observation;
    const depth = latest.depth_to_water_ft === null ? latest.level_status : latest.depth_to_water_ft.toFixed(2) + " ft";
    el.textContent = "Latest reading: " + depth + " below land surface, " + fmt.utc(latest.observed_at) +
      " (" + fmt.number(well.series.count) + " readings).";
  }

  Promise.all([
    fetch("/api/stats").then(function (r) { return r.json(); }),
    featured ? fetch("/api/wells/" + encodeURIComponent(featured)).then(function (r) { return r.json(); }) : null,
  ]).then(function (results) {
    showStats(results[0]);
    if (results[1]) showWell(results[1]);
    root.dataset.loaded = "true";
  });

  window.piezoFeed("/ws/stats/", function (message) {
    if (message.type === "stats") showStats(message.stats);
  }, document.querySelector("[data-live-status]"));
})();

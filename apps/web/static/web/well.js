// The well page: the hydrograph (uPlot: time on x, depth on an inverted y axis), a range
// form and drag-to-zoom at full resolution, and new readings appended live.
(function () {
  "use strict";
  const el = document.getElementById("hydrograph");
  if (!el || !window.uPlot) return;
  const siteNo = el.dataset.siteNo;
  const note = document.querySelector("[data-chart-note]");
  const fmt = window.piezoFormat;
  let plot = null;
  let range = {};

  // The depth axis: the data's range with a margin; markers for visits without a value
  // sit on its top edge, outside the data, so they are never read as a measurement.
  function depthRange(d) {
    const low = d.min_depth_to_water_ft === null ? 0 : d.min_depth_to_water_ft;
    const high = d.max_depth_to_water_ft === null ? 1 : d.max_depth_to_water_ft;
    const margin = Math.max((high - low) * 0.06, 0.5);
    return [low - margin, high + margin];
  }

  function tablesFrom(d, range) {
    return [
      [d.points.t, d.points.depth],
      [d.line.t, d.line.depth],
      [d.line_provisional.t, d.line_provisional.depth],
      [d.provisional.t, d.provisional.depth],
      [d.no_value.t, d.no_value.t.map(function () { return range[0]; })],
    ];
  }

  function options(width, range) {
    const markersOnly = function () { return null; };
    const narrow = width < 480;
    return {
      width: width,
      height: Math.max(260, Math.min(420, Math.round(width * 0.45))),
      // Times are drawn in UTC, the zone the axis and legend name (not the browser's).
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      scales: { x: { time: true }, y: { dir: -1, range: function () { return range; } } },  // deeper is lower
      axes: [
        { label: "Time (UTC)", labelSize: 20 },
        { label: narrow ? "Depth (ft)" : "Depth to water (ft below land surface)", size: narrow ? 50 : 70 },
      ],
      cursor: { drag: { x: true, y: false, setScale: false } },
      series: [
        { label: "Time (UTC)" },
        { label: "Visits", stroke: "#1f6feb", width: 1.5, points: { show: true, size: 6, fill: "#1f6feb" } },
        { label: "Logger", stroke: "#2da44e", width: 1, points: { show: false } },
        { label: "Logger (provisional)", stroke: "#d4700a", width: 1, dash: [4, 3], points: { show: false } },
        { label: "Provisional", stroke: "#d4700a", width: 0, paths: markersOnly, points: { show: true, size: 9, stroke: "#d4700a", fill: "transparent", width: 1.5 } },
        { label: "Dry / obstructed", stroke: "#cf222e", width: 0, paths: markersOnly, points: { show: true, size: 10, stroke: "#cf222e", fill: "#cf222e" } },
      ],
      hooks: {
        setSelect: [function (u) {
          if (u.select.width < 5) return;
          const start = u.posToVal(u.select.left, "x");
          const end = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          load({ start: new Date(start * 1000).toISOString(), end: new Date(end * 1000).toISOString() }, true);
        }],
      },
    };
  }

  function draw(d) {
    const range = depthRange(d);
    const data = uPlot.join(tablesFrom(d, range));
    const width = el.clientWidth || 600;
    if (plot) plot.destroy();
    plot = new uPlot(options(width, range), data, el);
    el.uplot = plot;  // for the browser tests, which hover it
    el.dataset.points = String(d.plotted);
    el.dataset.total = String(d.total);
    el.dataset.downsampled = String(d.downsampled);
    note.textContent = d.total === 0 ? "No readings in this range." :
      fmt.number(d.total) + " readings" + (d.downsampled ? ", overview of " + fmt.number(d.plotted) + " points: drag to zoom for full detail" : "") + ".";
  }

  function load(newRange, fullResolution) {
    range = newRange;
    const params = new URLSearchParams(range);
    params.set("max_points", fullResolution ? "200000" : "2000");
    el.dataset.loading = "true";
    const started = performance.now();
    return fetch("/api/wells/" + encodeURIComponent(siteNo) + "/hydrograph?" + params)
      .then(function (r) { return r.json(); })
      .then(function (d) {
        draw(d);
        // From request to drawn chart, for the benchmarks (docs/benchmarks.md).
        el.dataset.drawMs = String(Math.round(performance.now() - started));
        el.dataset.loading = "false";
      });
  }

  const form = document.getElementById("range");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const next = {};
    if (form.start.value) next.start = form.start.value + "T00:00:00Z";
    if (form.end.value) next.end = form.end.value + "T23:59:59Z";
    load(next, true);
  });
  document.getElementById("range-reset").addEventListener("click", function () {
    form.reset();
    load({}, false);
  });
  window.addEventListener("resize", function () {
    if (plot) plot.setSize({ width: el.clientWidth, height: plot.height });
  });

  function addRow(r) {
    const body = document.getElementById("recent-readings");
    if (body.querySelector('tr[data-observation-id="' + r.id + '"]')) return false;
    const empty = body.querySelector("tr.empty");
    if (empty) empty.remove();
    const row = document.createElement("tr");
    row.dataset.observationId = String(r.id);
    row.dataset.observedAt = r.observed_at;
    row.className = "new";
    const cells = [
      fmt.utc(r.observed_at).replace(" UTC", ""),
      r.depth_to_water_ft === null ? "—" : r.depth_to_water_ft.toFixed(2),
      r.level_status, r.method || "—", r.data_quality, r.source,
    ];
    cells.forEach(function (text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); });
    // Newest first, wherever a late or backfilled reading belongs.
    const at = Date.parse(r.observed_at);
    const later = Array.prototype.find.call(body.rows, function (other) {
      return other.dataset.observedAt && Date.parse(other.dataset.observedAt) < at;
    });
    body.insertBefore(row, later || null);
    return true;
  }

  // Readings that arrived while the feed was down: everything since the newest one shown
  // (ids already on the page are skipped), then the chart is redrawn once.
  function backfill() {
    const body = document.getElementById("recent-readings");
    const newest = body.rows.length ? body.rows[0].dataset.observedAt : null;
    const params = new URLSearchParams({ page_size: "1000" });
    if (newest) params.set("start", newest);
    return fetch("/api/wells/" + encodeURIComponent(siteNo) + "/observations?" + params)
      .then(function (r) { return r.json(); })
      .then(function (page) {
        const added = page.results.filter(addRow).length;
        if (added) {
          load(range, Boolean(range.start || range.end));
          refreshSummary();
        }
      });
  }

  // The summary is recomputed with every write (in the same transaction): after new
  // readings, show the figures the server now holds. Several readings, one request.
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function month(iso) { const d = new Date(iso + "T00:00:00Z"); return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear(); }
  function feet(x) { return x.toFixed(2); }
  function setField(name, text) {
    const dd = document.querySelector('[data-summary-field="' + name + '"]');
    if (dd) dd.textContent = text;
  }
  function showSummary(s) {
    if (!s) return;
    setField("count", fmt.number(s.observation_count));
    setField("first", s.first_observed_at ? fmt.utc(s.first_observed_at).slice(0, 10) + " (UTC)" : "—");
    setField("last", s.last_observed_at ? fmt.utc(s.last_observed_at) : "—");
    setField("trend", s.trend_ft_per_year === null ? "— (needs two years of static levels)" :
      feet(s.trend_ft_per_year) + " ft/year, " + s.trend_direction + " (p = " + s.trend_p_value.toFixed(3) + "; " +
      s.trend_months + " monthly medians of static levels, " + month(s.trend_start) + " to " + month(s.trend_end) +
      "; Seasonal Kendall and Sen's slope)");
    setField("change", s.change_12_months_ft === null ? "—" : feet(s.change_12_months_ft) + " ft deeper");
    setField("range", s.min_depth_to_water_ft === null ? "—" :
      feet(s.min_depth_to_water_ft) + " to " + feet(s.max_depth_to_water_ft) + " ft");
  }
  let summaryTimer = null;
  function refreshSummary() {
    clearTimeout(summaryTimer);
    summaryTimer = setTimeout(function () {
      fetch("/api/wells/" + encodeURIComponent(siteNo))
        .then(function (r) { return r.json(); })
        .then(function (well) { showSummary(well.summary); });
    }, 300);
  }

  window.piezoFeed("/ws/wells/" + encodeURIComponent(siteNo) + "/", function (message) {
    if (message.type !== "observation") return;
    if (addRow(message.observation)) {
      load(range, Boolean(range.start || range.end));
      refreshSummary();
    }
  }, document.querySelector("[data-live-status]"), backfill);

  load({}, false);
})();

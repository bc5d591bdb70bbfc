/* Results page, issue 13: the latest simulation of the plan — predicted vs simulated service level
   with the simulated 95% confidence band (Chart.js, vendored), the days and the intervals where the
   prediction lies outside the band with the likely reason. No inline scripts. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function pct(v) { return v === null || v === undefined ? "—" : (100 * v).toFixed(1) + "%"; }
  function num(v, digits) { return v === null || v === undefined ? "—" : Number(v).toFixed(digits); }
  function label(iso) { return iso.slice(5, 10) + " " + iso.slice(11, 16); }

  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) { tr.appendChild(el("td", {}, c)); });
    return tr;
  }

  function bandChart(box, index, group) {
    var points = group.intervals.filter(function (p) { return p.predicted_service_level !== null || p.simulated_service_level !== null; });
    var wrap = el("div", { "class": "chart" });
    wrap.appendChild(el("h3", {}, group.group + " — service level (" + group.service_level_definition + ")"));
    var canvas = el("canvas", { id: "simulation-chart-" + index, height: "90" });
    wrap.appendChild(canvas);
    box.appendChild(wrap);
    var labels = points.map(function (p) { return label(p.interval_start); });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: [
        { label: "95% CI low", data: points.map(function (p) { return p.ci_low; }), borderWidth: 0,
          pointRadius: 0, fill: false, borderColor: "rgba(31,111,235,0)" },
        { label: "simulated 95% confidence band", data: points.map(function (p) { return p.ci_high; }),
          borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(31,111,235,0.18)",
          borderColor: "rgba(31,111,235,0)" },
        { label: "simulated", data: points.map(function (p) { return p.simulated_service_level; }),
          borderColor: "#1f6feb", borderWidth: 1.5, pointRadius: 0, fill: false },
        { label: "predicted", data: points.map(function (p) { return p.predicted_service_level; }),
          borderColor: "#d1242f", borderWidth: 1.5, pointRadius: 0, fill: false },
        { label: "prediction outside the band", data: points.map(function (p) { return p.outside ? p.predicted_service_level : null; }),
          borderColor: "#d1242f", backgroundColor: "#d1242f", showLine: false, pointRadius: 3, fill: false }
      ] },
      options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                 plugins: { legend: { labels: { filter: function (item) { return item.text !== "95% CI low"; } } } },
                 scales: { x: { ticks: { maxTicksLimit: 14, autoSkip: true } },
                           y: { min: 0, max: 1, title: { display: true, text: "share answered in time" } } } }
    });
  }

  function show(section, simulation) {
    var result = simulation.result;
    var status = document.getElementById("simulation-status");
    status.textContent = "Simulation of " + simulation.options.replications + " replications (seed " +
      simulation.options.seed + "), " + result.contacts_simulated.toLocaleString() + " contacts in " +
      result.seconds.toFixed(1) + " s.";
    var notes = document.getElementById("simulation-notes");
    result.notes.forEach(function (n) { notes.appendChild(el("li", {}, n)); });
    var charts = document.getElementById("simulation-charts");
    var days = document.getElementById("simulation-days");
    var outside = document.getElementById("simulation-outside");
    var all = document.getElementById("simulation-intervals");
    var breaks = document.getElementById("simulation-breaks");
    var drawn = 0;
    result.groups.forEach(function (g, i) {
      if (g.kind !== "email") { bandChart(charts, i, g); drawn += 1; }
      [g].concat(g.days).forEach(function (d, k) {
        days.tBodies[0].appendChild(row([g.group, k === 0 ? "whole horizon" : d.date, pct(d.predicted_service_level),
          pct(d.simulated_service_level), pct(d.ci_low) + " – " + pct(d.ci_high), num(d.difference_points, 1),
          num(d.simulated_asa_seconds, 1), pct(d.simulated_abandon), pct(d.simulated_occupancy)]));
      });
      (g.late_breaks || []).forEach(function (b) {
        breaks.tBodies[0].appendChild(row([g.group, b.date, num(b.breaks_from_work, 1), pct(b.breaks_late_share),
          num(b.mean_lateness_minutes, 1), num(b.max_lateness_minutes, 0), num(b.overtime_agent_hours, 1),
          num(b.max_overtime_minutes, 0)]));
      });
      g.intervals.filter(function (p) { return p.live_contacts > 0; }).forEach(function (p) {
        all.tBodies[0].appendChild(row([g.group, label(p.interval_start), num(p.live_contacts, 1),
          num(p.scheduled, 0), pct(p.predicted_service_level), pct(p.simulated_service_level),
          pct(p.ci_low) + " – " + pct(p.ci_high), pct(p.simulated_service_level_offered),
          pct(p.simulated_service_level_answered),
          num(p.predicted_asa_seconds, 1) + " / " + num(p.simulated_asa_seconds, 1),
          pct(p.predicted_abandon) + " / " + pct(p.simulated_abandon),
          pct(p.predicted_occupancy) + " / " + pct(p.simulated_occupancy), num(p.queue_at_start, 1)]));
      });
      g.intervals.filter(function (p) { return p.outside; }).forEach(function (p) {
        outside.tBodies[0].appendChild(row([g.group, label(p.interval_start), num(p.live_contacts, 1),
          num(p.scheduled, 0), pct(p.predicted_service_level), pct(p.simulated_service_level),
          pct(p.ci_low) + " – " + pct(p.ci_high), p.reason]));
      });
    });
    days.hidden = false;
    if (breaks.tBodies[0].rows.length) {
      breaks.hidden = false;
      document.getElementById("simulation-breaks-title").hidden = false;
    }
    if (outside.tBodies[0].rows.length) {
      outside.hidden = false;
      document.getElementById("simulation-outside-title").hidden = false;
    }
    charts.setAttribute("data-rendered", String(drawn));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("simulation");
    if (!section || !window.Chart) { return; }
    fetch(section.getAttribute("data-list-url"), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (list) {
        var done = list.simulations.filter(function (s) { return s.state === "succeeded"; });
        if (!done.length) {
          var running = list.simulations.filter(function (s) { return s.state === "queued" || s.state === "running"; });
          if (running.length) { document.getElementById("simulation-status").textContent = "A simulation is running…"; }
          return null;
        }
        var latest = done[done.length - 1];
        return fetch(section.getAttribute("data-simulation-base").replace("SIMULATION_ID", latest.id),
                     { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (simulation) { show(section, simulation); });
      })
      .catch(function () { document.getElementById("simulation-status").textContent = "Could not load the simulation."; });
  });
})();

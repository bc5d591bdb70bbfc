/* Contact-center planner: job progress polling, results charts (Chart.js, vendored) and the
   schedule timeline. No inline scripts: the page's data arrives as a JSON data block. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* ---- run page: poll the job ---- */
  function pollJob(box) {
    var url = box.getAttribute("data-job-url");
    var planBase = box.getAttribute("data-plan-base");
    var bar = document.getElementById("job-progress");
    var state = document.getElementById("job-state");
    var percent = document.getElementById("job-percent");
    var list = document.getElementById("job-messages");
    var error = document.getElementById("job-error");
    function tick() {
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          bar.value = job.percentComplete;
          bar.textContent = job.percentComplete + "%";
          state.textContent = job.state;
          percent.textContent = job.percentComplete;
          list.textContent = "";
          job.messages.forEach(function (m) { list.appendChild(el("li", {}, m.text)); });
          if (job.state === "succeeded" && job.capacityPlanId) {
            window.location.assign(box.getAttribute("data-capacity-base").replace("PLAN_ID", job.capacityPlanId));
          } else if (job.state === "succeeded" && job.planId) {
            window.location.assign(planBase.replace("PLAN_ID", job.planId));
          } else if (job.state === "failed") {
            error.hidden = false;
            error.textContent = "The run failed: " + (job.error || "unknown reason");
          } else {
            window.setTimeout(tick, 400);
          }
        })
        .catch(function () { window.setTimeout(tick, 1500); });
    }
    tick();
  }

  /* ---- results page ---- */
  var COLORS = ["#1f6feb", "#d1242f", "#2da44e", "#bf8700", "#8250df", "#0a7f86", "#cf222e", "#57606a"];

  function lineChart(container, id, title, labels, datasets, yTitle, yMax) {
    var wrap = el("div", { "class": "chart" });
    wrap.appendChild(el("h3", {}, title));
    var canvas = el("canvas", { id: id, height: "90" });
    wrap.appendChild(canvas);
    container.appendChild(wrap);
    var scales = { x: { ticks: { maxTicksLimit: 14, autoSkip: true } },
                   y: { beginAtZero: true, title: { display: true, text: yTitle } } };
    if (yMax !== undefined) { scales.y.max = yMax; }
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                 elements: { point: { radius: 0 } }, scales: scales }
    });
  }

  function coverageCharts(data) {
    var box = document.getElementById("coverage-charts");
    var groups = Object.keys(data.groups);
    groups.forEach(function (g, i) {
      var d = data.groups[g];
      var sets = [{ label: "required", data: d.required, borderColor: "#d1242f", stepped: true, borderWidth: 1.5 }];
      if (d.working) {
        sets.push({ label: "scheduled (working)", data: d.working, borderColor: "#1f6feb",
                    backgroundColor: "rgba(31,111,235,0.12)", fill: true, stepped: true, borderWidth: 1.5 });
      }
      lineChart(box, "coverage-" + i, g, d.labels, sets, "agents");
    });
    box.setAttribute("data-rendered", String(groups.length));
  }

  function serviceLevelCharts(data) {
    var box = document.getElementById("sl-charts");
    var drawn = 0;
    Object.keys(data.groups).forEach(function (g, i) {
      var d = data.groups[g];
      if (!d.service_level || d.target === null || d.target === undefined) { return; }
      var target = d.labels.map(function () { return d.target; });
      lineChart(box, "sl-" + i, g, d.labels, [
        { label: "predicted service level", data: d.service_level, borderColor: "#2da44e", borderWidth: 1.5, spanGaps: false },
        { label: "target", data: target, borderColor: "#57606a", borderDash: [6, 4], borderWidth: 1 }
      ], "share answered in time", 1);
      drawn += 1;
    });
    if (!drawn) { document.getElementById("sl-empty").hidden = false; }
    box.setAttribute("data-rendered", String(drawn));
  }

  function timeline(data) {
    var box = document.getElementById("timeline");
    var daySelect = document.getElementById("timeline-day");
    var groupSelect = document.getElementById("timeline-group");
    var origin = new Date((data.origin || "2000-01-01") + "T00:00:00");
    var days = Math.max(1, data.days || 1);
    var names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    for (var day = 0; day < days; day += 1) {
      var date = new Date(origin.getTime() + day * 86400000);
      daySelect.appendChild(el("option", { value: String(day) }, names[date.getDay()] + " " + date.toISOString().slice(0, 10)));
    }
    var groups = [];
    data.timeline.forEach(function (s) { if (groups.indexOf(s.group) < 0) { groups.push(s.group); } });
    groups.forEach(function (g) { groupSelect.appendChild(el("option", { value: g }, g)); });

    function pct(minutes, day) {
      return Math.max(0, Math.min(100, (minutes - day * 1440) / 1440 * 100));
    }
    function draw() {
      var day = Number(daySelect.value || 0);
      var group = groupSelect.value;
      box.textContent = "";
      var axis = el("div", { "class": "tl-axis" });
      for (var h = 0; h <= 24; h += 3) {
        var tick = el("span", {}, String(h).padStart(2, "0") + ":00");
        tick.style.left = (h / 24 * 100) + "%";
        axis.appendChild(tick);
      }
      box.appendChild(axis);
      var rows = data.timeline.filter(function (s) {
        return (!group || s.group === group) && s.end > day * 1440 && s.start < (day + 1) * 1440;
      });
      if (!rows.length) { box.appendChild(el("p", { "class": "hint" }, "No shifts on this day.")); }
      rows.forEach(function (s) {
        var row = el("div", { "class": "tl-row" });
        row.appendChild(el("span", { "class": "tl-label" }, s.agent));
        var lane = el("div", { "class": "tl-lane" });
        var bar = el("div", { "class": "tl-shift", title: s.agent + " (" + s.group + ")" });
        bar.style.left = pct(s.start, day) + "%";
        bar.style.width = (pct(s.end, day) - pct(s.start, day)) + "%";
        lane.appendChild(bar);
        s.breaks.forEach(function (b) {
          var brk = el("div", { "class": "tl-break" + (b.paid ? "" : " unpaid"), title: b.code });
          brk.style.left = pct(b.start, day) + "%";
          brk.style.width = (pct(b.end, day) - pct(b.start, day)) + "%";
          lane.appendChild(brk);
        });
        row.appendChild(lane);
        box.appendChild(row);
      });
      box.setAttribute("data-rendered", String(rows.length));
    }
    daySelect.addEventListener("change", draw);
    groupSelect.addEventListener("change", draw);
    draw();
  }

  function frontierChart(data) {
    var canvas = document.getElementById("frontier-chart");
    if (!canvas || !data.frontier.length) { return; }
    var sets = data.frontier.map(function (c, i) {
      return { label: c.label, data: c.points, borderColor: COLORS[i % COLORS.length],
               showLine: true, pointRadius: c.points.map(function (p) { return p.x === c.recommended ? 6 : 0; }),
               borderWidth: 1.5 };
    });
    new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: sets },
      options: { animation: false, scales: {
        x: { title: { display: true, text: "self-service share (automation)" }, min: 0, max: 1 },
        y: { title: { display: true, text: "total cost (labour + automation + experience)" } } },
        plugins: { title: { display: true, text: "Cost vs automation per segment × channel (dot = recommended)" } } }
    });
    canvas.setAttribute("data-rendered", "1");
  }

  function roster() {
    // the roster grid: each person's week as one bar per day (positions from data attributes,
    // since the page's CSP allows no inline styles) and a filter by name, id, contract or group
    var grid = document.getElementById("roster-grid");
    if (!grid) { return; }
    grid.querySelectorAll("[data-left]").forEach(function (node) {
      node.style.left = node.getAttribute("data-left") + "%";
      node.style.width = node.getAttribute("data-width") + "%";
    });
    var filter = document.getElementById("roster-filter");
    filter.addEventListener("input", function () {
      var text = filter.value.trim().toLowerCase();
      var shown = 0;
      grid.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = text !== "" && row.getAttribute("data-search").indexOf(text) < 0;
        if (!row.hidden) { shown += 1; }
      });
      grid.setAttribute("data-shown", String(shown));
    });
    grid.setAttribute("data-rendered", String(grid.querySelectorAll(".week-shift").length));
  }

  document.addEventListener("DOMContentLoaded", function () {
    roster();
    var jobBox = document.getElementById("job");
    if (jobBox) { pollJob(jobBox); }
    var dataNode = document.getElementById("chart-data");
    if (dataNode && window.Chart) {
      var data = JSON.parse(dataNode.textContent);
      coverageCharts(data);
      serviceLevelCharts(data);
      timeline(data);
      frontierChart(data);
    }
  });
}());

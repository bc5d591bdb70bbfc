/* Contact-center planner: the sweep page. Polls the sweep (GET /api/sweeps/{id}) with a progress
   bar, then draws the results table and three Chart.js charts (vendored): total cost against the
   service-level target, required FTE against the volume change, the mix decision per point. */
(function () {
  "use strict";

  var COLORS = ["#1f6feb", "#d1242f", "#2da44e", "#bf8700", "#8250df", "#0a7f86", "#e85aad", "#57606a",
                "#953800", "#7fb3ff"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function pct(value) { return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%"; }
  function num(value, digits) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function axisOf(result, parameter) {
    for (var i = 0; i < result.grid.length; i += 1) {
      if (result.grid[i].parameter === parameter) { return result.axes[i].key; }
    }
    return null;
  }

  /* one series per value of the first other axis, points sorted along x */
  function seriesBy(result, xKey, yKey) {
    var ok = result.points.filter(function (p) { return p.status === "ok" && p[xKey] !== null && p[yKey] !== null; });
    var others = result.axes.filter(function (a) { return a.key !== xKey; });
    var groups = {};
    var order = [];
    ok.forEach(function (p) {
      var name = others.length ? others[0].label.replace(" (%)", "") + " " +
        formatAxis(result, others[0].key, p[others[0].key]) : "all points";
      if (!groups[name]) { groups[name] = []; order.push(name); }
      groups[name].push({ x: p[xKey], y: p[yKey], label: p.label });
    });
    return order.map(function (name, i) {
      var pts = groups[name].sort(function (a, b) { return a.x - b.x; });
      return { label: name, data: pts, showLine: true, borderColor: COLORS[i % COLORS.length],
               backgroundColor: COLORS[i % COLORS.length], pointRadius: 4, borderWidth: 1.5 };
    });
  }

  function formatAxis(result, key, value) {
    var axis = result.grid[result.axes.map(function (a) { return a.key; }).indexOf(key)];
    if (!axis || value === null || value === undefined) { return String(value); }
    if (axis.parameter === "volume" || axis.parameter === "aht") {
      var p = Math.round(value * 1000) / 10;
      return (p > 0 ? "+" : "") + p + "%";
    }
    if (axis.parameter === "answer_seconds") { return value + " s"; }
    return Math.round(value * 1000) / 10 + "%";
  }

  function scatter(id, datasets, xTitle, yTitle, xPercent) {
    var canvas = document.getElementById(id);
    new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: { animation: false, scales: {
        x: { title: { display: true, text: xTitle },
             ticks: xPercent ? { callback: function (v) { return Math.round(v * 1000) / 10 + "%"; } } : {} },
        y: { title: { display: true, text: yTitle } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.raw.label + ": " + num(c.raw.y, 1); } } } } }
    });
    canvas.setAttribute("data-rendered", String(datasets.length));
  }

  function mixChart(result) {
    var canvas = document.getElementById("sweep-mix-chart");
    var pairs = [];
    result.decisions.forEach(function (d) {
      var key = d.segment + " / " + d.channel;
      if (pairs.indexOf(key) < 0) { pairs.push(key); }
    });
    var labels = result.points.map(function (p) { return p.label; });
    var datasets = pairs.map(function (key, i) {
      var values = result.points.map(function (p) {
        var found = result.decisions.filter(function (d) {
          return d.point === p.point && d.segment + " / " + d.channel === key;
        });
        return found.length ? found[0].recommended_share : null;
      });
      return { label: key, data: values, backgroundColor: COLORS[i % COLORS.length] };
    });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: { animation: false, scales: {
        x: { title: { display: true, text: "grid point" }, ticks: { autoSkip: true, maxTicksLimit: 20 } },
        y: { title: { display: true, text: "recommended self-service share" }, min: 0, max: 1,
             ticks: { callback: function (v) { return Math.round(v * 100) + "%"; } } } } }
    });
    canvas.setAttribute("data-rendered", String(datasets.length));
  }

  function table(result) {
    var node = document.getElementById("sweep-table");
    var head = node.querySelector("thead");
    var body = node.querySelector("tbody");
    var currency = result.currency;
    var columns = result.axes.map(function (a) {
      return { title: a.label, value: function (p) { return formatAxis(result, a.key, p[a.key]); } };
    }).concat([
      { title: "required FTE", value: function (p) { return num(p.required_fte, 1); } },
      { title: "peak agents", value: function (p) { return num(p.peak_required_agents, 0); } },
      { title: "service-level target", value: function (p) { return pct(p.service_level_target); } },
      { title: "total cost (" + currency + ")", value: function (p) { return num(p.total_cost, 0); } },
      { title: "mix: cost now (" + currency + ")", value: function (p) { return num(p.mix_total_cost_current, 0); } },
      { title: "mix: cost recommended (" + currency + ")", value: function (p) { return num(p.mix_total_cost_recommended, 0); } },
      { title: "mix: FTE saved", value: function (p) { return num(p.mix_fte_saved, 1); } }
    ]);
    if (result.schedule) {
      columns.push({ title: "scheduled FTE", value: function (p) { return num(p.scheduled_fte, 1); } });
      columns.push({ title: "predicted SL", value: function (p) { return pct(p.predicted_service_level); } });
    }
    columns.push({ title: "status", value: function (p) { return p.status === "ok" ? "ok" : "invalid: " + p.message; } });
    var row = el("tr");
    columns.forEach(function (c) { row.appendChild(el("th", {}, c.title)); });
    head.appendChild(row);
    result.points.forEach(function (p) {
      var tr = el("tr");
      columns.forEach(function (c) { tr.appendChild(el("td", {}, c.value(p))); });
      body.appendChild(tr);
    });
    document.getElementById("sweep-summary").textContent = result.points.length + " point(s) " +
      result.executor + " in " + num(result.seconds, 1) + " s" + (result.failed ? "; " + result.failed + " with invalid inputs" : "");
  }

  function show(result) {
    document.getElementById("sweep-results").hidden = false;
    table(result);
    var sl = axisOf(result, "service_level") || "service_level_target";
    scatter("sweep-cost-chart", seriesBy(result, sl, "total_cost"), "service-level target",
            "total cost, labour + automation (" + result.currency + ")", true);
    var volume = axisOf(result, "volume");
    scatter("sweep-fte-chart", volume ? seriesBy(result, volume, "required_fte") : [], "volume change",
            "required FTE (40 h/week)", true);
    mixChart(result);
  }

  function poll(box) {
    var url = box.getAttribute("data-sweep-url");
    var bar = document.getElementById("sweep-progress");
    function tick() {
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (sweep) {
          bar.value = sweep.percentComplete;
          bar.textContent = sweep.percentComplete + "%";
          document.getElementById("sweep-state").textContent = sweep.state;
          document.getElementById("sweep-percent").textContent = sweep.percentComplete;
          var last = sweep.messages.length ? sweep.messages[sweep.messages.length - 1].text : "";
          document.getElementById("sweep-message").textContent = last;
          if (sweep.state === "succeeded" && sweep.result) {
            document.getElementById("sweep-workbook").hidden = false;
            show(sweep.result);
          } else if (sweep.state === "failed") {
            var error = document.getElementById("sweep-error");
            error.hidden = false;
            error.textContent = "The sweep failed: " + (sweep.error || "unknown reason");
          } else {
            window.setTimeout(tick, 500);
          }
        })
        .catch(function () { window.setTimeout(tick, 1500); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("sweep");
    if (box && window.Chart) { poll(box); }
  });
}());

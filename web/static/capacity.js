/* Capacity plan pages: required FTE band vs available FTE, hires per class, overtime, risk
   (Chart.js, vendored). No inline scripts: the data arrives as a JSON data block. */
(function () {
  "use strict";

  var COLORS = ["#1f6feb", "#d1242f", "#2da44e", "#bf8700", "#8250df", "#0a7f86"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function chart(container, id, title, type, labels, datasets, yTitle, yMax, fromZero) {
    var wrap = el("div", { "class": "chart" });
    wrap.appendChild(el("h3", {}, title));
    var canvas = el("canvas", { id: id, height: "90" });
    wrap.appendChild(canvas);
    container.appendChild(wrap);
    var scales = { x: { title: { display: true, text: "week" }, ticks: { maxTicksLimit: 26, autoSkip: true } },
                   y: { beginAtZero: fromZero !== false, title: { display: true, text: yTitle } } };
    if (yMax !== undefined) { scales.y.max = yMax; }
    return new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                 elements: { point: { radius: 0 } }, scales: scales }
    });
  }

  function rowsOf(data, group) {
    return data.weekly.filter(function (r) { return r.group === group; });
  }

  function pick(rows, key) { return rows.map(function (r) { return r[key]; }); }

  function bandSets(rows, prefix, color) {
    return [
      { label: prefix + "required FTE p10", data: pick(rows, "required_fte_p10"), borderColor: "rgba(209,36,47,0.3)", borderWidth: 1 },
      { label: prefix + "required FTE p90", data: pick(rows, "required_fte_p90"), borderColor: "rgba(209,36,47,0.3)",
        backgroundColor: "rgba(209,36,47,0.12)", fill: "-1", borderWidth: 1 },
      { label: prefix + "required FTE (mean)", data: pick(rows, "required_fte"), borderColor: "#d1242f", borderWidth: 1.5 },
      { label: prefix + "available FTE", data: pick(rows, "available_fte"), borderColor: color, borderWidth: 2 }
    ];
  }

  function capacityPage(data) {
    var band = document.getElementById("capacity-charts");
    var hires = document.getElementById("capacity-hires");
    var risk = document.getElementById("capacity-risk");
    data.groups.forEach(function (g, i) {
      var rows = rowsOf(data, g);
      var labels = pick(rows, "week");
      chart(band, "capacity-band-" + i, g + ": required vs available FTE", "line", labels,
            bandSets(rows, "", COLORS[0]), "FTE", undefined, false);
      chart(hires, "capacity-hires-" + i, g + ": hires starting, overtime and shortfall", "bar", labels, [
        { type: "bar", label: "hires starting", data: pick(rows, "hires_starting"), backgroundColor: "#2da44e" },
        { type: "line", label: "overtime FTE", data: pick(rows, "overtime_fte"), borderColor: "#bf8700", borderWidth: 1.5 },
        { type: "line", label: "expected shortfall FTE", data: pick(rows, "shortfall_fte"), borderColor: "#d1242f", borderWidth: 1.5 }
      ], "people / FTE");
      chart(risk, "capacity-risk-" + i, g + ": P(short-staffed)", "bar", labels, [
        { label: "probability short", data: pick(rows, "p_short"), backgroundColor: "rgba(209,36,47,0.6)" }
      ], "probability", 1);
    });
    band.setAttribute("data-rendered", String(data.groups.length));
    hires.setAttribute("data-rendered", String(data.groups.length));
    risk.setAttribute("data-rendered", String(data.groups.length));
  }

  function comparePage(data) {
    var box = document.getElementById("capacity-compare-charts");
    var first = data.plans[0];
    var drawn = 0;
    first.groups.forEach(function (g, i) {
      var sets = [];
      data.plans.forEach(function (plan, k) {
        var rows = rowsOf(plan, g);
        if (!rows.length) { return; }
        var name = (k === 0 ? "A" : "B") + ": ";
        sets.push({ label: name + "required FTE (mean)", data: pick(rows, "required_fte"), borderColor: COLORS[1 + 2 * k],
                    borderDash: k ? [6, 4] : [], borderWidth: 1.5 });
        sets.push({ label: name + "available FTE", data: pick(rows, "available_fte"), borderColor: COLORS[2 * k],
                    borderDash: k ? [6, 4] : [], borderWidth: 2 });
      });
      var labels = pick(rowsOf(first, g), "week");
      chart(box, "capacity-compare-" + i, g, "line", labels, sets, "FTE", undefined, false);
      drawn += 1;
    });
    box.setAttribute("data-rendered", String(drawn));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.getElementById("capacity-data");
    if (page) { capacityPage(JSON.parse(page.textContent)); }
    var compare = document.getElementById("capacity-compare-data");
    if (compare) { comparePage(JSON.parse(compare.textContent)); }
  });
}());

/*
 * Stridewell — wellbeing charts (uPlot): feeling over time, questionnaire trends.
 *
 * Plain ES2019, no build step. Needs vendor/uplot-1.6.32/uPlot.iife.min.js loaded first.
 * No external requests: the JSON comes from this site.
 *
 * Markup it reads:
 *   <div id="feeling-timeline" data-json-url="/checkins/timeline.json?days=90"
 *        data-timezone="Europe/London"></div>
 *     JSON: {day: [epoch s of local midnight], mean_feeling: [number|null],
 *            runs: [count], checkins: [[epoch s, feeling]], summary: "…"}
 *   <div id="questionnaire-trend" data-json-url="/questionnaires/trend.json?instrument=phq9"
 *        data-timezone="…"></div>
 *     JSON: {t: [epoch s], score: [], meaningful: [bool], bands: [{low, high, name}],
 *            min_score, max_score, name, summary}
 *
 * The text summaries are in the page (server-rendered); the charts are extra.
 * When finished (drawn, or failed) it sets window.stridewellChartsReady = true;
 * the chart element gets class "drawn" (or "load-failed" with a note).
 */
(function () {
  "use strict";

  var HALF_DAY = 43200;

  function cssVar(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name);
    v = v ? v.trim() : "";
    return v || fallback;
  }

  function colours() {
    return {
      accent: cssVar("--sw-accent", "#0f766e"),
      muted: cssVar("--sw-muted", "#5b6370"),
      grid: cssVar("--sw-border", "#dfe5e6"),
      band: cssVar("--sw-surface", "#f6f8f8"),
      bandAlt: cssVar("--sw-chip-bg", "#eef1f2"),
      run: cssVar("--sw-run-marker", "#b8a04a"),
      change: cssVar("--sw-change-marker", "#7b3294"),
      font: "12px " + cssVar("--pico-font-family-sans-serif", "system-ui, sans-serif"),
    };
  }

  function loadJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status + " for " + url);
        return resp.json();
      });
  }

  function tzDate(el) {
    var tz = el.dataset.timezone;
    if (!tz || !window.uPlot.tzDate) return undefined;
    return function (ts) { return window.uPlot.tzDate(new Date(ts * 1e3), tz); };
  }

  function width(el) {
    return Math.max(260, el.clientWidth || 300);
  }

  function height() {
    return window.matchMedia && window.matchMedia("(min-width: 768px)").matches ? 280 : 220;
  }

  function signed(v) {
    return v > 0 ? "+" + v : v < 0 ? "\u2212" + -v : "0";
  }

  // "12 Mar" under each tick, in the user's timezone.
  function xValues(el) {
    var toDate = tzDate(el) || function (ts) { return new Date(ts * 1e3); };
    var fmt = window.uPlot.fmtDate("{D} {MMM}");
    return function (u, splits) {
      return splits.map(function (v) { return v == null ? "" : fmt(toDate(v)); });
    };
  }

  function axes(el, c, yValues) {
    var common = { stroke: c.muted, font: c.font, grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1, size: 4 } };
    return [Object.assign({ values: xValues(el) }, common),
      Object.assign({ values: yValues, size: 40 }, common)];
  }

  function noPath() { return null; }

  // ---------- feeling over time ---------------------------------------------

  // One x array for the daily means (at local noon) and the check-ins.
  function timelineRows(data) {
    var rows = [];
    data.day.forEach(function (day, i) {
      if (data.mean_feeling[i] !== null) rows.push([day + HALF_DAY, data.mean_feeling[i], null]);
    });
    data.checkins.forEach(function (pair) { rows.push([pair[0], null, pair[1]]); });
    rows.sort(function (a, b) { return a[0] - b[0]; });
    return [0, 1, 2].map(function (k) { return rows.map(function (r) { return r[k]; }); });
  }

  function drawRunDays(data, c) {
    return function (u) {
      var ctx = u.ctx;
      var top = u.bbox.top;
      var bottom = u.bbox.top + u.bbox.height;
      ctx.save();
      ctx.strokeStyle = c.run;
      ctx.fillStyle = c.run;
      ctx.lineWidth = 1 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
      data.day.forEach(function (day, i) {
        if (!data.runs[i]) return;
        var x = Math.round(u.valToPos(day + HALF_DAY, "x", true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.stroke();
        var s = 5 * devicePixelRatio;
        ctx.fillRect(x - s / 2, bottom - s, s, s);
      });
      ctx.restore();
    };
  }

  function drawTimeline(el, data) {
    var c = colours();
    var first = data.day[0];
    var last = data.day[data.day.length - 1] + 2 * HALF_DAY;
    var opts = {
      width: width(el),
      height: height(),
      tzDate: tzDate(el),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, y: false },
      scales: { x: { time: true, range: function () { return [first, last]; } },
        y: { range: function () { return [-5.5, 5.5]; } } },
      axes: axes(el, c, function (u, splits) { return splits.map(signed); }),
      series: [
        {},
        { label: "Daily mean feeling", stroke: c.accent, width: 2, spanGaps: true,
          points: { show: true, size: 6, fill: c.accent } },
        { label: "Check-in", stroke: c.muted, paths: noPath,
          points: { show: true, size: 5, stroke: c.muted, fill: "transparent" } },
      ],
      hooks: { draw: [drawRunDays(data, c)] },
    };
    return new window.uPlot(opts, timelineRows(data), el);
  }

  // ---------- questionnaire trend -------------------------------------------

  function drawBands(data, c) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.font = c.font.replace("12px", 11 * devicePixelRatio + "px");
      data.bands.forEach(function (band, i) {
        var y0 = u.valToPos(band.high + 0.5, "y", true);
        var y1 = u.valToPos(band.low - 0.5, "y", true);
        ctx.fillStyle = i % 2 ? c.bandAlt : c.band;
        ctx.fillRect(u.bbox.left, y0, u.bbox.width, y1 - y0);
        ctx.fillStyle = c.muted;
        ctx.fillText(band.name, u.bbox.left + 4 * devicePixelRatio, y0 + 12 * devicePixelRatio);
      });
      ctx.restore();
    };
  }

  function xRange(data) {
    var lo = data.t[0];
    var hi = data.t[data.t.length - 1];
    var pad = Math.max((hi - lo) * 0.05, 7 * 2 * HALF_DAY);
    return [lo - pad, hi + pad];
  }

  function drawTrend(el, data) {
    var c = colours();
    var range = xRange(data);
    var marked = data.score.map(function (s, i) { return data.meaningful[i] ? s : null; });
    var opts = {
      width: width(el),
      height: height(),
      tzDate: tzDate(el),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, y: false },
      scales: { x: { time: true, range: function () { return range; } },
        y: { range: function () { return [data.min_score - 0.5, data.max_score + 0.5]; } } },
      axes: axes(el, c, function (u, splits) { return splits.map(String); }),
      series: [
        {},
        { label: data.name, stroke: c.accent, width: 2, points: { show: true, size: 7, fill: c.accent } },
        { label: "Meaningful change", stroke: c.change, paths: noPath,
          points: { show: true, size: 14, width: 2, stroke: c.change, fill: "transparent" } },
      ],
      hooks: { drawClear: [drawBands(data, c)] },
    };
    return new window.uPlot(opts, [data.t, data.score, marked], el);
  }

  // ---------- wiring ---------------------------------------------------------

  function failed(el, text) {
    el.classList.add("load-failed");
    var p = document.createElement("p");
    p.className = "charts-note";
    p.textContent = text;
    el.parentNode.insertBefore(p, el.nextSibling);
  }

  function followWidth(el, chart) {
    if (typeof ResizeObserver === "undefined") return;
    new ResizeObserver(function () {
      var w = width(el);
      if (w !== chart.width) chart.setSize({ width: w, height: height() });
    }).observe(el);
  }

  function mount(id, draw) {
    var el = document.getElementById(id);
    if (!el || !el.dataset.jsonUrl) return Promise.resolve();
    if (typeof window.uPlot === "undefined") {
      failed(el, "The chart could not be shown (chart library not loaded).");
      return Promise.resolve();
    }
    return loadJson(el.dataset.jsonUrl).then(
      function (data) {
        try {
          followWidth(el, draw(el, data));
          el.classList.add("drawn");
        } catch (err) {
          console.error("Stridewell chart:", err);
          failed(el, "The chart could not be shown.");
        }
      },
      function (err) {
        console.error("Stridewell chart:", err);
        failed(el, "The chart data could not be loaded.");
      }
    );
  }

  function init() {
    Promise.all([mount("feeling-timeline", drawTimeline), mount("questionnaire-trend", drawTrend)])
      .then(function () {
        window.stridewellChartsReady = true;
        document.dispatchEvent(new CustomEvent("stridewell:charts-ready"));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

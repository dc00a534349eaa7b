/*
 * Stridewell — run detail page: route map (Leaflet) and charts (uPlot).
 *
 * Plain ES2019, no build step. Needs, loaded before this file (all vendored):
 *   vendor/leaflet-1.9.4/leaflet.js (+ leaflet.css)      for #run-map
 *   vendor/uplot-1.6.32/uPlot.iife.min.js (+ uPlot.min.css) for #run-charts
 * The only external requests are the map tiles from data-tile-url.
 *
 * Markup it reads:
 *   <div id="run-map"
 *        data-streams-url="/runs/12/streams.json"       required
 *        data-tile-url="https://…/{z}/{x}/{y}.png"        optional (no tiles when empty)
 *        data-attribution="&copy; OpenStreetMap …"        optional, HTML
 *        data-leaflet-images="/static/vendor/leaflet-1.9.4/images/"  optional
 *        aria-label="Map of the route"></div>             optional (a default is set)
 *   <div id="run-charts"
 *        data-streams-url="…"     optional; falls back to #run-map's
 *        data-units="km|mi"       default km
 *        data-hide-numbers="1"    optional: draw shapes only, no axis numbers/read-outs
 *   ></div>
 *
 * Streams JSON: {"distance_m": [], "time_s": [], "pace_s_per_km": [], "hr": [],
 *                "ele_m": [], "cadence": [], "lat": [], "lon": []}
 * (arrays of equal length; null where missing; any key may be absent).
 *
 * When finished (drawn, or nothing to draw, or failed) it sets
 * window.stridewellReady = true. #run-map and #run-charts get class "drawn" when
 * drawn (also when there was nothing to draw and a note is shown), or "load-failed".
 */
(function () {
  "use strict";

  var KM = 1000;
  var MILE = 1609.344;

  // ---------- small helpers -------------------------------------------------

  function isNum(v) {
    return typeof v === "number" && isFinite(v);
  }

  function arr(data, key) {
    var a = data && data[key];
    return Array.isArray(a) ? a : [];
  }

  function cssVar(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name);
    v = v ? v.trim() : "";
    return v || fallback;
  }

  function note(afterEl, text, extraClass) {
    var p = document.createElement("p");
    p.className = "map-note" + (extraClass ? " " + extraClass : "");
    p.setAttribute("role", "note");
    p.textContent = text;
    afterEl.parentNode.insertBefore(p, afterEl.nextSibling);
    return p;
  }

  // 330 -> "5:30"; 3725 -> "1:02:05"
  function fmtDuration(sec) {
    if (!isNum(sec)) return "";
    var s = Math.round(sec);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var r = s % 60;
    var ss = (r < 10 ? "0" : "") + r;
    if (h > 0) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }

  function round(v, digits) {
    var f = Math.pow(10, digits || 0);
    return Math.round(v * f) / f;
  }

  function quantile(sorted, q) {
    if (!sorted.length) return null;
    var pos = (sorted.length - 1) * q;
    var lo = Math.floor(pos);
    var hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  function stats(values) {
    var nums = values.filter(isNum);
    if (!nums.length) return null;
    var sum = 0;
    var min = Infinity;
    var max = -Infinity;
    nums.forEach(function (v) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    var sorted = nums.slice().sort(function (a, b) { return a - b; });
    return { min: min, max: max, avg: sum / nums.length, sorted: sorted, count: nums.length };
  }

  // Centred moving average that keeps nulls as nulls (GPS pace is noisy).
  function smooth(values, win) {
    if (win <= 1) return values.slice();
    var half = Math.floor(win / 2);
    var out = new Array(values.length);
    for (var i = 0; i < values.length; i++) {
      if (!isNum(values[i])) { out[i] = null; continue; }
      var sum = 0;
      var n = 0;
      for (var j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
        if (isNum(values[j])) { sum += values[j]; n++; }
      }
      out[i] = sum / n;
    }
    return out;
  }

  var streamCache = {};
  function loadStreams(url) {
    if (!streamCache[url]) {
      streamCache[url] = fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status + " for " + url);
        return resp.json();
      });
    }
    return streamCache[url];
  }

  // Shared between map and charts: hovering a chart shows the spot on the map.
  var mapHover = null; // function(originalIndex | null)

  // ---------- map ------------------------------------------------------------

  function drawMap(el, data) {
    var lat = arr(data, "lat");
    var lon = arr(data, "lon");
    var points = [];
    var n = Math.min(lat.length, lon.length);
    for (var i = 0; i < n; i++) {
      var a = lat[i];
      var b = lon[i];
      if (isNum(a) && isNum(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180 && !(a === 0 && b === 0)) {
        points.push([a, b]);
      }
    }

    if (!points.length) {
      el.hidden = true;
      note(el, "No map for this run (no GPS)", "map-note-nogps");
      return;
    }
    if (typeof window.L === "undefined") {
      el.hidden = true;
      note(el, "The map could not be shown (map library not loaded).");
      return;
    }
    var L = window.L;

    if (el.dataset.leafletImages) {
      var path = el.dataset.leafletImages;
      L.Icon.Default.imagePath = path.charAt(path.length - 1) === "/" ? path : path + "/";
    }
    if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", "Map of the route");
    if (!el.hasAttribute("role")) el.setAttribute("role", "region");

    var map = L.map(el, {
      scrollWheelZoom: false, // don't hijack page scrolling; zoom with buttons/pinch
      attributionControl: true,
    });
    if (map.attributionControl) map.attributionControl.setPrefix(false);

    var tileUrl = el.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 19,
        attribution: el.dataset.attribution || "",
        crossOrigin: false,
      }).addTo(map);
    }

    var accent = cssVar("--sw-accent", "#0f766e");
    var ink = cssVar("--pico-color", "#373c44");
    var paper = cssVar("--pico-background-color", "#ffffff");

    var line = L.polyline(points, {
      color: accent,
      weight: 4,
      opacity: 0.9,
      lineJoin: "round",
      interactive: false,
    }).addTo(map);

    var start = points[0];
    var end = points[points.length - 1];
    L.circleMarker(start, {
      radius: 7, color: paper, weight: 2, fillColor: accent, fillOpacity: 1,
    }).bindTooltip("Start").addTo(map);
    L.circleMarker(end, {
      radius: 7, color: paper, weight: 2, fillColor: ink, fillOpacity: 1,
    }).bindTooltip("Finish").addTo(map);

    if (points.length === 1) {
      map.setView(start, 15);
    } else {
      map.fitBounds(line.getBounds(), { padding: [24, 24], maxZoom: 17 });
    }

    var hoverMarker = null;
    mapHover = function (idx) {
      if (idx == null || !isNum(lat[idx]) || !isNum(lon[idx])) {
        if (hoverMarker) { hoverMarker.remove(); hoverMarker = null; }
        return;
      }
      var ll = [lat[idx], lon[idx]];
      if (!hoverMarker) {
        hoverMarker = L.circleMarker(ll, {
          radius: 6, color: accent, weight: 3, fillColor: paper, fillOpacity: 1, interactive: false,
        }).addTo(map);
      } else {
        hoverMarker.setLatLng(ll);
      }
    };

    // Keep the map sized right when the layout changes (rotation, sidebars…).
    if (typeof ResizeObserver !== "undefined") {
      var pending = false;
      new ResizeObserver(function () {
        if (pending) return;
        pending = true;
        requestAnimationFrame(function () {
          pending = false;
          map.invalidateSize();
        });
      }).observe(el);
    }
  }

  // ---------- charts ---------------------------------------------------------

  var chartSeq = 0;

  function chartHeight() {
    return window.matchMedia && window.matchMedia("(min-width: 768px)").matches ? 220 : 180;
  }

  // Builds x (distance in km/mi) and the per-chart y arrays, keeping only the
  // samples that have a distance. Falls back to elapsed time when there is no
  // distance at all.
  function prepareSeries(data, units) {
    var dist = arr(data, "distance_m");
    var time = arr(data, "time_s");
    var pace = arr(data, "pace_s_per_km");
    var hr = arr(data, "hr");
    var ele = arr(data, "ele_m");
    var n = Math.max(dist.length, time.length, pace.length, hr.length, ele.length);

    var useDistance = dist.some(isNum);
    var useTime = !useDistance && time.some(isNum);
    if (!useDistance && !useTime) return null;

    var perUnit = units === "mi" ? MILE : KM;
    var xs = [];
    var idx = [];
    var last = -Infinity;
    for (var i = 0; i < n; i++) {
      var raw = useDistance ? dist[i] : time[i];
      if (!isNum(raw)) continue;
      var x = useDistance ? raw / perUnit : raw / 60;
      if (x < last) x = last; // uPlot needs x in ascending order; clamp GPS jitter
      last = x;
      xs.push(x);
      idx.push(i);
    }
    if (xs.length < 2) return null;

    function pick(src, fn) {
      return idx.map(function (i) {
        var v = src[i];
        return isNum(v) ? (fn ? fn(v) : v) : null;
      });
    }

    var paceFactor = units === "mi" ? MILE / KM : 1;
    return {
      xLabel: useDistance ? (units === "mi" ? "mi" : "km") : "min",
      xIsDistance: useDistance,
      x: xs,
      idx: idx,
      pace: pick(pace, function (v) { return v > 0 ? v * paceFactor : null; }),
      hr: pick(hr, function (v) { return v > 0 ? v : null; }),
      ele: pick(ele),
      // for an honest average pace: total time over total distance
      time: pick(time),
      dist: pick(dist),
    };
  }

  function averagePace(prep, units) {
    // seconds per unit from first/last samples having both time and distance
    var first = -1;
    var lastI = -1;
    for (var i = 0; i < prep.x.length; i++) {
      if (isNum(prep.time[i]) && isNum(prep.dist[i])) {
        if (first < 0) first = i;
        lastI = i;
      }
    }
    if (first < 0 || lastI <= first) return null;
    var dt = prep.time[lastI] - prep.time[first];
    var dd = prep.dist[lastI] - prep.dist[first];
    if (!(dt > 0 && dd > 0)) return null;
    return dt / (dd / (units === "mi" ? MILE : KM));
  }

  function buildChartDefs(prep, units, hideNumbers) {
    var paceUnit = units === "mi" ? "min/mi" : "min/km";
    var defs = [];
    var over = prep.xIsDistance ? "distance" : "time";

    var paceStats = stats(prep.pace);
    if (paceStats) {
      // Robust range: ignore the slowest/fastest 2% (stops, GPS spikes).
      var lo = quantile(paceStats.sorted, 0.02);
      var hi = quantile(paceStats.sorted, 0.98);
      if (hi - lo < 30) { var mid = (hi + lo) / 2; lo = mid - 15; hi = mid + 15; }
      var pad = (hi - lo) * 0.08;
      var avg = averagePace(prep, units);
      if (!isNum(avg)) avg = paceStats.avg;
      var win = Math.max(1, Math.round(prep.x.length / 150));
      // Stops and GPS spikes far outside the usual range become gaps, not cliffs.
      var cutSlow = hi + (hi - lo) * 0.5;
      var cutFast = lo - (hi - lo) * 0.5;
      var paceKept = prep.pace.map(function (v) {
        return isNum(v) && v <= cutSlow && v >= cutFast ? v : null;
      });
      var paceShown = smooth(paceKept, win);
      var keptStats = stats(paceKept) || paceStats;
      defs.push({
        key: "pace",
        title: "Pace",
        unit: paceUnit,
        values: paceShown,
        invert: true,
        range: [Math.max(0, lo - pad), hi + pad],
        fmt: fmtDuration,
        incrs: [5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800],
        label: "Pace over " + over,
        summary: hideNumbers
          ? "Pace chart over " + over + ". Numbers are hidden."
          : "Pace from " + fmtDuration(keptStats.max) + " to " +
            fmtDuration(keptStats.min) + " " + paceUnit + ", average " + fmtDuration(avg) +
            " " + paceUnit,
        fill: false,
      });
    }

    var hrStats = stats(prep.hr);
    if (hrStats) {
      defs.push({
        key: "hr",
        title: "Heart rate",
        unit: "bpm",
        values: prep.hr,
        invert: false,
        range: null,
        fmt: function (v) { return String(Math.round(v)); },
        label: "Heart rate over " + over,
        summary: hideNumbers
          ? "Heart rate chart over " + over + ". Numbers are hidden."
          : "Heart rate from " + Math.round(hrStats.min) + " to " + Math.round(hrStats.max) +
            " bpm, average " + Math.round(hrStats.avg),
        fill: false,
      });
    }

    var eleStats = stats(prep.ele);
    if (eleStats) {
      defs.push({
        key: "ele",
        title: "Elevation",
        unit: "m",
        values: prep.ele,
        invert: false,
        range: null,
        fmt: function (v) { return String(Math.round(v)); },
        label: "Elevation over " + over,
        summary: hideNumbers
          ? "Elevation chart over " + over + ". Numbers are hidden."
          : "Elevation from " + Math.round(eleStats.min) + " to " + Math.round(eleStats.max) +
            " m, average " + Math.round(eleStats.avg),
        fill: true,
      });
    }
    return defs;
  }

  function makeChart(container, prep, def, hideNumbers, syncKey) {
    var uPlot = window.uPlot;
    var id = "run-chart-" + def.key + "-" + ++chartSeq;

    var box = document.createElement("div");
    box.className = "chart chart-" + def.key;
    box.setAttribute("data-chart", def.key);

    var title = document.createElement("h3");
    title.className = "chart-title";
    title.textContent = def.title + " ";
    var unit = document.createElement("span");
    unit.className = "chart-unit";
    unit.textContent = "(" + def.unit + ")";
    title.appendChild(unit);
    var readout = document.createElement("span");
    readout.className = "chart-readout";
    readout.setAttribute("aria-hidden", "true");
    title.appendChild(readout);

    var plot = document.createElement("div");
    plot.className = "chart-plot";
    plot.setAttribute("role", "img");
    plot.setAttribute("aria-label", def.label);
    plot.setAttribute("aria-describedby", id + "-summary");

    var summary = document.createElement("p");
    summary.className = "visually-hidden chart-summary";
    summary.id = id + "-summary";
    summary.textContent = def.summary;

    box.appendChild(title);
    box.appendChild(plot);
    box.appendChild(summary);
    container.appendChild(box);

    var accent = cssVar("--sw-accent", "#0f766e");
    var muted = cssVar("--sw-muted", "#5b6370");
    var grid = cssVar("--sw-border", "#dfe5e6");
    var font = "12px " + cssVar("--pico-font-family-sans-serif", "system-ui, sans-serif");

    var noValues = function (u, splits) { return splits.map(function () { return ""; }); };

    var opts = {
      width: Math.max(200, plot.clientWidth || container.clientWidth || 300),
      height: chartHeight(),
      legend: { show: false },
      cursor: {
        sync: { key: syncKey },
        drag: { x: false, y: false },
        points: { size: 7, fill: accent },
        y: false,
      },
      scales: {
        x: { time: false },
        y: {
          dir: def.invert ? -1 : 1,
          range: def.range
            ? function () { return def.range; }
            : function (u, min, max) {
                if (min == null || max == null) return [0, 1];
                var span = max - min;
                var pad = Math.max(span * 0.1, def.key === "ele" ? 5 : 2);
                return [Math.floor(min - pad), Math.ceil(max + pad)];
              },
        },
      },
      axes: [
        {
          stroke: muted,
          font: font,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1, size: 4 },
          values: hideNumbers
            ? noValues
            : function (u, splits) {
                return splits.map(function (v) {
                  return v == null ? "" : String(round(v, 2));
                });
              },
          label: hideNumbers ? (prep.xIsDistance ? "Distance" : "Time") : prep.xLabel,
          labelSize: 18,
          labelFont: font,
          size: hideNumbers ? 8 : 30,
        },
        {
          stroke: muted,
          font: font,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1, size: 4 },
          values: hideNumbers
            ? noValues
            : function (u, splits) { return splits.map(function (v) { return v == null ? "" : def.fmt(v); }); },
          incrs: def.incrs,
          size: hideNumbers ? 8 : 44, // the unit is in the chart title
        },
      ],
      series: [
        {},
        {
          label: def.title,
          stroke: accent,
          width: 2,
          fill: def.fill ? hexToRgba(accent, 0.15) : undefined,
          spanGaps: false,
          points: { show: false },
        },
      ],
      hooks: {
        setCursor: [
          function (u) {
            var i = u.cursor.idx;
            if (i == null) {
              readout.textContent = "";
              if (mapHover) mapHover(null);
              return;
            }
            if (!hideNumbers) {
              var y = u.data[1][i];
              var x = u.data[0][i];
              readout.textContent = isNum(y)
                ? " — " + def.fmt(y) + " " + def.unit + " at " + round(x, 2) + " " + prep.xLabel
                : "";
            }
            if (mapHover) mapHover(prep.idx[i]);
          },
        ],
      },
    };

    var u = new uPlot(opts, [prep.x, def.values], plot);
    plot.addEventListener("mouseleave", function () {
      readout.textContent = "";
      if (mapHover) mapHover(null);
    });
    return { u: u, plot: plot };
  }

  function hexToRgba(color, alpha) {
    var m = /^#([0-9a-f]{6})$/i.exec(color);
    if (!m) return color;
    var n = parseInt(m[1], 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function drawCharts(el, data) {
    var units = el.dataset.units === "mi" ? "mi" : "km";
    var hideNumbers = el.dataset.hideNumbers === "1";
    if (hideNumbers) el.classList.add("charts-no-numbers");
    el.classList.add("charts");

    var prep = prepareSeries(data, units);
    var defs = prep ? buildChartDefs(prep, units, hideNumbers) : [];
    if (!defs.length) {
      var p = document.createElement("p");
      p.className = "charts-note";
      p.textContent = "No charts for this run (no distance, pace, heart rate or elevation samples).";
      el.appendChild(p);
      return;
    }
    if (typeof window.uPlot === "undefined") {
      var q = document.createElement("p");
      q.className = "charts-note";
      q.textContent = "The charts could not be shown (chart library not loaded).";
      el.appendChild(q);
      return;
    }

    var syncKey = "stridewell-run-" + Math.random().toString(36).slice(2);
    var charts = [];

    function build() {
      charts.forEach(function (c) { c.u.destroy(); });
      charts = [];
      while (el.firstChild) el.removeChild(el.firstChild);
      defs.forEach(function (def) {
        charts.push(makeChart(el, prep, def, hideNumbers, syncKey));
      });
    }
    build();

    // Follow the container's width.
    var lastWidth = 0;
    var lastHeight = chartHeight();
    function resize() {
      var h = chartHeight();
      charts.forEach(function (c) {
        var w = Math.max(200, c.plot.clientWidth);
        if (w !== c.u.width || h !== c.u.height) c.u.setSize({ width: w, height: h });
      });
      lastHeight = h;
    }
    if (typeof ResizeObserver !== "undefined") {
      var pending = false;
      new ResizeObserver(function (entries) {
        var w = entries[0] && entries[0].contentRect ? Math.round(entries[0].contentRect.width) : 0;
        if (w === lastWidth && chartHeight() === lastHeight) return;
        lastWidth = w;
        if (pending) return;
        pending = true;
        requestAnimationFrame(function () {
          pending = false;
          resize();
        });
      }).observe(el);
    } else {
      window.addEventListener("resize", resize);
    }

    // Colours come from CSS variables: redraw when the colour scheme flips.
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      var onChange = function () { build(); };
      if (mq.addEventListener) mq.addEventListener("change", onChange);
      else if (mq.addListener) mq.addListener(onChange);
    }
  }

  // ---------- wiring ---------------------------------------------------------

  function failed(el, msg) {
    if (!el) return;
    el.classList.add("load-failed");
    if (el.id === "run-map") {
      el.hidden = true;
      note(el, msg);
    } else {
      var p = document.createElement("p");
      p.className = "charts-note";
      p.textContent = msg;
      el.appendChild(p);
    }
  }

  function init() {
    var mapEl = document.getElementById("run-map");
    var chartsEl = document.getElementById("run-charts");
    var jobs = [];

    var mapUrl = mapEl && mapEl.dataset.streamsUrl;
    var chartsUrl = chartsEl && (chartsEl.dataset.streamsUrl || mapUrl);

    // Both fetch the same URL once (cached promise). Hovering a chart marks the
    // spot on the map once the map is drawn.
    if (mapEl && mapUrl) {
      jobs.push(
        loadStreams(mapUrl).then(
          function (data) {
            try {
              drawMap(mapEl, data);
              mapEl.classList.add("drawn");
            } catch (err) {
              console.error("Stridewell map:", err);
              failed(mapEl, "The map could not be shown.");
            }
          },
          function (err) {
            console.error("Stridewell map:", err);
            failed(mapEl, "The route could not be loaded.");
          }
        )
      );
    }
    if (chartsEl && chartsUrl) {
      jobs.push(
        loadStreams(chartsUrl).then(
          function (data) {
            try {
              drawCharts(chartsEl, data);
              chartsEl.classList.add("drawn");
            } catch (err) {
              console.error("Stridewell charts:", err);
              failed(chartsEl, "The charts could not be shown.");
            }
          },
          function (err) {
            console.error("Stridewell charts:", err);
            failed(chartsEl, "The chart data could not be loaded.");
          }
        )
      );
    }

    Promise.all(jobs).then(function () {
      window.stridewellReady = true;
      document.dispatchEvent(new CustomEvent("stridewell:ready"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

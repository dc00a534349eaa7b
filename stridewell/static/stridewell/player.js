/*
 * The small-steps session player (/steps/session/).
 *
 * Reads the session from the JSON island #session-data, asks "How do you feel?",
 * runs the intervals with spoken cues, beeps and vibration (so a phone in a pocket
 * still guides), keeps the screen awake, then asks again and saves the session
 * as a run through POST /api/v1/plan/sessions. A result that cannot be sent
 * (offline) waits in localStorage and goes out when the connection is back.
 *
 * Time comes from the wall clock (Date.now), never from counting ticks: a
 * backgrounded tab gets throttled timers, but the position is always right.
 * No inline scripts: the page will get a CSP without 'unsafe-inline'.
 */
(function () {
  "use strict";

  var API_URL = "/api/v1/plan/sessions";
  var QUEUE_KEY = "stridewell.pendingSessions";
  var TICK_MS = 250;
  var KIND_WORDS = { warmup: "Warm-up walk", walk: "Walk", run: "Run", cooldown: "Cool-down" };
  var KIND_SPOKEN = { warmup: "Warm-up walk for", walk: "Walk for", run: "Run for", cooldown: "Cool-down walk for" };

  var root = document.getElementById("player");
  var dataNode = document.getElementById("session-data");
  if (!root || !dataNode) return;
  var session = JSON.parse(dataNode.textContent);
  var intervals = session.intervals || [];
  var total = intervals.reduce(function (sum, iv) { return sum + iv.seconds; }, 0);

  var state = {
    stage: "before",
    feelingBefore: null,
    feelingAfter: null,
    effort: null,
    startedAt: null,     // wall-clock ms of the first start
    resumedAt: null,     // wall-clock ms of the last start/resume; null while paused
    banked: 0,           // ms run before the last pause
    index: -1,           // the interval we last cued
    halfwaySaid: false,
    completed: false,
    timer: null,
    wakeLock: null,
    audio: null,
  };

  function $(sel) { return root.querySelector(sel); }

  /* ---------- words ---------- */

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function durationWords(seconds) {
    if (seconds % 60 === 0) return plural(seconds / 60, "minute");
    if (seconds <= 120) return plural(seconds, "second");
    var minutes = Math.floor(seconds / 60);
    return plural(minutes, "minute") + " " + plural(seconds % 60, "second");
  }

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function cueFor(interval) { return KIND_SPOKEN[interval.kind] + " " + durationWords(interval.seconds); }

  /* ---------- cues: speech, beeps, vibration ---------- */

  function say(text) {
    var live = $("[data-role=spoken]");
    if (live) live.textContent = text;
    if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    window.speechSynthesis.speak(utterance);
  }

  function beep(count) {
    var ctx = state.audio;
    if (!ctx) return;
    try {
      for (var i = 0; i < count; i++) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        var at = ctx.currentTime + i * 0.3;
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
        osc.connect(gain).connect(ctx.destination);
        osc.start(at);
        osc.stop(at + 0.22);
      }
    } catch (e) { /* sound is a nicety; the spoken cue and the screen still guide */ }
  }

  function vibrate(pattern) {
    if (navigator.vibrate) navigator.vibrate(pattern);
  }

  /* ---------- wake lock ---------- */

  function keepAwake() {
    if (!("wakeLock" in navigator) || state.wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      state.wakeLock = lock;
      lock.addEventListener("release", function () { state.wakeLock = null; });
    }).catch(function () { /* low battery or not allowed: the cues still work */ });
  }

  function letSleep() {
    if (state.wakeLock) state.wakeLock.release().catch(function () {});
    state.wakeLock = null;
  }

  // The browser drops the lock when the page is hidden; take it again on return.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && state.stage === "running") {
      keepAwake();
      tick();
    }
  });

  /* ---------- timing ---------- */

  function elapsedMs() {
    return state.banked + (state.resumedAt === null ? 0 : Date.now() - state.resumedAt);
  }

  function position(seconds) {
    var start = 0;
    for (var i = 0; i < intervals.length; i++) {
      if (seconds < start + intervals[i].seconds) return { index: i, start: start };
      start += intervals[i].seconds;
    }
    return { index: intervals.length, start: total };
  }

  // "Last interval" only means something when there were several runs to count down.
  function lastRunIndex() {
    var runs = intervals.filter(function (iv) { return iv.kind === "run"; }).length;
    if (runs < 2) return -1;
    for (var i = intervals.length - 1; i >= 0; i--) if (intervals[i].kind === "run") return i;
    return -1;
  }

  function cueInterval(i) {
    var interval = intervals[i];
    if (i === lastRunIndex()) say("Last interval");
    say(cueFor(interval));
    beep(interval.kind === "run" ? 2 : 1);
    vibrate(interval.kind === "run" ? [200, 100, 200] : [300]);
  }

  function tick() {
    if (state.stage !== "running") return;
    var seconds = elapsedMs() / 1000;
    var at = position(seconds);
    if (at.index >= intervals.length) return finish(true);
    if (at.index !== state.index) {
      state.index = at.index;
      cueInterval(at.index);
    }
    if (!state.halfwaySaid && seconds >= total / 2) {
      state.halfwaySaid = true;
      say("Halfway");
    }
    render(seconds, at);
  }

  function render(seconds, at) {
    var interval = intervals[at.index];
    var next = intervals[at.index + 1];
    root.dataset.kind = interval.kind;
    $("[data-role=instruction]").textContent = KIND_WORDS[interval.kind];
    $("[data-role=interval-left]").textContent = clock(at.start + interval.seconds - seconds);
    $("[data-role=session-left]").textContent = clock(total - seconds);
    $("[data-role=next]").textContent = next
      ? KIND_WORDS[next.kind] + " for " + durationWords(next.seconds)
      : "That's the last one";
    $("[data-role=step-count]").textContent = (at.index + 1) + " of " + intervals.length;
    $("[data-role=progress]").value = Math.min(seconds, total);
  }

  /* ---------- stages ---------- */

  function show(stage) {
    state.stage = stage;
    root.dataset.stage = stage;
    var panels = root.querySelectorAll("[data-panel]");
    for (var i = 0; i < panels.length; i++) panels[i].hidden = panels[i].dataset.panel !== stage;
    var focus = root.querySelector("[data-panel=" + stage + "] h2");
    if (focus) focus.focus();
  }

  function start() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !state.audio) {
      try { state.audio = new Ctx(); } catch (e) { state.audio = null; }
    }
    state.startedAt = Date.now();
    state.resumedAt = state.startedAt;
    show("running");
    keepAwake();
    state.timer = window.setInterval(tick, TICK_MS);
    tick();
  }

  function pause() {
    if (state.resumedAt === null) return resume();
    state.banked = elapsedMs();
    state.resumedAt = null;
    root.dataset.paused = "true";
    $("[data-action=pause]").textContent = "Resume";
    $("[data-role=paused-note]").hidden = false;
    say("Paused");
  }

  function resume() {
    state.resumedAt = Date.now();
    root.dataset.paused = "false";
    $("[data-action=pause]").textContent = "Pause";
    $("[data-role=paused-note]").hidden = true;
    say("Carrying on");
    tick();
  }

  function finish(completed) {
    state.banked = Math.min(elapsedMs(), total * 1000);
    state.resumedAt = null;
    state.completed = completed;
    window.clearInterval(state.timer);
    letSleep();
    if (completed) {
      say("Well done — that's the session");
      beep(3);
      vibrate([200, 100, 200, 100, 400]);
    }
    $("[data-role=after-title]").textContent = completed
      ? "Well done — that's the session."
      : "Stopping is fine. Every bit counts.";
    show("after");
  }

  /* ---------- the result ---------- */

  function intervalsDone(seconds) {
    var done = [];
    var start = 0;
    for (var i = 0; i < intervals.length && start < seconds; i++) {
      var part = Math.min(intervals[i].seconds, Math.floor(seconds - start));
      if (part > 0) done.push({ kind: intervals[i].kind, seconds: part });
      start += intervals[i].seconds;
    }
    return done;
  }

  function result() {
    var seconds = Math.floor(state.banked / 1000);
    return {
      step: session.step,
      started_at: new Date(state.startedAt).toISOString(),
      completed_seconds: seconds,
      completed: state.completed,
      feeling_before: state.feelingBefore,
      feeling_after: state.feelingAfter,
      effort: state.effort,
      intervals: intervalsDone(seconds),
    };
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta && meta.content) return meta.content;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(body) {
    return fetch(API_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server");
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    });
  }

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }

  function writeQueue(items) {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); } catch (e) { /* private mode */ }
  }

  // Idempotent on (user, started_at), so sending twice never doubles a run.
  function flushQueue() {
    var items = readQueue();
    if (!items.length || !navigator.onLine) return;
    writeQueue([]);
    items.forEach(function (item) {
      send(item).then(function (answer) {
        if (answer.ok) announceSaved(answer.json, "The session you did offline is saved now.");
      }).catch(function () { writeQueue(readQueue().concat([item])); });
    });
  }

  function announceSaved(run, words) {
    var box = $("[data-role=saved]");
    if (!box) return;
    box.querySelector("[data-role=saved-words]").textContent = words;
    var link = box.querySelector("a");
    link.href = "/runs/" + run.id + "/";
    link.hidden = false;
    show("saved");
  }

  function save() {
    var body = result();
    var button = $("[data-action=save]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    send(body).then(function (answer) {
      if (!answer.ok) throw new Error("refused");
      announceSaved(answer.json, "It's in your runs now. Thank you for looking after yourself today.");
    }).catch(function (error) {
      if (error && error.message === "refused") {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        $("[data-role=save-problem]").hidden = false;
        return;
      }
      writeQueue(readQueue().concat([body]));
      var box = $("[data-role=saved]");
      box.querySelector("[data-role=saved-words]").textContent =
        "We couldn't reach Stridewell just now (offline?), so this session waits safely on your phone. It will be saved as soon as the connection is back.";
      box.querySelector("a").hidden = true;
      show("saved");
    });
  }

  /* ---------- wiring ---------- */

  function chooseIn(group, value, key) {
    var buttons = root.querySelectorAll("[data-scale=" + group + "] button");
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].dataset.value === String(value) && state[key] !== value;
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    state[key] = state[key] === value ? null : value;  // a second tap takes it back
  }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target || !root.contains(target)) return;
    var scale = target.closest("[data-scale]");
    if (scale) {
      var key = scale.dataset.key;
      return chooseIn(scale.dataset.scale, Number(target.dataset.value), key);
    }
    var action = target.dataset.action;
    if (action === "start") start();
    else if (action === "pause") pause();
    else if (action === "stop") finish(false);
    else if (action === "save") save();
  });

  window.addEventListener("online", flushQueue);
  flushQueue();

  if ("serviceWorker" in navigator && root.dataset.sw) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope }).catch(function () {
      /* offline support is a bonus; the player works without it */
    });
  }

  // For people (and tests) who want to look inside; nothing here is needed to use the page.
  window.stridewellPlayer = { state: state, result: result, total: total };

  show("before");
  if (intervals.length) render(0, { index: 0, start: 0 });
})();

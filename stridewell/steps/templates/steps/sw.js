{% load static %}/*
 * Service worker for /steps/: the session player keeps working offline once loaded.
 * Served by stridewell/steps/pwa.py from /steps/sw.js so its scope covers /steps/.
 * Pages: network first, the cached copy when offline. Our static files: cache first
 * (the cache name carries a hash of them, so a new release replaces the cache).
 * Everything else (the API, other pages) goes straight to the network.
 */
"use strict";

var CACHE = "stridewell-steps-{{ version }}";
var STATIC = [
  "{% static 'vendor/pico-2.1.1.min.css' %}",
  "{% static 'stridewell/app.css' %}",
  "{% static 'stridewell/community.css' %}",
  "{% static 'vendor/htmx-2.0.11.min.js' %}",
  "{% static 'stridewell/player.css' %}",
  "{% static 'stridewell/player.js' %}",
  "{% static 'stridewell/icons/icon-192.png' %}",
  "{% static 'stridewell/icons/icon-512.png' %}",
  "{% static 'stridewell/icons/icon-maskable-512.png' %}",
];
var PAGES = ["{{ session_url }}", "{{ manifest_url }}"];
var STATIC_PREFIX = "{% get_static_prefix %}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // A page that fails (signed out) must not stop the static files from caching.
      var pages = PAGES.map(function (url) { return cache.add(url).catch(function () {}); });
      return Promise.all([cache.addAll(STATIC)].concat(pages));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("stridewell-steps-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || PAGES.indexOf(url.pathname) !== -1) {
    event.respondWith(networkFirst(request));
  }
});

// Service worker: keeps the issues and documents a reader has opened, and
// the site's assets, so they stay readable offline. Pages are fetched from
// the network first (they are small and may be newer), from the cache when
// offline; hashed assets never change and are served from the cache.
"use strict";
var VERSION = "[[asset "site.css"]][[asset "app.js"]][[asset "suggest.js"]]";
var ASSETS = "assets-" + VERSION;
var PAGES = "pages";
var MAX_PAGES = 200;
var PRECACHE = ["[[asset "site.css"]]", "[[asset "print.css"]]", "[[asset "app.js"]]", "[[asset "suggest.js"]]", "[[asset "theme.js"]]", "[[asset "icon.svg"]]", "/"];

function keepable(url) {
  return url.origin === self.location.origin &&
    /^\/(issues\/\d{4}\/s?\d+|documents\/[\d-s]+|years(\/\d{4})?)?$/.test(url.pathname);
}

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(ASSETS).then(function (c) { return c.addAll(PRECACHE); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== ASSETS && k !== PAGES; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function trim(cache) {
  return cache.keys().then(function (keys) {
    if (keys.length <= MAX_PAGES) return;
    return Promise.all(keys.slice(0, keys.length - MAX_PAGES).map(function (k) { return cache.delete(k); }));
  });
}

function keep(req, res) {
  if (!res || res.status !== 200) return;
  var copy = res.clone();
  caches.open(PAGES).then(function (c) { return c.put(req, copy).then(function () { return trim(c); }); });
}

self.addEventListener("message", function (e) {
  var path = e.data && e.data.keep;
  if (typeof path !== "string") return;
  var url = new URL(path, self.location.origin);
  if (!keepable(url)) return;
  e.waitUntil(fetch(url.href).then(function (res) { keep(new Request(url.href), res); }).catch(function () {}));
});

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        var copy = res.clone();
        if (res.status === 200) caches.open(ASSETS).then(function (c) { c.put(req, copy); });
        return res;
      });
    }));
    return;
  }
  if (!keepable(url)) return;
  e.respondWith(fetch(req).then(function (res) {
    keep(new Request(url.origin + url.pathname), res);
    return res;
  }).catch(function () {
    return caches.match(url.origin + url.pathname).then(function (hit) {
      return hit || new Response(
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>离线</title><p>您已离线，这一页尚未保存。</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  }));
});

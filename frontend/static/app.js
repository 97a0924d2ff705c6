// Progressive enhancement: the theme toggle, text size, and offline reading.
// Every page works without it.
(function () {
  "use strict";
  var root = document.documentElement;
  function store(k, v) { try { localStorage.setItem(k, v); } catch (e) {} }
  function isDark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    var label = function () {
      var d = isDark();
      toggle.textContent = d ? "浅色" : "深色";
      toggle.setAttribute("aria-pressed", d ? "true" : "false");
      toggle.setAttribute("aria-label", d ? "切换到浅色模式" : "切换到深色模式");
    };
    label();
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store("theme", next);
      label();
    });
  }
  var size = 0;
  for (var i = -1; i <= 3; i++) if (root.classList.contains("fs-" + i)) size = i;
  Array.prototype.forEach.call(document.querySelectorAll(".size-btn"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var n = Math.max(-1, Math.min(3, size + parseInt(b.getAttribute("data-size"), 10)));
      root.classList.remove("fs-" + size);
      size = n;
      if (n) root.classList.add("fs-" + n);
      store("docSize", String(n));
    });
  });
  var mark = document.querySelector(".highlighted mark");
  if (mark && !location.hash) mark.scrollIntoView({ block: "center" });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      // The page that installed the worker was fetched before it ran:
      // ask it to keep this page too.
      if (reg.active) reg.active.postMessage({ keep: location.pathname });
    }).catch(function () {});
  }
})();

// Progressive enhancement of a document's citation box: a copy button, the
// access date brought up to today, and the citation of one article (from
// the form, or from an #art-N in the address) without leaving the page.
// Without it the citation is selectable text and the form leads to it.
(function () {
  "use strict";
  var box = document.getElementById("cite-text");
  if (!box) return;
  var btn = document.querySelector(".cite-copy");
  var status = document.querySelector(".cite-status");
  var form = document.querySelector(".cite-article");
  var exports = document.querySelectorAll(".cite-tools a[download]");
  var bases = Array.prototype.map.call(exports, function (a) { return a.getAttribute("href"); });
  function today() {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    } catch (e) { return box.getAttribute("data-accessed"); }
  }
  function say(msg) { if (status) status.textContent = msg; }
  function fresh() {
    var was = box.getAttribute("data-accessed"), now = today();
    if (was && now && was !== now) {
      box.textContent = box.textContent.replace("［" + was + "］", "［" + now + "］");
      box.setAttribute("data-accessed", now);
    }
    return box.textContent;
  }
  function selectBox() {
    var r = document.createRange();
    r.selectNodeContents(box);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }
  function fallback() {
    selectBox();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) {}
    say(ok ? "已复制" : "已选中，请按复制键");
  }
  if (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var text = fresh();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { say("已复制"); }, fallback);
      } else {
        fallback();
      }
    });
  }
  function cite(n) {
    var q = n ? "?article=" + n : "";
    fetch(box.getAttribute("data-txt") + q, { headers: { Accept: "text/plain" } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.text();
    }).then(function (t) {
      box.textContent = t.trim();
      box.setAttribute("data-accessed", (t.match(/［(\d{4}-\d{2}-\d{2})］/) || [])[1] || "");
      Array.prototype.forEach.call(exports, function (a, i) { a.setAttribute("href", bases[i] + q); });
      say(n ? "已生成第" + n + "条的引用" : "");
    }).catch(function () { say(n ? "本文没有第" + n + "条" : ""); });
  }
  function fromHash() {
    var m = /^#art-(\d{1,4})$/.exec(location.hash);
    if (m) cite(m[1]);
  }
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var n = parseInt(form.elements.article.value, 10);
      if (n > 0) cite(n);
    });
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();

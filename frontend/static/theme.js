// Applies the reader's saved theme and text size before the page paints.
(function () {
  try {
    var t = localStorage.getItem("theme");
    if (t === "dark" || t === "light") document.documentElement.setAttribute("data-theme", t);
    var s = parseInt(localStorage.getItem("docSize") || "0", 10);
    if (s) document.documentElement.classList.add("fs-" + s);
  } catch (e) { /* storage disabled: defaults apply */ }
})();

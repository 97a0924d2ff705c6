// Suggestions under the search box, as people type: titles and 文号 from
// GET /api/v1/suggest, each a link to its document. Progressive
// enhancement: without this script the form searches exactly as before.
//
// A listbox of links (the ARIA 1.2 combobox pattern) rather than a native
// <datalist>: a datalist option cannot be a link (choosing one only puts
// the title into the box, which then searches for it instead of opening
// the document), cannot show the 文号 and validity beside the title, and
// browsers filter its options again by rules of their own.
(function () {
  "use strict";
  var seq = 0;
  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), function (input) {
    var form = input.form, row = input.parentNode, id = input.id + "-suggest";
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "联想");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "vh";
    status.setAttribute("role", "status");
    row.parentNode.insertBefore(list, row.nextSibling);
    row.parentNode.insertBefore(status, list.nextSibling);
    form.classList.add("has-suggest");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    var active = -1, timer = 0, ctrl = null, shown = "";

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function mark(el, text, typed) {
      var i = typed ? text.indexOf(typed) : -1;
      if (i < 0) { el.textContent = text; return; }
      var m = document.createElement("mark");
      m.textContent = typed;
      el.append(text.slice(0, i), m, text.slice(i + typed.length));
    }
    function render(items, typed) {
      list.textContent = "";
      list.setAttribute("data-for", typed); // what the list answers (tests wait on it)
      items.forEach(function (s, i) {
        var li = document.createElement("li"), a = document.createElement("a");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        a.href = "/documents/" + encodeURIComponent(s.id);
        a.tabIndex = -1;
        var t = document.createElement("span");
        t.className = "sg-title";
        mark(t, s.title, typed);
        a.appendChild(t);
        var meta = [];
        if (s.doc_number) meta.push(s.doc_number);
        // Titles recur from year to year: the date tells them apart.
        if (s.published_date) meta.push(s.published_date);
        if (s.validity !== "in_force") meta.push(s.validity_label);
        if (meta.length) {
          var m = document.createElement("span");
          m.className = "sg-meta";
          mark(m, meta.join(" · "), typed);
          a.appendChild(m);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = items.length ? items.length + " 条联想，按上下键选择" : "";
    }
    function move(to) {
      var n = list.children.length;
      if (!n) return;
      if (active >= 0) list.children[active].setAttribute("aria-selected", "false");
      active = (to + n) % n;
      var li = list.children[active];
      li.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    }
    function fetchFor(text) {
      if (ctrl) ctrl.abort();
      ctrl = window.AbortController ? new AbortController() : null;
      var mine = ++seq;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(text), { signal: ctrl && ctrl.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (d) {
          if (mine !== seq || input.value.trim() !== text) return;
          shown = text;
          render(d.suggestions || [], text);
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      // Fewer than two characters match too much to help; the server
      // answers them with nothing anyway.
      if (Array.from(text).length < 2) { seq++; shown = ""; close(); return; }
      if (text === shown && list.children.length) { list.hidden = false; return; }
      timer = setTimeout(function () { fetchFor(text); }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.isComposing) return; // the IME's own keys (拼音 candidates)
      var open = !list.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!list.children.length) return;
        e.preventDefault();
        if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        move(e.key === "ArrowDown" ? active + 1 : (active < 0 ? -1 : active - 1));
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault();
        location.href = list.children[active].firstChild.href;
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        close();
      }
    });
    // A tap or click on a suggestion follows its link; mousedown would
    // blur the box first and close the list under the finger.
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    // Closed a moment after the box loses focus, unless focus came back
    // meanwhile (a tap on the page around it, a screenshot): closing then
    // would drop the choice made with the arrow keys under the next Enter.
    input.addEventListener("blur", function () {
      setTimeout(function () { if (document.activeElement !== input) close(); }, 150);
    });
    // Enter on a chosen suggestion opens it, however the browser delivers
    // that Enter: some submit the form without the keydown above seeing it.
    form.addEventListener("submit", function (e) {
      if (!list.hidden && active >= 0) {
        e.preventDefault();
        location.href = list.children[active].firstChild.href;
        return;
      }
      close();
    });
  });
})();

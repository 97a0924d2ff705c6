// The /verify page: hash the chosen file in the browser (Web Crypto) and
// ask the server only about its SHA-256. Without Web Crypto (an insecure
// origin, an old browser) the form posts the file instead.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var input = document.getElementById("verify-file");
  var drop = document.getElementById("verify-drop");
  var out = document.getElementById("verify-result");
  if (!form || !input || !out || !window.crypto || !window.crypto.subtle || !window.fetch) {
    return;
  }
  function hex(buf) {
    var b = new Uint8Array(buf), s = "";
    for (var i = 0; i < b.length; i++) {
      s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
    }
    return s;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function show(r) {
    out.textContent = "";
    var box = el("div", "", r.verified ? "verify-ok" : "verify-bad");
    var p = el("p");
    p.appendChild(el("strong", r.message));
    box.appendChild(p);
    var dl = el("dl");
    function row(k, v) {
      dl.appendChild(el("dt", k));
      var dd = el("dd");
      if (typeof v === "string") { dd.textContent = v; } else { dd.appendChild(v); }
      dl.appendChild(dd);
    }
    row("SHA-256", el("code", r.sha256));
    if (r.verified) {
      row("内容", (r.objects || []).join("、"));
      var a = el("a", r.subject);
      a.href = r.subject_url;
      var reg = el("span");
      reg.appendChild(a);
      reg.appendChild(document.createTextNode("，日志第 " + r.index + " 条（共 " + r.tree_size + " 条）"));
      row("登记", reg);
      row("签名", r.origin + "，密钥 " + r.key_id);
      var d = el("a", "下载证明（.tlog-proof）");
      d.href = r.proof_url;
      d.setAttribute("download", "");
      row("证明", d);
    }
    box.appendChild(dl);
    out.appendChild(box);
  }
  function check(file) {
    if (!file) { return; }
    out.textContent = "正在计算 " + file.name + " 的 SHA-256……";
    file.arrayBuffer().then(function (buf) {
      return window.crypto.subtle.digest("SHA-256", buf);
    }).then(function (d) {
      return fetch("/api/v1/verify?sha256=" + hex(d), { headers: { Accept: "application/json" } });
    }).then(function (resp) {
      if (!resp.ok) { throw new Error(resp.status); }
      return resp.json();
    }).then(show).catch(function () {
      out.textContent = "";
      out.appendChild(el("p", "核验没有完成，请重试，或直接提交表单。", "verify-bad"));
    });
  }
  form.addEventListener("submit", function (ev) {
    if (input.files && input.files[0]) {
      ev.preventDefault();
      check(input.files[0]);
    }
  });
  input.addEventListener("change", function () { check(input.files[0]); });
  if (drop) {
    drop.addEventListener("dragover", function (ev) { ev.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (ev) {
      ev.preventDefault();
      drop.classList.remove("over");
      if (ev.dataTransfer && ev.dataTransfer.files[0]) { check(ev.dataTransfer.files[0]); }
    });
  }
})();

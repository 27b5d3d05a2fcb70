// Posts: the editor's checks as you type. The form's fields (text,
// per-account variants, chosen accounts, the 型) go to POST /posts/check,
// which answers each account's length, problems and risk findings, and
// what keeps the draft from being finished (placeholders, unfilled slots,
// the images its 型's format needs). Files chosen for the first save are
// described (name, type, size), not uploaded, so the networks' media rules
// are checked before anything is sent.
(function () {
  "use strict";
  var form = document.querySelector("form[data-post-form]");
  if (!form) return;
  var box = form.querySelector("[data-live-check]");
  var list = form.querySelector("[data-live-lines]");
  var unfinished = form.querySelector("[data-live-unfinished]");
  var unfinishedList = form.querySelector("[data-live-unfinished-lines]");
  var files = form.querySelector("input[data-post-media]");
  var timer = null;
  var seq = 0;

  function text(el, s) { el.textContent = s; return el; }

  function render(rep) {
    list.innerHTML = "";
    unfinishedList.innerHTML = "";
    var open = rep.unfinished || [];
    if (rep.error) open = [rep.error];
    open.forEach(function (s) {
      unfinishedList.appendChild(text(document.createElement("li"), s));
    });
    unfinished.hidden = open.length === 0;
    (rep.targets || []).forEach(function (t) {
      var li = document.createElement("li");
      li.className = t.valid ? "ok" : "ng";
      var head = document.createElement("strong");
      text(head, t.account + " (" + t.network + ")");
      li.appendChild(head);
      if (t.limit) li.appendChild(document.createTextNode(" " + t.length + " / " + t.limit));
      t.problems.concat(t.risks).forEach(function (p, i) {
        li.appendChild(document.createElement("br"));
        var span = document.createElement("span");
        span.className = i < t.problems.length ? "field-error" : "risk";
        li.appendChild(text(span, p));
      });
      list.appendChild(li);
    });
    box.hidden = !((rep.targets && rep.targets.length) || open.length);
  }

  function chosen() { return files && files.files ? Array.prototype.slice.call(files.files) : []; }

  function check() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (v, k) {
      if (typeof v === "string") data.append(k, v);
    });
    chosen().forEach(function (f) {
      data.append("media_name", f.name);
      data.append("media_type", f.type);
      data.append("media_size", String(f.size));
    });
    var mine = ++seq;
    fetch("/posts/check", { method: "POST", body: data, credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" } })
      .then(function (r) { return r.json(); })
      .then(function (rep) { if (mine === seq) render(rep); })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  check();
})();

// Posts: choosing a slot sets the time to the slot's, unless a time of
// one's own was typed.
(function () {
  "use strict";
  var sel = document.querySelector("select[data-slot-select]");
  var at = document.querySelector("form[data-post-form] input[name=scheduled_at]");
  if (!sel || !at) return;
  function local() {
    var o = sel.options[sel.selectedIndex];
    return (o && o.getAttribute("data-local")) || "";
  }
  var was = local();
  sel.addEventListener("change", function () {
    var now = local();
    if (now && (at.value === "" || at.value === was)) at.value = now;
    was = now;
  });
})();

// Posts: the editor's checks as you type. The form's fields (text,
// per-account variants, chosen accounts) go to POST /posts/check, which
// answers each account's length, problems and risk findings.
(function () {
  "use strict";
  var form = document.querySelector("form[data-post-form]");
  if (!form) return;
  var box = form.querySelector("[data-live-check]");
  var list = form.querySelector("[data-live-lines]");
  var timer = null;
  var seq = 0;

  function text(el, s) { el.textContent = s; return el; }

  function render(rep) {
    list.innerHTML = "";
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
    box.hidden = !(rep.targets && rep.targets.length);
  }

  function check() {
    var data = new URLSearchParams(new FormData(form));
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

// Soroe: company material. A file over the size limit is refused before it
// is sent; the submit button says the upload is under way; and while a
// material is being read, the parts of the page marked data-live refresh
// every few seconds until it is done. The pages work without it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var input = form.querySelector('input[type="file"]');
    var msg = form.querySelector("[data-size-error]");
    var fits = function () {
      var f = input && input.files && input.files[0];
      var ok = !(f && max > 0 && f.size > max);
      if (msg) msg.hidden = ok;
      if (input) input.setCustomValidity(ok ? "" : (msg ? msg.textContent : "too large"));
      return ok;
    };
    if (input) input.addEventListener("change", fits);
    form.addEventListener("submit", function (ev) {
      if (!fits()) ev.preventDefault();
    });
  });
  // Busy buttons: disabled once their form is on its way (a second click
  // would upload or fetch twice).
  document.querySelectorAll("button[data-busy]").forEach(function (btn) {
    btn.form && btn.form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) return;
      setTimeout(function () {
        btn.disabled = true;
        btn.textContent = btn.getAttribute("data-busy");
      }, 0);
    });
  });

  if (!document.querySelector("[data-live]") || !window.fetch || !window.DOMParser) return;
  var delay = 3000, rounds = 0;
  var tick = function () {
    if (!document.querySelector("[data-processing]") || ++rounds > 600) return;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var fresh = el.id && doc.getElementById(el.id);
          if (fresh) el.replaceWith(document.importNode(fresh, true));
        });
        setTimeout(tick, delay);
      })
      .catch(function () { setTimeout(tick, delay * 3); });
  };
  setTimeout(tick, delay);
})();

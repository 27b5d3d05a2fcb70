// Soroe: the calendar. A post that may be moved is dragged to another day;
// on drop it is sent to POST /calendar/posts/{id}/move with the day (its
// local time of day stays), and put back with the server's message when
// the move is refused. Without this script every post has a "change date"
// form that does the same.
(function () {
  "use strict";
  var cal = document.querySelector("[data-calendar]");
  if (!cal || !window.fetch || !window.URLSearchParams) return;
  var status = document.getElementById("cal-status");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var dragged = null, home = null, before = null, over = null;

  var say = function (msg, bad) {
    if (!status) return;
    status.textContent = msg || "";
    status.hidden = !msg;
    status.classList.toggle("bad", !!bad);
  };
  var dayOf = function (el) { return el && el.closest ? el.closest("[data-date]") : null; };
  var mark = function (day) {
    if (over === day) return;
    if (over) over.classList.remove("drop-target");
    over = day;
    if (over) over.classList.add("drop-target");
  };
  var refresh = function (day) {
    if (!day) return;
    day.classList.toggle("no-items", !day.querySelector(".cal-items > li"));
  };
  // place puts a card into a day's list in time order.
  var place = function (card, list) {
    var t = (card.querySelector(".cal-time") || {}).textContent || "";
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      var other = (items[i].querySelector(".cal-time") || {}).textContent || "";
      if (items[i] !== card && other > t) {
        list.insertBefore(card, items[i]);
        return;
      }
    }
    list.appendChild(card);
  };

  cal.addEventListener("dragstart", function (ev) {
    var card = ev.target && ev.target.closest ? ev.target.closest("[data-move]") : null;
    if (!card) return;
    dragged = card;
    home = card.parentNode;
    before = card.nextSibling;
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", card.getAttribute("data-post") || "");
    card.classList.add("dragging");
  });
  cal.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    mark(null);
  });
  cal.addEventListener("dragover", function (ev) {
    var day = dayOf(ev.target);
    if (!dragged || !day) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = "move";
    mark(day);
  });
  cal.addEventListener("dragleave", function (ev) {
    if (over && !over.contains(ev.relatedTarget)) mark(null);
  });
  cal.addEventListener("drop", function (ev) {
    var day = dayOf(ev.target);
    if (!dragged || !day) return;
    ev.preventDefault();
    mark(null);
    var card = dragged, from = home, next = before, fromDay = dayOf(from);
    dragged = null;
    card.classList.remove("dragging");
    if (fromDay === day) return;
    var list = day.querySelector(".cal-items");
    place(card, list);
    refresh(day);
    refresh(fromDay);
    card.classList.add("moving");
    var body = new URLSearchParams();
    body.set("date", day.getAttribute("data-date"));
    body.set("csrf_token", token);
    var back = function (msg) {
      if (next && next.parentNode === from) from.insertBefore(card, next);
      else from.appendChild(card);
      refresh(day);
      refresh(fromDay);
      say(msg || cal.getAttribute("data-error"), true);
    };
    fetch(card.getAttribute("data-move"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token },
      body: body.toString()
    }).then(function (res) {
      return res.json().then(function (j) { return { ok: res.ok, j: j }; }, function () { return { ok: false, j: {} }; });
    }).then(function (r) {
      card.classList.remove("moving");
      if (!r.ok || !r.j.ok) {
        back(r.j.message);
        return;
      }
      var time = card.querySelector(".cal-time");
      if (time && r.j.local) time.textContent = r.j.local;
      var at = card.querySelector('input[name="at"]');
      if (at && r.j.at_local) at.value = r.j.at_local;
      place(card, list);
      say(r.j.message, false);
    }).catch(function () {
      card.classList.remove("moving");
      back(cal.getAttribute("data-offline"));
    });
  });
})();

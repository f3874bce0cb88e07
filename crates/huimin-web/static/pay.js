// The page a patient returns to from paying: an element with data-poll="<url>" asks that
// address (the order's status as JSON) every 1.5 s while its status is data-poll-while, then
// reloads the page, which shows the outcome. Without scripts a <noscript> refresh and a
// "refresh" link do the same. It gives up after ten minutes (the order expires before that)
// or when the answer is not 200 (signed out, not this visitor's order).
(function () {
  document.querySelectorAll("[data-poll]").forEach(function (el) {
    if (!window.fetch) return;
    var url = el.getAttribute("data-poll");
    var waiting = el.getAttribute("data-poll-while");
    var until = Date.now() + 10 * 60 * 1000;
    var ask = function () {
      if (Date.now() > until) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          if (data.status !== waiting) { window.location.reload(); return; }
          setTimeout(ask, 1500);
        })
        .catch(function () { setTimeout(ask, 1500); });
    };
    setTimeout(ask, 1500);
  });
})();

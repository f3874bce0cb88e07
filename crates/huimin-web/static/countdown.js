// Countdowns: an element with data-countdown="<seconds left>" counts down each second as m:ss
// from when the page loaded (the server's count, so a phone's wrong clock does not matter), then
// shows its data-expired text. Without scripts the page shows the time left when it loaded and
// the moment the hold lapses.
(function () {
  var loaded = Date.now();
  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var total = parseInt(el.getAttribute("data-countdown"), 10) || 0;
    var tick = function () {
      var left = total - Math.floor((Date.now() - loaded) / 1000);
      if (left <= 0) {
        el.textContent = el.getAttribute("data-expired");
        el.classList.add("expired");
        return false;
      }
      var seconds = left % 60;
      el.textContent = Math.floor(left / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
      return true;
    };
    if (tick()) {
      var timer = setInterval(function () { if (!tick()) clearInterval(timer); }, 1000);
    }
  });
})();

// Live parts of a page: an element with data-live="<url>" receives JSON events; every child
// with data-field="<name>" shows that field, data-show-when="<field>=<value>" toggles, and
// data-reload-when="<field>=<value>" reloads the page (the state moved on).
(function () {
  document.querySelectorAll("[data-live]").forEach(function (root) {
    if (!window.EventSource) return;
    var source = new EventSource(root.getAttribute("data-live"));
    source.onmessage = function (message) {
      var data = JSON.parse(message.data);
      root.querySelectorAll("[data-field]").forEach(function (el) {
        var value = data[el.getAttribute("data-field")];
        if (value !== undefined && value !== null) el.textContent = value;
      });
      root.querySelectorAll("[data-show-when]").forEach(function (el) {
        var rule = el.getAttribute("data-show-when").split("=");
        el.hidden = String(data[rule[0]]) !== rule[1];
      });
      var reload = root.getAttribute("data-reload-when");
      if (reload) {
        var r = reload.split("=");
        if (String(data[r[0]]) === r[1]) window.location.reload();
      }
    };
  });
})();
// data-live-parts="<url>": each event after the first refreshes the page's [data-part]
// elements from a fresh copy of the page, in place: no reload, so what is being typed, open
// disclosures and a call screen's voice (which needs the tap it was given) survive. A part
// holding the focused field waits until the field is left. The fresh copy is read from
// data-live-page when given (the page's own address after a refused form post is the
// post's), else from the address shown. Each event is also dispatched as
// "huimin:live" for other behaviour (the call screen's voice).
(function () {
  document.querySelectorAll("[data-live-parts]").forEach(function (root) {
    if (!window.EventSource || !window.fetch || !window.DOMParser) return;
    var seen = false, busy = false, again = false;
    function typingIn(part) {
      var active = document.activeElement;
      return active && part.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    }
    function swap(part, next) {
      if (typingIn(part)) {
        part.addEventListener("focusout", function () { setTimeout(refresh, 0); }, { once: true });
        return;
      }
      var open = [];
      part.querySelectorAll("details[open][id]").forEach(function (d) { open.push(d.id); });
      part.innerHTML = next.innerHTML;
      open.forEach(function (id) {
        var d = document.getElementById(id);
        if (d) d.open = true;
      });
    }
    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      var page = root.getAttribute("data-live-page") || window.location.href;
      fetch(page, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html");
          document.querySelectorAll("[data-part]").forEach(function (part) {
            var next = fresh.getElementById(part.id);
            if (next) swap(part, next);
          });
        })
        .catch(function () {})
        .then(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    }
    var source = new EventSource(root.getAttribute("data-live-parts"));
    source.onmessage = function (message) {
      var data = JSON.parse(message.data);
      root.dispatchEvent(new CustomEvent("huimin:live", { detail: { data: data, first: !seen } }));
      if (seen) refresh();
      seen = true;
    };
  });
})();
// data-voice: the call screen's "开启语音" button. Browsers only speak after a tap on the
// page, so the screen stays silent until someone taps it once when setting the screen up;
// then each new call (or recall) in the live events' `calls` is said in Chinese. Calls
// already on the screen when the page opens are not said again.
(function () {
  var button = document.querySelector("[data-voice]");
  var root = document.querySelector("[data-live-parts]");
  if (!button || !root || !window.speechSynthesis || !window.SpeechSynthesisUtterance) return;
  button.hidden = false;
  var on = false, said = {};
  function say(text) {
    var words = new SpeechSynthesisUtterance(text);
    words.lang = "zh-CN";
    words.rate = 0.9;
    window.speechSynthesis.speak(words);
  }
  button.addEventListener("click", function () {
    on = !on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = button.getAttribute(on ? "data-on" : "data-off");
    if (on) say(button.getAttribute("data-check"));
    else window.speechSynthesis.cancel();
  });
  root.addEventListener("huimin:live", function (event) {
    var calls = (event.detail.data.calls || []).slice().reverse();
    calls.forEach(function (call) {
      if (said[call.id]) return;
      said[call.id] = true;
      if (on && !event.detail.first) say(call.speech);
    });
  });
})();
// data-print: a button that prints the page (shown only where scripts run; without them the
// browser's own print command does the same, with the same print stylesheet).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

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
// data-reload-on-change: reload when anything after the first event arrives (screens).
(function () {
  document.querySelectorAll("[data-reload-on-change]").forEach(function (root) {
    if (!window.EventSource) return;
    var seen = false;
    var source = new EventSource(root.getAttribute("data-reload-on-change"));
    source.onmessage = function () {
      if (seen) window.location.reload();
      seen = true;
    };
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

// Saves the outpatient note's draft while the doctor types: two seconds after the last
// keystroke the form is posted with `X-Autosave: 1`; the status line says whether it was
// kept. Without JavaScript the Save button does the same.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var timer = null;
  var zh = document.documentElement.lang !== "en";
  function say(text) { if (status) status.textContent = text; }
  function save() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "password") data.append(key, value);
    });
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      headers: { "X-Autosave": "1", "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString(),
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 204) {
        var now = new Date();
        var hm = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
        say((zh ? "草稿已自动保存 " : "Draft saved at ") + hm);
      } else {
        return response.text().then(function (text) {
          say((zh ? "未能保存：" : "Not saved: ") + text);
        });
      }
    }).catch(function () {
      say(zh ? "未能保存：网络中断" : "Not saved: the network is down");
    });
  }
  form.addEventListener("input", function (event) {
    if (event.target && event.target.name === "password") return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 2000);
  });
})();

// The diagnosis finder: as the doctor types a code, a name or pinyin initials (gxy), the
// codes found are shown under the box; picking one fills the first empty diagnosis row and
// the draft is saved as after any typing. Without JavaScript the Find and pick buttons post
// the form and the server does the same.
(function () {
  var box = document.getElementById("dx-q");
  var list = document.getElementById("dx-options");
  if (!box || !list) return;
  var timer = null;
  var asked = "";
  function find() {
    var query = box.value.trim();
    asked = query;
    if (!query) { list.innerHTML = ""; return; }
    fetch(box.getAttribute("data-options") + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      // An answer to an older query is dropped.
      if (asked === query) list.innerHTML = html;
    }).catch(function () {});
  }
  function pick(code, name) {
    var rows = document.querySelectorAll(".dx-row");
    var target = null;
    for (var i = 0; i < rows.length; i++) {
      var input = rows[i].querySelector(".dx-code");
      if (input.value.trim().toUpperCase() === code.toUpperCase()) { target = null; break; }
      if (!target && !input.value.trim()) target = rows[i];
    }
    if (target) {
      target.querySelector(".dx-code").value = code;
      target.querySelector(".dx-name").value = name;
      target.querySelector(".dx-code").dispatchEvent(new Event("input", { bubbles: true }));
    }
    list.innerHTML = "";
    box.value = "";
    box.focus();
  }
  box.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(find, 200);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); find(); }
  });
  list.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.dx-option") : null;
    if (!button) return;
    event.preventDefault();
    pick(button.getAttribute("data-code"), button.getAttribute("data-name"));
  });
})();

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

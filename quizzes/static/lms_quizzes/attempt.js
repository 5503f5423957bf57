// Quiz attempt page: save answers as the learner goes, and show the time left.
// The server owns the clock; this only displays it and saves early.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var status = form.querySelector(".save-status");
  var saveUrl = form.getAttribute("data-save-url");
  var lang = document.documentElement.lang || "vi";
  var text = lang === "en"
    ? { saving: "Saving…", saved: "Answers saved.", failed: "Not saved: check your connection. Your last saved answers are kept." }
    : { saving: "Đang lưu…", saved: "Đã lưu câu trả lời.", failed: "Chưa lưu được: hãy kiểm tra kết nối mạng. Các câu đã lưu trước đó vẫn được giữ." };
  var timer = null;

  function save() {
    var data = new FormData(form);
    if (status) status.textContent = text.saving;
    fetch(saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (status) status.textContent = response.ok ? text.saved : (body.error || text.failed);
      });
    }).catch(function () {
      if (status) status.textContent = text.failed;
    });
  }

  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 800);
  }
  form.addEventListener("change", later);
  form.addEventListener("input", later);

  var countdown = document.querySelector(".countdown");
  if (!countdown) return;
  var value = countdown.querySelector(".countdown-value");
  var announce = document.querySelector(".countdown-announce");
  var endsAt = Date.now() + parseInt(countdown.getAttribute("data-remaining"), 10) * 1000;
  var lastAnnounced = null;
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    var mark = left > 60 ? minutes : left;
    if (announce && (left <= 60 ? left % 15 === 0 : seconds === 0) && mark !== lastAnnounced) {
      lastAnnounced = mark;
      announce.textContent = lang === "en"
        ? (left > 60 ? minutes + " minutes left" : left + " seconds left")
        : (left > 60 ? "Còn " + minutes + " phút" : "Còn " + left + " giây");
    }
    if (left === 0) {
      save();
      form.submit();
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();

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
  // While the server is away (a database restart: 503 with Retry-After) or
  // the network is down, the autosave tries again with growing pauses; each
  // try reads the form afresh, so the latest answers are the ones sent.
  text.retrying = (status && status.getAttribute("data-retrying")) || text.failed;
  text.savedAgain = (status && status.getAttribute("data-saved-again")) || text.saved;
  var timer = null;
  var sending = false;   // one autosave at a time
  var pending = false;   // answers changed while one was on its way
  var failures = 0;      // failed tries in a row
  var MAX_PAUSE = 60000;

  function show(message) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("save-retrying", message === text.retrying);
  }

  function pauseAfter(response) {
    var seconds = response ? parseInt(response.headers.get("Retry-After"), 10) : NaN;
    var backoff = Math.min(MAX_PAUSE, 2000 * Math.pow(2, failures - 1));
    if (seconds > 0) backoff = Math.max(backoff, Math.min(MAX_PAUSE, seconds * 1000));
    return backoff + Math.floor(Math.random() * 500);
  }

  function retry(response) {
    failures += 1;
    show(text.retrying);
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, pauseAfter(response));
  }

  function done() {
    sending = false;
    if (pending && !failures) later();
  }

  function save() {
    timer = null;
    if (sending) { pending = true; return; }
    sending = true;
    pending = false;
    var data = new FormData(form);
    if (!failures) show(text.saving);
    fetch(saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) {
        sending = false;
        retry(response);
        return;
      }
      return response.json().then(function (body) {
        if (response.ok) {
          show(failures ? text.savedAgain : text.saved);
          failures = 0;
        } else {
          failures = 0;
          show(body.error || text.failed);
        }
      }, function () {
        failures = 0;
        show(text.failed);
      }).then(done);
    }).catch(function () {
      sending = false;
      retry(null);
    });
  }

  function later() {
    if (sending) { pending = true; return; }
    // While retrying, the next try sends the latest answers anyway.
    if (failures) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 800);
  }
  form.addEventListener("change", later);
  form.addEventListener("input", later);

  // Before submitting: list the questions left blank and ask to confirm.
  // The server asks too when this script does not run (blank_confirmed).
  var warning = document.getElementById("unanswered-warning");

  function answered(fieldset) {
    var fields = fieldset.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden") continue;
      if (field.disabled) return true; // checked and locked
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) return true;
      } else if (field.value && field.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function blankQuestions() {
    var label = form.getAttribute("data-question-label") || "#__N__";
    var pageUrl = form.getAttribute("data-page-url");
    var perQuestion = form.hasAttribute("data-per-question");
    var blanks = [];
    var fieldsets = form.querySelectorAll("fieldset.question");
    for (var i = 0; i < fieldsets.length; i++) {
      if (!answered(fieldsets[i])) {
        var number = fieldsets[i].querySelector(".question-number");
        blanks.push({
          text: number ? number.textContent : "",
          href: "#" + fieldsets[i].id,
          order: parseInt((number ? number.textContent : "").replace(/\D+/g, ""), 10) || 0
        });
      }
    }
    var elsewhere = (form.getAttribute("data-blank-elsewhere") || "").split(",");
    for (var j = 0; j < elsewhere.length; j++) {
      var n = parseInt(elsewhere[j], 10);
      if (!n) continue;
      blanks.push({
        text: label.replace("__N__", n),
        href: pageUrl + (perQuestion ? "?trang=" + (n - 1) : ""),
        order: n
      });
    }
    blanks.sort(function (a, b) { return a.order - b.order; });
    return blanks;
  }

  function submitConfirmed() {
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "blank_confirmed";
    flag.value = "1";
    form.appendChild(flag);
    form.submit();
  }

  if (warning) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!submitter || !submitter.classList.contains("submit-attempt")) return;
      var blanks = blankQuestions();
      if (!blanks.length) return;
      event.preventDefault();
      var list = warning.querySelector(".blank-questions");
      list.textContent = "";
      blanks.forEach(function (blank) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = blank.href;
        link.textContent = blank.text;
        item.appendChild(link);
        list.appendChild(item);
      });
      warning.hidden = false;
      warning.setAttribute("role", "alert");
      warning.focus();
    });
    warning.querySelector(".unanswered-submit").addEventListener("click", submitConfirmed);
    warning.querySelector(".unanswered-back").addEventListener("click", function () {
      warning.hidden = true;
      var first = warning.querySelector(".blank-questions a");
      var target = first && first.getAttribute("href").charAt(0) === "#"
        ? document.getElementById(first.getAttribute("href").slice(1)) : null;
      if (target) {
        target.scrollIntoView();
        var input = target.querySelector("input:not([type=hidden]), textarea, select");
        if (input) input.focus();
      }
    });
  }

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
      submitConfirmed(); // time is up: submit as it is, blank or not
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();

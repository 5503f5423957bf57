// Polls a batch's progress JSON and updates the bar; the page itself stays
// correct without JavaScript (a reload shows the same figures).
(function () {
  "use strict";
  var box = document.querySelector("[data-lms-batch-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var field = function (name) { return box.querySelector('[data-field="' + name + '"]'); };
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = data.total;
        bar.value = data.done + data.failed;
        field("done").textContent = data.done;
        field("total").textContent = data.total;
        field("failed").textContent = data.failed;
        if (data.finished) {
          field("state").textContent = box.dataset.finishedLabel || "✓";
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

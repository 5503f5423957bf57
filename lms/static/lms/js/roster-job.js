// Follows a background roster import (lms_people/admin/roster_job.html):
// polls its JSON status URL, moves the <progress> bar, and reloads the page
// for the result once the job has finished. No inline script (CSP).
(function () {
  "use strict";

  var box = document.querySelector("[data-lms-roster-job]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-lms-roster-job");
  var bar = box.querySelector("[data-lms-job-progress]");
  var label = box.querySelector("[data-lms-job-label]");
  var count = box.querySelector("[data-lms-job-count]");
  var DELAY = 2000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (state.finished) {
          window.location.reload();
          return;
        }
        if (state.total) {
          bar.max = state.total;
          bar.value = state.done;
          bar.textContent = state.done + " / " + state.total;
          count.textContent = state.done + " / " + state.total;
        }
        label.textContent = state.status_label;
        window.setTimeout(poll, DELAY);
      })
      .catch(function () {
        window.setTimeout(poll, DELAY * 5);
      });
  }

  window.setTimeout(poll, DELAY);
})();

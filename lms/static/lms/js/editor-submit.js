// Keeps Wagtail 8's background save (its w-autosave controller) out of the
// way of a button the editor presses.
//
// The first background save of a new page or snippet creates it and points
// the form at its edit URL. Pressing Publish while that save was on its way
// sent the form to the create URL as well, and Wagtail answered that the
// slug was already in use: by the page the save had just created. A save
// about to start when the form was sent could do the same the other way
// round. So:
//   - a press while a save is in flight waits for that save to end (the
//     button shows its "Publishing…" state meanwhile), then sends the form
//     to wherever it now points, with the pressed button's name and value;
//   - once the form is really sent, no further background save starts from
//     the page being left.
(function () {
  "use strict";

  var EDITOR = "form[data-controller~='w-autosave']";
  // A save that never answers must not hold the press for ever.
  var LONGEST_WAIT_MS = 15000;

  var saving = new WeakSet();
  var waiting = new WeakMap();

  function editorForm(target) {
    return target instanceof HTMLFormElement && target.matches(EDITOR) ? target : null;
  }

  function send(form) {
    var press = waiting.get(form);
    if (!press) return;
    waiting.delete(form);
    window.clearTimeout(press.timer);
    var input = null;
    if (press.name) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = press.name;
      input.value = press.value;
      form.appendChild(input);
    }
    try {
      form.requestSubmit();
    } finally {
      // The form's data was taken when it was submitted; a later background
      // save must not carry the button (it would publish).
      if (input) input.remove();
    }
  }

  document.addEventListener("w-autosave:save", function (event) {
    var form = editorForm(event.target);
    if (form && !event.defaultPrevented) saving.add(form);
  });

  function saved(event) {
    var form = editorForm(event.target);
    if (!form) return;
    saving.delete(form);
    send(form);
  }
  document.addEventListener("w-autosave:success", saved);
  document.addEventListener("w-autosave:error", saved);

  // Before Wagtail's own listeners: hold a press made while a save is in flight.
  document.addEventListener(
    "submit",
    function (event) {
      var form = editorForm(event.target);
      var button = event.submitter;
      if (!form || !saving.has(form)) return;
      if (button && button.hasAttribute("formaction")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (waiting.has(form)) return;
      waiting.set(form, {
        name: button ? button.name : "",
        value: button ? button.value : "",
        timer: window.setTimeout(function () {
          saving.delete(form);
          send(form);
        }, LONGEST_WAIT_MS),
      });
    },
    true
  );

  // After everyone else's listeners: the form is on its way, so the page
  // being left starts no more background saves.
  window.addEventListener("submit", function (event) {
    var form = editorForm(event.target);
    if (form && !event.defaultPrevented) {
      form.setAttribute("data-w-autosave-active-value", "false");
    }
  });
})();

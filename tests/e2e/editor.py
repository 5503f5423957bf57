"""Sending a Wagtail editor form once its autosave has caught up.

Wagtail 8 saves an editor's form in the background (its ``w-autosave``
controller) about a second after each change. The first background save of a
new page creates the page, points the form at the page's edit URL
(``history.replaceState``) and swaps the footer for the edit view's. A press
while such a save is in flight is held until the save ends
(``lms/static/lms/js/editor-submit.js``), but Playwright's
``expect_navigation`` takes the save's ``replaceState`` for the press's
navigation: a CI run read the page while it was being replaced. So the
journeys wait until the save has caught up before they press a button, and
then for a new document, as a person waits for "Saving…" to end.
"""

import time
from contextlib import contextmanager

# Where the editor form's background save stands: "none" (the form has no
# autosave, or Wagtail switched it off after an error), "saving" (a save is in
# flight or waiting to retry), "saved" (the form holds what was last saved, or
# what the page was opened with), "paused" (the last save was refused, e.g.
# the form is not valid yet) or "unsaved".
AUTOSAVE_STATE = """
form => {
  const app = window.wagtail && window.wagtail.app;
  const find = name => app && app.getControllerForElementAndIdentifier(form, name);
  const autosave = find("w-autosave");
  if (!autosave || !autosave.activeValue) return "none";
  if (autosave.submitPromise || autosave.retryTimeout) return "saving";
  const unsaved = find("w-unsaved");
  if (!unsaved || unsaved.formData === unsaved.initialFormData) return "saved";
  const indicator = document.querySelector("#w-autosave-indicator");
  return indicator && indicator.dataset.wAutosaveStateValue === "paused"
    ? "paused" : "unsaved";
}
"""

# How long a state must hold before the form counts as settled. A change
# starts a save at most about a second later (w-unsaved looks every 500 ms,
# then waits 530 ms), so "paused" must outlast that: the refused save may have
# been for older data. "saved" only needs one more look.
QUIET_MS = {"saved": 700, "paused": 1_500}


def settle(page, *, timeout: float = 15.0) -> None:
    """Wait until the editor form's background save has caught up: nothing in
    flight, and the form either saved or refused for what it holds now. A
    page without autosave returns at once."""
    form = page.locator("form[data-controller~=w-autosave]")
    if form.count() == 0:
        return
    handle = form.first.element_handle()
    deadline = time.monotonic() + timeout
    state = page.evaluate(AUTOSAVE_STATE, handle)
    while state != "none":
        if time.monotonic() > deadline:
            raise AssertionError(f"the editor's autosave did not settle: {state}")
        if state in QUIET_MS:
            page.wait_for_timeout(QUIET_MS[state])
            again = page.evaluate(AUTOSAVE_STATE, handle)
            if again == state:
                return
            state = again
        else:
            page.wait_for_timeout(100)
            state = page.evaluate(AUTOSAVE_STATE, handle)


@contextmanager
def sending(page):
    """``with sending(page): button.click()``: settle first, then wait for the
    next document. A new document, not any navigation: the background save's
    ``replaceState`` is a navigation to Playwright too."""
    settle(page)
    with page.expect_event("load"):
        yield

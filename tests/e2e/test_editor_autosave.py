"""Publishing from the editor while its background save is still answering.

Wagtail 8's autosave creates a new page on its first save and moves the form
to the page's edit URL. A Publish pressed in between went to the create URL as
well, and Wagtail refused it: the slug was in use by the page the save had
just created (lms/static/lms/js/editor-submit.js now holds the press). The
journeys' own publish read the page as it was being replaced (a CI run). Here
the save's answer is held until Publish is clicked, so the click always falls
in that gap; the page must be published once, from its edit URL.
"""

import re
import time

import pytest

from tests.e2e.editor import sending, settle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Hold the answer to each background save (a POST asking for JSON) until a
# Publish is clicked, or three seconds: the page is created on the server at
# once, and the form learns of it just as the click is being handled.
HELD_AUTOSAVE = """
(() => {
  const fetch = window.fetch.bind(window);
  window.fetch = async (url, options = {}) => {
    const response = await fetch(url, options);
    const accept = (options.headers || {})["Accept"] || "";
    if ((options.method || "").toLowerCase() === "post" && accept.includes("json")) {
      await new Promise(resolve => {
        setTimeout(resolve, 3000);
        const publish = event => event.target.closest("button[name=action-publish]");
        document.addEventListener("click", event => {
          if (publish(event)) setTimeout(resolve, 0);
        }, {capture: true});
      });
    }
    return response;
  };
})();
"""

INITIAL_DATA_TAKEN = """
form => {
  const app = window.wagtail.app;
  const unsaved = app.getControllerForElementAndIdentifier(form, "w-unsaved");
  return unsaved.initialFormData !== undefined;
}
"""


TITLE = "Khóa học thử: lưu tự động"

# The last change has been seen by w-unsaved (it looks every 500 ms), which
# will start a background save about half a second later; none has started.
CHANGE_SEEN = """
form => {
  const app = window.wagtail.app;
  const unsaved = app.getControllerForElementAndIdentifier(form, "w-unsaved");
  const autosave = app.getControllerForElementAndIdentifier(form, "w-autosave");
  return unsaved.previousFormData === unsaved.formData
    && unsaved.formData !== unsaved.initialFormData
    && !autosave.submitPromise;
}
"""


def _new_course(browse, name: str, *, held_save: bool = True):
    """A school admin's new course in the editor, filled in; with `held_save`,
    once its first background save has created it and that save's answer is
    being held."""
    from courses.models import CourseIndexPage, CoursePage

    catalogue = CourseIndexPage.objects.live().get(school__code="DEMO")
    b = browse(name)
    page = b.page
    if held_save:
        page.add_init_script(HELD_AUTOSAVE)
    b.sign_in("schooladmin")
    b.goto(f"/admin/pages/add/lms_courses/coursepage/{catalogue.pk}/")
    form = page.locator("form[data-controller~=w-autosave]").element_handle()
    # Edits made before w-unsaved takes the form's first state are not saved
    # in the background; make these after it.
    page.wait_for_function(INITIAL_DATA_TAKEN, arg=form)
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Xuất bản khi bản lưu tự động chưa kịp trả lời.")
    page.locator("#id_estimated_minutes").fill("5")
    created = CoursePage.objects.filter(title=TITLE)
    if held_save:
        for _ in range(100):
            if created.exists():
                break
            page.wait_for_timeout(100)
        assert created.exists(), "no background save created the page"
    return page, form, catalogue, created


def _press_publish(page) -> None:
    footer = page.locator("footer")
    footer.locator(".w-dropdown__toggle").last.click()
    footer.locator("button[name=action-publish]").click()


def test_publish_pressed_during_the_first_background_save_publishes_once(browse):
    page, _form, catalogue, created = _new_course(browse, "editor-autosave-press")

    # As a person does it: press, then whatever page comes next.
    with page.expect_event("load"):
        _press_publish(page)

    problems = page.locator(".messages .error, .error-message").all_inner_texts()
    assert re.search(rf"/admin/pages/{catalogue.pk}/$", page.url), (page.url, problems)
    [course] = created
    assert course.live


def test_the_journeys_publish_waits_for_the_background_save(browse):
    page, _form, catalogue, created = _new_course(browse, "editor-autosave-journey")

    with sending(page):
        _press_publish(page)

    assert re.search(rf"/admin/pages/{catalogue.pk}/$", page.url), page.url
    [course] = created
    assert course.live


def test_a_sent_form_starts_no_more_background_saves(browse):
    """A save about to start when Publish is pressed would race the publish
    (its POST to the create URL created the page first, or lost to it with a
    "Bad Request"); once the form is sent, none starts."""
    page, form, catalogue, created = _new_course(
        browse, "editor-autosave-sent", held_save=False
    )
    settle(page)  # the first background save has created the page
    assert created.exists()
    page.locator("#id_estimated_minutes").fill("7")
    page.wait_for_function(CHANGE_SEEN, arg=form)

    saves = []

    def background_save(request) -> bool:
        return request.method == "POST" and "json" in request.headers.get("accept", "")

    def count_saves(request):
        if background_save(request):
            saves.append(request.url)

    def hold_the_publish(route):
        # The publish stays on its way for two seconds, long enough for the
        # pending background save to start if nothing stopped it.
        if route.request.method == "POST" and not background_save(route.request):
            time.sleep(2)
        route.continue_()

    page.on("request", count_saves)

    page.route("**/admin/pages/**", hold_the_publish)
    with page.expect_event("load"):
        _press_publish(page)

    assert saves == []
    assert re.search(rf"/admin/pages/{catalogue.pk}/$", page.url), page.url
    [course] = created
    assert course.live and course.estimated_minutes == 7

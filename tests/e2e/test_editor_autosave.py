"""Publishing from the editor while its background save is still answering.

Wagtail 8's autosave creates a new page on its first save and moves the form
to the page's edit URL. The journeys' publish once clicked in between (a CI run
read the page as it was being replaced). Here the save's answer is held until
Publish is clicked, so the click always falls in that gap if the journeys do
not wait for the save: the page must be published once, from its edit URL.
"""

import re

import pytest

from tests.e2e.editor import sending

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


def test_publish_during_a_background_save_publishes_the_page_once(browse):
    from courses.models import CourseIndexPage, CoursePage

    catalogue = CourseIndexPage.objects.live().get(school__code="DEMO")
    b = browse("editor-autosave")
    page = b.page
    page.add_init_script(HELD_AUTOSAVE)
    b.sign_in("schooladmin")
    b.goto(f"/admin/pages/add/lms_courses/coursepage/{catalogue.pk}/")
    form = page.locator("form[data-controller~=w-autosave]").element_handle()
    # Edits made before w-unsaved takes the form's first state are not saved
    # in the background; make these after it.
    page.wait_for_function(INITIAL_DATA_TAKEN, arg=form)
    page.locator("#id_title").fill("Khóa học thử: lưu tự động")
    page.locator("#id_summary").fill("Xuất bản khi bản lưu tự động chưa kịp trả lời.")
    page.locator("#id_estimated_minutes").fill("5")
    # The background save has created the page; its answer is held.
    created = CoursePage.objects.filter(title="Khóa học thử: lưu tự động")
    for _ in range(100):
        if created.exists():
            break
        page.wait_for_timeout(100)
    assert created.exists(), "no background save created the page"

    footer = page.locator("footer")
    with sending(page):
        footer.locator(".w-dropdown__toggle").last.click()
        footer.locator("button[name=action-publish]").click()

    assert re.search(rf"/admin/pages/{catalogue.pk}/$", page.url), page.url
    [course] = created
    assert course.live

"""The admin a school admin meets, as Chromium renders it: Vietnamese only.

The page tests (tests/admin_i18n) read the HTML the server sends; this reads
what the admin's scripts draw too (the sidebar, the editor's controls).
"""

import pytest

from tests.admin_i18n.english import is_english

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The texts a person reads or hears: visible text nodes and the names,
# placeholders and tooltips of elements; user content in editors is left out.
VISIBLE_TEXTS = """() => {
  const skipped = "script, style, noscript, template, code, pre, textarea, "
    + "[contenteditable=true], [hidden], [aria-hidden=true], "
    + "[data-side-panel-toggle-counter]";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const parent = node.parentElement;
    // Not drawn (display: none) is not read either; screen-reader-only is.
    if (text && parent && !parent.closest(skipped) && parent.checkVisibility()) {
      texts.push(text);
    }
  }
  const named = document.querySelectorAll("[aria-label], [placeholder], [title]");
  for (const element of named) {
    if (element.closest(skipped) || !element.checkVisibility()) continue;
    for (const name of ["aria-label", "placeholder", "title"]) {
      const value = element.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  return texts;
}"""
# Screen-reader-only submit buttons Wagtail 8's templates write in English
# (see tests/admin_i18n/test_admin_pages.py).
WAGTAIL_TEMPLATE_ENGLISH = {"Search"}


def english_on_screen(page) -> list[str]:
    from django.contrib.auth import get_user_model

    # Usernames are user content, not interface text.
    usernames = get_user_model().objects.values_list("username", flat=True)
    allowed = frozenset(part for name in usernames for part in name.split("_"))
    texts = page.evaluate(VISIBLE_TEXTS)
    return sorted(
        {
            t
            for t in texts
            if is_english(t, allowed) and t not in WAGTAIL_TEMPLATE_ENGLISH
        }
    )


def test_school_admin_sees_the_admin_in_vietnamese(browse):
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage

    admin = get_user_model().objects.get(username="schooladmin")
    course = next(
        c for c in CoursePage.objects.live() if c.permissions_for_user(admin).can_edit()
    )
    b = browse("admin-vi")
    b.sign_in("schooladmin")
    found = {}
    for label, path in [
        ("dashboard", "/admin/"),
        ("explorer", f"/admin/pages/{course.get_parent().pk}/"),
        ("course-edit", f"/admin/pages/{course.pk}/edit/"),
        ("users", "/admin/users/"),
        ("images", "/admin/images/"),
    ]:
        b.goto(path)
        b.page.wait_for_load_state("networkidle")
        if label == "dashboard":
            # Open the "Học tập" menu, drawn by the sidebar's script.
            b.page.locator("#wagtail-sidebar").get_by_text("Học tập").first.click()
        b.shot(label)
        english = english_on_screen(b.page)
        if english:
            found[path] = english
    assert not found, found


def test_admin_fits_a_phone_in_vietnamese(browse):
    b = browse("admin-vi-phone", viewport={"width": 360, "height": 740})
    b.sign_in("schooladmin")
    b.goto("/admin/")
    b.page.wait_for_load_state("networkidle")
    b.shot("dashboard")
    assert english_on_screen(b.page) == []

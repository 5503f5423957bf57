"""Our pages inside any base template: lms/layout.html and our scoped CSS."""

from pathlib import Path

import pytest
import tinycss2
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
OUR_STATIC_DIRS = [
    path
    for app in ("lms", "courses", "quizzes", "certificates")
    for path in (ROOT / app).rglob("static")
    if path.is_dir()
]


def _head_and_body(html):
    head, _, body = html.partition("</head>")
    return head, body


@pytest.mark.django_db
def test_course_page_served_by_wagtail_fits_a_stock_wagtail_base(
    client, host_base, make_course, student
):
    course, _lessons = make_course(lessons=1, title="Khoa-hoc-trong-host")
    client.force_login(student)
    response = client.get(course.url)
    assert response.status_code == 200
    head, body = _head_and_body(response.content.decode())
    assert "lms/lms.css" in head
    assert 'id="host-layout"' in body and "site-header" not in body
    wrapper = body.index('<div class="lms">')
    assert body.index('id="host-layout"') < wrapper < body.index("Khoa-hoc-trong-host")


@pytest.mark.django_db
def test_quiz_attempt_page_keeps_its_autosave_script_in_a_stock_wagtail_base(
    client, host_base, make_course, student
):
    from quizzes.models import QuizAttempt
    from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [single_choice()])
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    response = client.get(reverse("lms_quizzes:attempt", args=[attempt.pk]))
    assert response.status_code == 200
    head, body = _head_and_body(response.content.decode())
    assert "lms/lms.css" in head
    assert 'id="host-layout"' in body
    assert "lms_quizzes/attempt.js" in body.rsplit('id="host-layout"', 1)[1]


@pytest.mark.django_db
def test_pages_extend_the_base_template_named_in_lms_base_template(client, settings):
    school_base = (
        "<html><head>{% block extra_css %}{% endblock %}</head>"
        '<body><div id="school-base">{% block content %}{% endblock %}</div>'
        "{% block extra_js %}{% endblock %}</body></html>"
    )
    settings.LMS_BASE_TEMPLATE = "school/base.html"
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"school/base.html": school_base},
                    ),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    response = client.get(reverse("lms_people:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="school-base"' in html and 'name="password"' in html
    assert "site-header" not in html


@pytest.mark.django_db
def test_standalone_site_keeps_its_own_header_and_both_stylesheets(client):
    html = client.get(reverse("lms_people:login")).content.decode()
    head, body = _head_and_body(html)
    assert "lms_home/site.css" in head and "lms/lms.css" in head
    assert '<body class="lms' in body and "site-header" in body
    assert body.index("site-header") < body.index('<div class="lms">')


def _unscoped_selectors(css):
    """Selectors whose first compound selector lacks the class `lms`."""

    def rules(nodes):
        for node in nodes:
            if node.type == "qualified-rule":
                yield node
            elif node.type == "at-rule" and node.content is not None:
                yield from rules(tinycss2.parse_rule_list(node.content))

    found = []
    for rule in rules(tinycss2.parse_stylesheet(css, skip_comments=True)):
        for selector in tinycss2.serialize(rule.prelude).split(","):
            first = (selector.split() or [""])[0].split(":")[0]
            if "lms" not in first.split(".")[1:]:
                found.append(selector.strip())
    return found


def test_every_selector_in_our_stylesheets_is_scoped_to_our_wrapper():
    # Stylesheets of the Wagtail admin (under an "admin" folder) style the
    # admin's own markup, not our pages inside a host's.
    sheets = [
        path
        for folder in OUR_STATIC_DIRS
        for path in folder.rglob("*.css")
        if "admin" not in path.relative_to(folder).parts
    ]
    assert any(path.name == "lms.css" for path in sheets)
    unscoped = {
        str(path.relative_to(ROOT)): _unscoped_selectors(path.read_text())
        for path in sheets
    }
    assert {name: found for name, found in unscoped.items() if found} == {}


def test_unscoped_selector_check_catches_a_bare_rule():
    css = (
        ".lms .card { color: red } @media print { h1, .lms h2 { x: y } }"
        " body.lms {} .lms-x a {} :root {}"
    )
    assert _unscoped_selectors(css) == ["h1", ".lms-x a", ":root"]

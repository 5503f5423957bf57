"""Query budgets for the whole learner mix, first visit and later visits.

The same requests as the load test's learner (tests/benchmarks/bench_requests.py):
sign-in, course page, lesson page, lesson complete, quiz page, quiz start,
attempt page, autosave, submit, review and "My learning", made with the test
client by a learner on a first visit (enrolment, first lesson, first attempt)
and again on a later visit. Each request must stay within its budget in
BUDGETS below: a request that gains a query fails here, not in a benchmark.

Counted as production sends them (bench_requests' `request_queries`): the
requests run outside any test transaction, so each transaction's BEGIN and
COMMIT and each savepoint count as they do on PostgreSQL; sessions
(lms.sessions) and sign-in throttling (django-axes) as in production; the
work a request hands to the task queue is queued, not run in the request
(production's RQ queue).

The issue's goal is 12 queries for every learner request; the table holds what
is measured now, to be lowered as requests get cheaper.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.people.roles import ROLE_GROUPS
from lms.people.services import user_groups_sync
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

# Outside a test transaction, as production runs (site_root recreates what
# the flush after a transactional test removes).
pytestmark = pytest.mark.django_db(transaction=True)

# (first visit, later visit): the most queries each request may make, as
# measured; the goal is 12 for each (the first course page enrols).
BUDGETS = {
    "sign in": (10, 10),
    "course page": (10, 6),
    "lesson page": (11, 11),
    "lesson complete": (10, 10),
    "quiz page": (8, 8),
    "quiz start": (12, 12),
    "attempt page": (4, 4),
    "quiz autosave": (4, 4),
    "quiz submit": (13, 13),
    "quiz review": (6, 6),
    "my learning": (7, 7),
}
VISITS = ("first", "later")

PASSWORD = "pw-test-123"  # noqa: S105 - UserFactory's
RADIO_RE = re.compile(r'<input type="radio" name="([^"]+)" id="[^"]*" value="([^"]+)"')
SAVE_URL_RE = re.compile(r'data-save-url="([^"]+)"')
SUBMIT_URL_RE = re.compile(r'<form method="post" action="([^"]+)" class="attempt-form"')


@pytest.fixture
def site_root(site_root):
    """The site's root is the LMS home page, as in production (seed_demo)."""
    from wagtail.models import Site

    from lms.home.models import HomePage

    home = HomePage(title="Trang chủ LMS", slug="trang-chu-lms")
    site_root.get_parent().add_child(instance=home)
    Site.objects.filter(is_default_site=True).update(root_page=home)
    return home


@pytest.fixture
def learner_mix(make_course, student, axes_on, settings):
    """The load test's course in small: lessons and a quiz, a student;
    sessions, sign-in throttling and the task queue as in production."""
    settings.SESSION_ENGINE = "lms.sessions"
    # The role groups a migration makes, gone if a transactional test ran
    # before; the student in theirs, as the roster import leaves them.
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    user_groups_sync(user=student)
    # Queued for the workers (RQ in production), not run in the request.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    course, lessons = make_course(lessons=3)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice() for _ in range(12)])
    return course, lessons, quiz


def mix_queries(client, username, course, lesson, quiz) -> dict[str, int]:
    """One pass of the learner mix: the most queries each request made."""
    counts: dict[str, int] = {}

    def call(name, method, url, data=None, **extra):
        with CaptureQueriesContext(connection) as captured:
            reply = getattr(client, method)(url, data or {}, **extra)
        assert reply.status_code in (200, 302), (name, reply.status_code)
        counts[name] = max(counts.get(name, 0), len(captured))
        return reply

    reply = call(
        "sign in",
        "post",
        reverse("lms_people:login"),
        {"username": username, "password": PASSWORD},
    )
    assert reply.status_code == 302, "sign-in failed"
    call("course page", "get", course.url)
    call("lesson page", "get", lesson.url)
    call("lesson complete", "post", lesson.url, {"action": "complete"})
    call("quiz page", "get", quiz.url)
    start = call("quiz start", "post", quiz.url, {"action": "start"})
    html = call("attempt page", "get", start["Location"]).content.decode()
    save_url = SAVE_URL_RE.search(html).group(1)
    submit_url = SUBMIT_URL_RE.search(html).group(1)
    questions: dict[str, list[str]] = {}
    for key, value in RADIO_RE.findall(html):
        questions.setdefault(key, []).append(value)
    assert questions, "no question on the attempt page"
    answers: dict[str, str] = {}
    keys = list(questions)
    for begin in range(0, len(keys), 5):
        for key in keys[begin : begin + 5]:
            answers[key] = questions[key][0]
        call(
            "quiz autosave",
            "post",
            save_url,
            {"page": "0", **answers},
            HTTP_ACCEPT="application/json",
        )
    review = call("quiz submit", "post", submit_url, {"page": "0", **answers})
    call("quiz review", "get", review["Location"])
    call("my learning", "get", reverse("lms_courses:my_learning"))
    return counts


@pytest.fixture
def measured(client, learner_mix, student, make_learner):
    """Queries per request of a first and of a later visit of the mix."""
    from django.test import Client

    course, lessons, quiz = learner_mix
    # Another learner first, as in a running site: Wagtail's site and page
    # caches are warm when our learner comes.
    other = make_learner(username="hs-khac")
    mix_queries(Client(), other.username, course, lessons[2], quiz)
    first = mix_queries(client, student.username, course, lessons[0], quiz)
    later = mix_queries(Client(), student.username, course, lessons[1], quiz)
    return {"first": first, "later": later}


def over_budget(counts: dict[str, int], visit: int) -> list[str]:
    return [
        f"{name}: {counts[name]} queries > {budget[visit]}"
        for name, budget in BUDGETS.items()
        if counts[name] > budget[visit]
    ]


def test_every_learner_request_stays_within_its_query_budget(measured):
    assert set(measured["first"]) == set(BUDGETS)
    assert set(measured["later"]) == set(BUDGETS)
    failures = [
        f"{visit} visit, {line}"
        for index, visit in enumerate(VISITS)
        for line in over_budget(measured[visit], index)
    ]
    assert not failures, "\n".join(failures) + f"\nmeasured: {measured}"

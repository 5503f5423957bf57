"""CI: two web processes and two task workers on one PostgreSQL and one Redis.

Run by tests/ci/ci_multiprocess.sh, which starts PostgreSQL and Redis and
exports production settings; the first argument is the URL of the PostgreSQL
maintenance database. Each run recreates its own database
(`lms_multiprocess_ci`), migrates it and runs `seed_demo`, then starts two
gunicorn processes (web A and web B, on their own loopback ports) and two
`rqworker` processes.

A pretend load balancer sits in front of the two web processes: every request
carries the same public host and `X-Forwarded-Proto: https`, and the test
chooses which process gets it.

1. A learner signs in and starts the demo quiz on web A, autosaves an answer
   on web B (which never saw the sign-in) and submits on web B; the attempt
   is graded in the database with exactly the answers given.
2. A school admin previews and starts a bulk issuance on web A and follows its
   progress on web B. Every certificate is rendered once, the serials are
   gapless, and RQ's own job records (the worker name stored with each job's
   result) show that both workers issued some of them.

Exits non-zero on any failure.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Reused from the single-process queue check and the load benchmark.
from tests.benchmarks.bench_load import (  # noqa: E402
    GUNICORN_CONF,
    free_port,
    start_gunicorn,
    stop,
)
from tests.ci.ci_queue import PYTHON, completed_students, start_worker  # noqa: E402

COUNT = int(os.environ.get("LMS_MULTIPROCESS_CI_COUNT", "100"))
TIMEOUT = int(os.environ.get("LMS_MULTIPROCESS_CI_TIMEOUT", "120"))
WEB_WORKERS = int(os.environ.get("LMS_MULTIPROCESS_CI_WEB_WORKERS", "2"))
DATABASE = "lms_multiprocess_ci"
PUBLIC_HOST = "lms.multiprocess.test"
PASSWORD = "ci-multiprocess-12345"  # noqa: S105 - throwaway accounts, scratch database
LEARNER, SCHOOL_ADMIN = "ci.hocsinh", "ci.quantri"
STARTED = time.monotonic()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Failure(Exception):
    pass


def expect(condition, message) -> None:
    if not condition:
        raise Failure(message)


def log(message: str) -> None:
    elapsed = time.monotonic() - STARTED
    print(f"[multiprocess-ci {elapsed:5.1f}s] {message}", flush=True)


class Web:
    """One gunicorn process (master and its workers) on a loopback port."""

    def __init__(self, name: str):
        self.name, self.port, self.base = name, 0, ""
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        options = Namespace(
            workers=WEB_WORKERS,
            threads=1,
            worker_class="sync",
            config=str(GUNICORN_CONF),
        )
        self.process = start_gunicorn(options, self.port, dict(os.environ))


class Browser:
    """One person's browser behind the load balancer: one cookie jar, each
    request sent to the web process the test names, as the proxy would send
    it after ending TLS (production cookies are Secure)."""

    def __init__(self):
        import requests

        self.session = requests.Session()
        self.session.headers.update(
            {
                "Host": PUBLIC_HOST,
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{PUBLIC_HOST}",
            }
        )

    def request(self, web: Web, method: str, path: str, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        reply = self.session.request(method, web.base + path, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False
        return reply

    def get(self, web: Web, path: str, status: int = 200, **kwargs):
        reply = self.request(web, "GET", path, **kwargs)
        expect(
            reply.status_code == status,
            f"GET {path} on web {web.name}: {reply.status_code}, wanted {status}",
        )
        return reply

    def post(self, web: Web, path: str, data, status: int = 302, **kwargs):
        reply = self.request(web, "POST", path, data=data, **kwargs)
        expect(
            reply.status_code == status,
            f"POST {path} on web {web.name}: {reply.status_code}, wanted {status}",
        )
        return reply

    def sign_in(self, web: Web, username: str) -> None:
        from django.urls import reverse

        login = reverse("lms_people:login")
        token = csrf_token(self.get(web, login).text)
        data = {"csrfmiddlewaretoken": token, "username": username}
        self.post(web, login, {**data, "password": PASSWORD, "next": "/"})


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    expect(match, "no CSRF token in the page")
    return match.group(1)


def location(reply) -> str:
    return reply.headers.get("Location", "")


# --- setting up -------------------------------------------------------------


def database_recreate(maintenance_url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()


def redis_flush() -> None:
    """Empty the cache's and the queue's Redis databases (ours alone)."""
    import redis

    for url in {os.environ["REDIS_URL"], os.environ["LMS_RQ_REDIS_URL"]}:
        redis.Redis.from_url(url).flushdb()


def prepare() -> dict:
    """Demo data, a learner part-way through the demo course (lessons done,
    quiz to take), a school admin, and a class of COUNT students who completed
    the course."""
    from django.core.management import call_command
    from django.db import transaction

    from courses.models import CoursePage, LessonPage
    from courses.services import course_open, course_self_enrol, lesson_complete
    from lms.people.models import Role, School, SchoolClass
    from lms.people.policies import current_school_year
    from lms.people.services import membership_ensure, user_create
    from quizzes.models import QuizPage

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", password=PASSWORD, stdout=StringIO())
    school = School.objects.get(code="DEMO")
    home_class = SchoolClass.objects.get(
        school=school, name="10A1", school_year=current_school_year()
    )
    year = home_class.school_year
    course = next(
        c
        for c in CoursePage.objects.live().filter(for_students=True).order_by("path")
        if QuizPage.objects.child_of(c).live().exists()
    )
    quiz = QuizPage.objects.child_of(course).live().get()

    with transaction.atomic():
        learner = user_create(
            username=LEARNER, full_name="Lê Hoàng Đa Tiến", password=PASSWORD
        )
        membership_ensure(
            user=learner,
            role=Role.STUDENT,
            school_class=home_class,
            school_year=year,
        )
        admin = user_create(
            username=SCHOOL_ADMIN, full_name="Trần Thị Quản Trị", password=PASSWORD
        )
        membership_ensure(
            user=admin, role=Role.SCHOOL_ADMIN, school=school, school_year=year
        )
    if course_open(user=learner, course=course) is None:
        course_self_enrol(user=learner, course=course)
    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        lesson_complete(user=learner, lesson=lesson, course=course)

    with transaction.atomic():
        cohort_class = SchoolClass.objects.create(
            school=school, school_year=year, name="12CI"
        )
        users = completed_students(
            course=course,
            school_class=cohort_class,
            count=COUNT,
            username=lambda index: f"ci.mp{index:03d}",
            full_name=lambda index: f"Phạm Văn Đa Tiến Trình {index:03d}",
        )
    return {
        "school": school,
        "course": course,
        "quiz": quiz,
        "learner": learner,
        "cohort_class": cohort_class,
        "cohort": users,
    }


def workers_wait(names: list[str]) -> None:
    """Until both workers have registered with Redis and listen to the queue."""
    import django_rq
    from rq import Worker

    queue = django_rq.get_queue("default")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen = {worker.name for worker in Worker.all(queue=queue)}
        if set(names) <= seen:
            return
        time.sleep(0.2)
    raise Failure(f"the RQ workers did not register: {names}")


def queue_wait_idle() -> None:
    """Until nothing is queued or running, so that no other job (the learner's
    automatic certificate) takes a serial while the serials are checked."""
    import django_rq

    queue = django_rq.get_queue("default")
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if queue.count == 0 and queue.started_job_registry.count == 0:
            return
        time.sleep(0.2)
    raise Failure("the queue did not drain")


# --- the learner --------------------------------------------------------------


def form_fields(question: dict, answer) -> list[tuple[str, str]]:
    """What the attempt form posts for this answer."""
    key, qtype = question["key"], question["qtype"]
    if qtype == "multiple_choice":
        return [(f"{key}__present", "1")] + [(key, value) for value in answer]
    if qtype == "matching":
        return [(f"{key}__{prompt}", value) for prompt, value in answer.items()]
    return [(key, answer)]


def learner_journey(web_a: Web, web_b: Web, data: dict) -> None:
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.urls import reverse

    from quizzes.models import AttemptState, QuizAttempt
    from tests.e2e.learner import attempt_from_url, right_answers, saved_answers

    quiz = data["quiz"]
    browser = Browser()
    browser.sign_in(web_a, LEARNER)
    quiz_url = quiz.get_url()
    page = browser.get(web_a, quiz_url).text
    reply = browser.post(
        web_a, quiz_url, {"csrfmiddlewaretoken": csrf_token(page), "action": "start"}
    )
    attempt_url = location(reply)
    attempt = attempt_from_url(attempt_url)
    expect(attempt.user_id == data["learner"].pk, "the attempt is someone else's")
    log(f"learner: signed in and started attempt #{attempt.pk} on web A")
    session_key = browser.session.cookies.get(settings.SESSION_COOKIE_NAME)
    expect(
        session_key and Session.objects.filter(session_key=session_key).exists(),
        "the session is not in the shared database",
    )

    page = browser.get(web_a, attempt_url).text
    token = csrf_token(page)
    questions = attempt.snapshot
    shown = re.findall(r'<fieldset class="question card" id="([^"]+)"', page)
    expect(
        shown and shown[0] == questions[0]["key"],
        "the attempt page does not show the attempt's first question",
    )

    # Full marks everywhere except one single-choice question answered wrong,
    # so the grade shows the answers were really read.
    answers = right_answers(questions)
    wrong, wrong_choice = next(
        (
            (question, choice["key"])
            for question in questions[1:]
            if question["qtype"] == "single_choice"
            for choice in question["choices"]
            if Decimal(choice["fraction"]) == 0
        ),
        (None, None),
    )
    if wrong is not None:
        answers[wrong["key"]] = wrong_choice
    first = questions[0]

    reply = browser.post(
        web_b,
        reverse("lms_quizzes:save", args=[attempt.pk]),
        [("csrfmiddlewaretoken", token), *form_fields(first, answers[first["key"]])],
        status=200,
        headers={"Accept": "application/json"},
    )
    expect(reply.json().get("saved") == 1, f"autosave on web B: {reply.text}")
    stored = saved_answers(attempt, [first["key"]])
    expected_first = answers[first["key"]]
    if isinstance(expected_first, list):
        expected_first = sorted(expected_first)
    expect(
        stored == {first["key"]: expected_first},
        f"autosave on web B stored {stored}, not {answers[first['key']]!r}",
    )
    log(f"learner: autosaved question 1 ({first['qtype']}) on web B")

    rest = [
        field
        for question in questions[1:]
        for field in form_fields(question, answers[question["key"]])
    ]
    reply = browser.post(
        web_b,
        reverse("lms_quizzes:submit", args=[attempt.pk]),
        [("csrfmiddlewaretoken", token), ("page", "0"), *rest],
    )
    review_url = reverse("lms_quizzes:review", args=[attempt.pk])
    expect(location(reply) == review_url, f"submit went to {location(reply)!r}")
    browser.get(web_a, review_url)

    attempt = QuizAttempt.objects.get(pk=attempt.pk)
    expect(attempt.state == AttemptState.FINISHED, f"attempt is {attempt.state}")
    expect(attempt.submitted_at is not None, "attempt has no submission time")
    stored = saved_answers(attempt, answers)
    given = {k: sorted(v) if isinstance(v, list) else v for k, v in answers.items()}
    expect(stored == given, f"stored answers {stored} differ from given {given}")
    full = sum(Decimal(q["points"]) for q in questions)
    lost = Decimal(wrong["points"]) if wrong is not None else Decimal("0")
    expect(
        attempt.score == full - lost,
        f"score {attempt.score}, wanted {full - lost} of {full}",
    )
    expect(
        attempt.passed == (attempt.percent >= attempt.pass_mark),
        "pass/fail does not follow the pass mark",
    )
    log(
        f"learner: submitted on web B; graded in the database: "
        f"{attempt.score}/{full} ({attempt.percent}%), "
        f"{len(stored)} answers as given, review page shown by web A"
    )


# --- bulk issuance ------------------------------------------------------------


def bulk_issuance(web_a: Web, web_b: Web, data: dict, workers: list[str]) -> None:
    from django.urls import reverse

    from certificates.models import (
        Certificate,
        CertificateEvent,
        IssueBatch,
        IssueBatchItem,
    )
    from certificates.rendering import sha256_hex

    course, school = data["course"], data["school"]
    browser = Browser()
    browser.sign_in(web_a, SCHOOL_ADMIN)
    bulk_url = reverse("lms_certificates_bulk")
    choice = {
        "course": course.pk,
        "school": school.pk,
        "school_class": data["cohort_class"].pk,
        "role": "student",
    }
    page = browser.get(web_a, bulk_url, params=choice).text
    eligible = page.count('<input type="hidden" name="user" value=')
    expect(eligible == COUNT, f"preview lists {eligible} eligible, wanted {COUNT}")
    reply = browser.post(
        web_a, bulk_url, {**choice, "csrfmiddlewaretoken": csrf_token(page)}
    )
    match = re.search(r"/batches/(\d+)/$", location(reply))
    expect(match, f"bulk issue went to {location(reply)!r}")
    batch = IssueBatch.objects.get(pk=int(match.group(1)))
    log(f"bulk: school admin previewed {eligible} and started batch #{batch.pk} on A")

    began = time.monotonic()
    progress_url = reverse("lms_certificates_batch_progress", args=[batch.pk])
    polls, progress = 0, {}
    while time.monotonic() - began < TIMEOUT:
        progress = browser.get(web_b, progress_url).json()
        polls += 1
        if progress["finished"]:
            break
        time.sleep(0.25)
    elapsed = time.monotonic() - began
    expect(progress.get("finished"), f"batch not finished in {TIMEOUT}s: {progress}")
    expect(
        progress["done"] == COUNT and progress["failed"] == 0,
        f"batch finished with {progress}",
    )
    log(
        f"bulk: web B reported the batch finished after {polls} polls, "
        f"{elapsed:.1f}s: {progress['done']} done, {progress['failed']} failed"
    )

    queue_wait_idle()
    cohort = {user.pk for user in data["cohort"]}
    certificates = list(Certificate.objects.filter(course=course, holder__in=cohort))
    holders = [c.holder_id for c in certificates]
    expect(len(certificates) == COUNT, f"{len(certificates)} certificates, not {COUNT}")
    expect(set(holders) == cohort, "a student has none, or two")
    renders = Counter(
        CertificateEvent.objects.filter(
            certificate__in=certificates, action=CertificateEvent.Action.RENDERED
        ).values_list("certificate_id", flat=True)
    )
    expect(
        all(renders[c.pk] == 1 for c in certificates),
        "a certificate was not rendered exactly once",
    )
    for certificate in certificates:
        with certificate.pdf.open("rb") as handle:
            expect(
                sha256_hex(handle.read()) == certificate.pdf_sha256,
                f"the stored PDF of {certificate.serial} does not match its hash",
            )
    years = {c.year for c in certificates}
    numbers = sorted(
        Certificate.objects.filter(school_code=school.code, year__in=years).values_list(
            "number", flat=True
        )
    )
    expect(numbers == list(range(1, len(numbers) + 1)), "serials have a gap or twin")
    log(
        f"bulk: {COUNT} certificates, each rendered once with a matching PDF; "
        f"{school.code} serials 1..{len(numbers)} gapless"
    )

    # Who did the work, from RQ's records: each finished job keeps its result
    # in Redis with the name of the worker that ran it.
    import django_rq
    from django_tasks import default_task_backend
    from rq import Worker

    from certificates.tasks import batch_item_task

    items = dict(
        IssueBatchItem.objects.filter(batch=batch).values_list("pk", "certificate_id")
    )
    expect(
        set(items.values()) == {c.pk for c in certificates},
        "the batch items do not point at the students' certificates",
    )
    queue = django_rq.get_queue("default")
    by_item: dict[int, list[str]] = {}
    other_jobs: Counter = Counter()
    for job_id in queue.finished_job_registry.get_job_ids():
        result = default_task_backend.get_result(job_id)
        if result.task.module_path != batch_item_task.module_path:
            other_jobs.update((result.task.name, name) for name in result.worker_ids)
            continue
        item_id = result.args[0]
        if item_id in items:
            expect(result.return_value == "done", f"item {item_id}: {result}")
            by_item.setdefault(item_id, []).extend(result.worker_ids)
    expect(
        set(by_item) == set(items),
        f"{len(items) - len(by_item)} items have no finished job in RQ",
    )
    expect(
        all(len(names) == 1 for names in by_item.values()),
        "an item ran more than once",
    )
    per_worker = Counter(names[0] for names in by_item.values())
    expect(set(per_worker) <= set(workers), f"unknown workers: {sorted(per_worker)}")
    counted = {
        worker.name: worker.successful_job_count for worker in Worker.all(queue=queue)
    }
    for (task_name, worker), jobs in sorted(other_jobs.items()):
        log(f"queue: also {jobs} {task_name} job(s) on {worker}")
    for name in workers:
        log(
            f"bulk: {name} issued {per_worker[name]} certificates "
            f"(RQ counts {counted.get(name, 0)} successful jobs for it)"
        )
    expect(
        all(per_worker[name] > 0 for name in workers),
        "one worker did all the work",
    )


# --- running ------------------------------------------------------------------


def processes_stop(webs: list[Web], others: list[subprocess.Popen]) -> None:
    """Signal everything at once, then wait for each (killing what hangs):
    gunicorn's quick shutdown (SIGINT), as nothing is in flight any more, and a
    warm shutdown (SIGTERM) for the workers."""
    servers = [web.process for web in webs if web.process is not None]
    for process in servers + others:
        if process.poll() is None:
            quick = process in servers
            process.send_signal(signal.SIGINT if quick else signal.SIGTERM)
    for process in servers + others:
        stop(process)


def main() -> int:
    if len(sys.argv) != 2:
        raise SystemExit("usage: ci_multiprocess.py MAINTENANCE_DATABASE_URL")
    if COUNT < 20:
        raise SystemExit("LMS_MULTIPROCESS_CI_COUNT: at least 20, so both workers work")
    # SIGTERM (a cancelled CI job) ends like Ctrl-C: through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = Path(tempfile.mkdtemp(prefix="lms-multiprocess-"))
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["STATIC_ROOT"] = str(scratch / "static")
    processes: list[subprocess.Popen] = []
    web_a, web_b = Web("A"), Web("B")
    try:
        # Static files (hashed, for production settings) while the database fills.
        collect = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT
        )
        processes.append(collect)
        database_recreate(sys.argv[1])
        import django

        django.setup()
        data = prepare()
        redis_flush()
        expect(collect.wait() == 0, "collectstatic failed")
        log(f"database {DATABASE} migrated and seeded, {COUNT} students ready")

        names = [f"worker-{n}" for n in (1, 2)]
        processes += [start_worker(name) for name in names]
        names = [f"{name}-{os.getpid()}" for name in names]  # as start_worker names
        with ThreadPoolExecutor(2) as pool:  # both start at once, each checked
            list(pool.map(Web.start, (web_a, web_b)))
        workers_wait(names)
        log(
            f"web A on :{web_a.port}, web B on :{web_b.port} "
            f"({WEB_WORKERS} gunicorn workers each), RQ workers {', '.join(names)}"
        )

        learner_journey(web_a, web_b, data)
        bulk_issuance(web_a, web_b, data, names)
    except Failure as failure:
        log(f"FAILED: {failure}")
        return 1
    finally:
        processes_stop([web_a, web_b], processes)
        shutil.rmtree(scratch, ignore_errors=True)
    log("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

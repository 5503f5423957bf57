"""Where a learner request's time goes: every request of the load test's
learner mix, timed and profiled in-process (no network, no WSGI server).

    .venv/bin/python tests/benchmarks/bench_requests.py [--rounds 15]

Uses the load test's course (`bench_load.prepare_data`: six lessons and a
30-question quiz) under production settings on the database at DATABASE_URL.
Each round is one learner's second pass of the mix a load-test learner
makes without think time (the first, with enrolment, is left out): course
page, lesson page, lesson complete, quiz page, quiz start, attempt page,
three autosaves, submit, review, "My learning"; a sign-in
starts each round. Then the same rounds again under cProfile, with the CPU
time split by where it is spent (database driver, ORM query building,
templates, Wagtail, password hashing, the rest).

Writes `request_ms_p50` and `request_queries` per request name (the
second pass), `request_queries_first_visit` per request name (the most
any learner's first pass made: enrolment, first lesson, first attempt),
`request_queries_max` (the larger of the two, per request name, and
`request_queries_max_all`, the largest of all: the issue's "every learner
request, first visit included" as one figure),
`learner_mix_ms_per_request` (mean over the mix, sign-in excluded as in
the load test's steps; REDIS_URL cache and LMS_TASK_BACKEND=rq as in
production), `learner_mix_deferred_ms_per_request` (the CPU the jobs those
requests queued took in a worker, per request of the mix), the split as
`request_profile_share`, and the
profile's top functions to var/bench/request_profile.txt. A measurement,
not a test.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# As production runs: the shared Redis cache, and the work a learner action
# defers (report recounts) queued for the task workers rather than run in the
# request. The queued jobs are then run apart and reported on their own.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("LMS_TASK_BACKEND", "rq")
os.environ.setdefault("LMS_RQ_REDIS_URL", "redis://127.0.0.1:6379/15")

PROFILE_TXT = ROOT / "var" / "bench" / "request_profile.txt"
RADIO_RE = re.compile(r'<input type="radio" name="([^"]+)" id="[^"]*" value="([^"]+)"')
SAVE_URL_RE = re.compile(r'data-save-url="([^"]+)"')
SUBMIT_URL_RE = re.compile(r'<form method="post" action="([^"]+)" class="attempt-form"')

# Where CPU time is spent, by the file a function lives in (first match wins).
AREAS = [
    ("database driver", ("psycopg", "sqlite3")),  # psycopg2 and psycopg 3
    ("password hashing", ("argon2", "hashlib", "hashers.py")),
    ("ORM query building", ("django/db/models",)),
    ("templates", ("django/template", "jinja2")),
    ("Wagtail", ("wagtail/",)),
    ("Django other", ("django/",)),
    ("our code", (str(ROOT),)),
]


def area_of(filename: str, function: str) -> str:
    # C functions have no file ("~"); their name says whose they are, e.g.
    # "<method 'execute' of 'psycopg2.extensions.cursor' objects>".
    where = function if filename == "~" else filename
    for name, needles in AREAS:
        if any(needle in where for needle in needles):
            return name
    return "Python and other libraries"


class Learner:
    """One learner going through the mix with Django's test client."""

    HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "secure": True}

    handler = None  # one WSGI handler for every learner, as in a web worker

    def __init__(self, config: dict, username: str, record):
        from django.test import Client

        self.client = Client()
        # A new client loads the middleware again (WhiteNoise scans every
        # static file then); a worker does that once, not per learner.
        if Learner.handler is None:
            Learner.handler = self.client.handler
        self.client.handler = Learner.handler
        self.config, self.username, self.record = config, username, record

    def call(self, name: str, method: str, url: str, data=None, **extra):
        send = getattr(self.client, method)
        return self.record(name, lambda: send(url, data or {}, **self.HEADERS, **extra))

    def round(self, lesson: str) -> None:
        config = self.config
        self.client.cookies.clear()
        reply = self.call(
            "sign in",
            "post",
            config["login_url"],
            {"username": self.username, "password": config["student_password"]},
        )
        assert reply.status_code == 302, reply.status_code
        self.call("course page", "get", config["course_url"])
        self.call("lesson page", "get", lesson)
        self.call("lesson complete", "post", lesson, {"action": "complete"})
        self.call("quiz page", "get", config["quiz_url"])
        start = self.call("quiz start", "post", config["quiz_url"], {"action": "start"})
        html = self.call("attempt page", "get", start["Location"]).content.decode()
        save_url = SAVE_URL_RE.search(html).group(1)
        submit_url = SUBMIT_URL_RE.search(html).group(1)
        questions: dict[str, list[str]] = {}
        for key, value in RADIO_RE.findall(html):
            questions.setdefault(key, []).append(value)
        keys, answers = list(questions), {}
        for begin in range(0, len(keys), 10):
            for key in keys[begin : begin + 10]:
                answers[key] = questions[key][0]
            self.call(
                "quiz autosave",
                "post",
                save_url,
                {"page": "0", **answers},
                HTTP_ACCEPT="application/json",
            )
        review = self.call("quiz submit", "post", submit_url, {"page": "0", **answers})
        self.call("quiz review", "get", review["Location"])
        self.call("my learning", "get", config["my_learning_url"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.benchmarks.bench_load import prepare_data
    from tests.benchmarks.results import results_merge

    setup = argparse.Namespace(students=2 * args.rounds + 4, steps="", lessons=6)
    setup.questions = 30
    config = prepare_data(setup)
    timings: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    first_visit: dict[str, int] = {}

    def drain() -> tuple[int, float]:
        """Run every queued job in this process; (jobs, CPU seconds)."""
        from django.conf import settings

        if not getattr(settings, "RQ_QUEUES", None):
            return 0, 0.0
        from django_rq import get_queue, get_worker
        from rq import SimpleWorker

        jobs = get_queue("default").count
        began = time.process_time()
        get_worker(
            "default", job_class="django_tasks_rq.Job", worker_class=SimpleWorker
        ).work(burst=True, logging_level="WARNING")
        return jobs, time.process_time() - began

    def counted(name, send):
        with CaptureQueriesContext(connection) as captured:
            reply = send()
        first_visit[name] = max(first_visit.get(name, 0), len(captured))
        assert reply.status_code in (200, 302), (name, reply.status_code)
        return reply

    def timed(name, send):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            reply = send()
            timings[name].append((time.perf_counter() - began) * 1000)
        queries[name] = len(captured)
        assert reply.status_code in (200, 302), (name, reply.status_code)
        return reply

    def untimed(name, send):
        reply = send()
        assert reply.status_code in (200, 302), (name, reply.status_code)
        return reply

    lessons = config["lesson_urls"]
    warm = Learner(config, config["student_pattern"] % 1, untimed)
    warm.round(lessons[0])
    drain()
    # Each learner's first pass (enrolment, first lesson) is left out: the
    # load test's learners repeat the mix, so the second pass is the usual one.
    deferred_jobs, deferred_seconds = 0, 0.0
    for number in range(args.rounds):
        account = config["student_pattern"] % (number + 2)
        Learner(config, account, counted).round(lessons[number % len(lessons)])
        drain()
        learner = Learner(config, account, timed)
        learner.round(lessons[(number + 1) % len(lessons)])
        jobs, seconds = drain()
        deferred_jobs += jobs
        deferred_seconds += seconds

    profiler = cProfile.Profile()
    for number in range(args.rounds):
        account = config["student_pattern"] % (args.rounds + number + 2)
        Learner(config, account, untimed).round(lessons[number % len(lessons)])
        learner = Learner(config, account, untimed)
        profiler.enable()
        learner.round(lessons[(number + 1) % len(lessons)])
        profiler.disable()
        drain()

    stats = pstats.Stats(profiler)
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _line, function), row in stats.stats.items():
        by_area[area_of(filename, function)] += row[2]  # own time (tottime)
    total = sum(by_area.values())
    share = {name: round(seconds / total, 3) for name, seconds in by_area.items()}

    p50 = {
        name: round(statistics.median(values), 2) for name, values in timings.items()
    }
    mix = [
        value
        for name, values in timings.items()
        if name != "sign in"
        for value in values
    ]
    per_request = statistics.mean(mix)
    queries_max = {
        name: max(queries.get(name, 0), first_visit.get(name, 0))
        for name in {**first_visit, **queries}
    }
    figures = {
        "request_ms_p50": p50,
        "request_queries": queries,
        "request_queries_first_visit": first_visit,
        "request_queries_max": queries_max,
        "request_queries_max_all": max(queries_max.values()),
        "learner_mix_ms_per_request": round(per_request, 2),
        "learner_mix_deferred_jobs": deferred_jobs,
        "learner_mix_deferred_ms_per_request": round(
            1000 * deferred_seconds / len(mix), 2
        ),
        "request_profile_share": dict(sorted(share.items(), key=lambda kv: -kv[1])),
    }
    results_merge(figures)

    text = io.StringIO()
    text.write(f"{args.rounds} rounds of the learner mix, profiled\n\n")
    for name, value in figures["request_profile_share"].items():
        text.write(f"{name:30s} {value:6.1%}\n")
    text.write("\n")
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    PROFILE_TXT.parent.mkdir(parents=True, exist_ok=True)
    PROFILE_TXT.write_text(text.getvalue())

    print(f"{'request':18s} {'p50 ms':>8s} {'queries':>8s} {'first':>6s}")
    for name in timings:
        print(
            f"{name:18s} {p50[name]:8.1f} {queries[name]:8d}"
            f" {first_visit.get(name, 0):6d}"
        )
    print(f"mean over the mix (no sign-in): {per_request:.1f} ms per request")
    print(
        f"deferred: {deferred_jobs} jobs, "
        f"{figures['learner_mix_deferred_ms_per_request']} ms per request of the mix"
    )
    print("CPU by area:", figures["request_profile_share"])
    print(f"profile: {PROFILE_TXT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

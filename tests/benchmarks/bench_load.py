"""Load test: Locust (headless) against gunicorn + PostgreSQL on this machine.

    .venv/bin/python tests/benchmarks/bench_load.py [--students 500] \
        [--phases rush,steps] [--workers 4] ...

Run by `bash lms/scripts/bench.sh bench_load` (production settings, database
`lms_bench`). It prepares the data (seed_demo, a load course with lessons and
a 30-question quiz, `--students` learners with one password hashed once),
starts gunicorn on 127.0.0.1 and, as production runs, a private Redis for
the cache and the task queue with `--task-workers` RQ workers
(LMS_TASK_BACKEND=rq: the report recounts a learner action asks for run
there, not in the web workers; `--task-workers 0` or `--no-redis`: the
embedded backend), measures learner page weight, then runs
tests/benchmarks/load/locustfile.py twice:

1. "rush": the class period (see the locustfile): p50/p95/p99, requests/s and
   errors of every request → load_p50_ms, load_p95_ms, load_p99_ms,
   load_requests_per_second, load_error_count.
2. "steps": the same mix without think time, more users each step until p95
   passes 300 ms → learner_mix_rps_per_core (best requests/s held with p95 <=
   300 ms and no errors, divided by os.cpu_count()). Locust runs on the same
   cores; its CPU share is reported next to it.

After each phase the queue is drained (load_task_jobs: jobs the workers
ran, load_task_jobs_failed, load_task_queue_left: still queued or running
when the wait ran out). Then web_worker_rss_mb (median RSS of the gunicorn
workers after the load). Figures are merged into var/bench/latest.json; with
`--label NAME` they go to var/bench/serving.json under NAME instead, so
serving stacks (`--worker-class`, `--workers`, `--threads`, `--conn-max-age`,
`--db-pool`) can be compared side by side. A measurement, not a test.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GUNICORN_CONF = ROOT / "lms" / "gunicorn.conf.py"
LOCUSTFILE = ROOT / "tests" / "benchmarks" / "load" / "locustfile.py"
BIN = Path(sys.executable).parent
STUDENT_PATTERN = "load.hs%04d"
STUDENT_PASSWORD = "load-test-12345"  # noqa: S105 - throwaway bench accounts
STAFF_PASSWORD = "demo12345"  # noqa: S105 - seed_demo's documented password
COURSE_SLUG = "load-course"
BENCH_DATABASE = os.environ.get("DATABASE_URL", "lms_bench").rsplit("/", 1)[-1]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--phases", default="rush,steps", help="comma-separated: rush, steps")
    add("--students", type=int, default=500)
    add("--staff", type=int, default=2, help="staff opening the report")
    add("--signin-window", type=float, default=240, help="seconds to sign all in")
    add("--rush-window", type=float, default=30, help="quiz starts within (s)")
    add("--after-rush", type=float, default=90, help="seconds run after the rush")
    add("--think-min", type=float, default=5)
    add("--think-max", type=float, default=15)
    add("--rush-saves", type=int, default=6, help="autosaves per attempt (rush)")
    add("--steps", default="2,4,6,8,12,16,24,32", help="users at each step")
    add("--step-seconds", type=float, default=25)
    add("--step-warmup", type=float, default=8, help="seconds left out per step")
    add("--steps-saves", type=int, default=3, help="autosaves per attempt (steps)")
    add("--p95-limit-ms", type=float, default=300)
    add("--workers", type=int, default=4)
    add("--threads", type=int, default=1)
    add("--worker-class", default="sync")
    add("--config", default=str(GUNICORN_CONF), help="gunicorn settings file")
    add("--port", type=int, default=0, help="0: a free port")
    add("--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE for gunicorn")
    add("--db-pool", action="store_true", help="DB_POOL=1 (needs the pool extra)")
    add("--redis", action=argparse.BooleanOptionalAction, default=True)
    add("--task-workers", type=int, default=1, help="RQ workers (0: embedded)")
    add("--drain-timeout", type=float, default=300, help="seconds to empty the queue")
    add("--label", default="", help="write to var/bench/serving.json under this")
    add("--lessons", type=int, default=6)
    add("--questions", type=int, default=30)
    add("--keep-files", action="store_true", help="keep the samples directory")
    return parser.parse_args()


def ensure_locust() -> None:
    try:
        import locust  # noqa: F401
    except ImportError:
        print("==> Installing the load-test extra (.[load])")
        subprocess.run(  # noqa: S603 - our own interpreter
            [BIN / "python", "-m", "pip", "install", "-q", "-c", "constraints.txt"]
            + ["-e", ".[load]"],
            cwd=ROOT,
            check=True,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- data -----------------------------------------------------------------


def prepare_data(args) -> dict:
    """Demo data, the load course and the learners; old load activity removed."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.urls import reverse

    from courses.models import (
        CourseCompletion,
        CourseIndexPage,
        CoursePage,
        Enrolment,
        LessonPage,
        LessonProgress,
    )
    from lms.people.models import Membership, Role, SchoolClass, User
    from lms.people.policies import current_school_year
    from lms.people.profiles import profile_update
    from quizzes.models import Choice, Question, QuizAttempt, QuizPage, QuizSlot

    call_command("migrate", verbosity=0, interactive=False)
    # The benchmark's own database: its load learners and course are not the
    # demo's, so a second run seeds past them (they are never changed).
    call_command("seed_demo", verbosity=0, force=True)
    catalogue = CourseIndexPage.objects.get(slug="khoa-hoc")
    course = CoursePage.objects.child_of(catalogue).filter(slug=COURSE_SLUG).first()
    if course is None:
        course = CoursePage(
            title="Khóa học kiểm thử tải",
            slug=COURSE_SLUG,
            summary="Dùng cho kiểm thử tải: một tiết học cả trường làm bài.",
            for_students=True,
            # Measured: starting the quiz at once, lessons unread.
            lessons_before_quizzes=False,
        )
        catalogue.add_child(instance=course)
        course.save_revision().publish()
        body = [
            ("heading", {"text": "Mục tiêu", "level": "h2"}),
            (
                "paragraph",
                "<p>" + "Nội dung bài học về an toàn trên mạng. " * 40 + "</p>",
            ),
        ]
        for number in range(1, args.lessons + 1):
            lesson = LessonPage(title=f"Bài {number}", slug=f"bai-{number}", body=body)
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        quiz = QuizPage(title="Bài kiểm tra cuối khóa", slug="kiem-tra", pass_mark=70)
        course.add_child(instance=quiz)
        category = (
            Question.objects.filter(category__name__isnull=False).first().category
        )
        for index in range(args.questions):
            question = Question.objects.create(
                category=category,
                qtype="single_choice",
                text=f"<p>Câu hỏi kiểm thử tải số {index + 1}?</p>",
            )
            Choice.objects.create(question=question, text="Đúng", fraction=100)
            for wrong in ("Sai một", "Sai hai", "Sai ba"):
                Choice.objects.create(question=question, text=wrong, fraction=0)
            QuizSlot.objects.create(quiz=quiz, question=question, sort_order=index)
        quiz.save_revision().publish()
    quiz = QuizPage.objects.child_of(course).get()
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))

    steps = [int(n) for n in args.steps.split(",") if n]
    wanted = args.students + max(steps, default=0)
    # DEMO's two classes of the school year under way.
    classes = list(
        SchoolClass.objects.filter(
            school__code="DEMO", school_year=current_school_year()
        ).order_by("pk")[:2]
    )
    existing = set(
        User.objects.filter(username__startswith="load.hs").values_list(
            "username", flat=True
        )
    )
    hashed = make_password(STUDENT_PASSWORD)  # once: the hasher is slow on purpose
    created = 0
    for number in range(1, wanted + 1):
        username = STUDENT_PATTERN % number
        if username in existing:
            continue
        user = User(username=username)
        user.password = hashed
        user.save()
        profile_update(user=user, full_name=f"Học Sinh Tải {number:04d}")
        school_class = classes[number % len(classes)]
        Membership.objects.create(
            user=user,
            role=Role.STUDENT,
            school=school_class.school,
            school_year=school_class.school_year,
            school_class=school_class,
        )
        created += 1
    load_users = User.objects.filter(username__startswith="load.hs")
    # Hashes from an earlier run may be of another hasher or cost; a sign-in
    # would then re-hash too, which is not what a usual sign-in costs.
    load_users.update(password=hashed)
    QuizAttempt.objects.filter(user__in=load_users).delete()
    LessonProgress.objects.filter(user__in=load_users).delete()
    CourseCompletion.objects.filter(user__in=load_users).delete()
    Enrolment.objects.filter(user__in=load_users).delete()
    print(f"    {created} learners created, {load_users.count()} in all")
    return {
        "login_url": reverse("lms_people:login"),
        "my_learning_url": reverse("lms_courses:my_learning"),
        "catalogue_url": catalogue.url,
        "course_url": course.url,
        "lesson_urls": [lesson.url for lesson in lessons],
        "quiz_url": quiz.url,
        "report_url": reverse("lms_courses_learners", args=[course.pk]),
        "student_pattern": STUDENT_PATTERN,
        "student_password": STUDENT_PASSWORD,
        "staff_accounts": ["admin", "teacher"],
        "staff_password": STAFF_PASSWORD,
    }


# --- servers --------------------------------------------------------------


def start_redis(tmp: Path) -> tuple[subprocess.Popen | None, str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        return None, None
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def start_gunicorn(args, port: int, env: dict) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "lms.wsgi:application",
        "--config",
        args.config,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        args.worker_class,
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    import urllib.request

    for _ in range(150):
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback
                f"http://127.0.0.1:{port}/healthz", timeout=2
            ) as reply:
                if reply.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz")


def start_task_workers(count: int, env: dict) -> list[subprocess.Popen]:
    """RQ workers as docs/deployment.md runs them (SimpleWorker: no fork per job)."""
    return [
        subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [str(BIN / "python"), "manage.py", "rqworker"]
            + ["--job-class", "django_tasks_rq.Job"]
            + ["--worker-class", "rq.worker.SimpleWorker"]
            + ["--name", f"bench-load-{os.getpid()}-{number}", "--verbosity", "0"]
            + ["default"],
            cwd=ROOT,
            env=env,
        )
        for number in range(count)
    ]


def queue_drain(queue_url: str, timeout: float) -> dict:
    """Wait until the task workers have emptied the queue; what they ran so far."""
    from redis import Redis
    from rq import Queue, Worker

    queue = Queue("default", connection=Redis.from_url(queue_url))
    began = time.monotonic()
    while True:
        left = queue.count + queue.started_job_registry.count
        if not left or time.monotonic() - began > timeout:
            break
        time.sleep(0.5)
    workers = Worker.all(queue=queue)
    return {
        "load_task_jobs": sum(w.successful_job_count for w in workers),
        "load_task_jobs_failed": sum(w.failed_job_count for w in workers),
        "load_task_queue_left": left,
        "load_task_drain_seconds": round(time.monotonic() - began, 1),
    }


def stop(process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- page weight ----------------------------------------------------------


class _LoopbackSession:
    """A requests session that sends production's Secure cookies over loopback
    HTTP, as the TLS-terminating proxy would over HTTPS."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.session = requests.Session()
        self.session.headers.update(
            {"X-Forwarded-Proto": "https", "Origin": base.replace("http:", "https:")}
        )

    def request(self, method: str, url: str, **kwargs):
        reply = self.session.request(method, self.base + url, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False
        return reply


def page_weight(base: str, config: dict) -> dict:
    """Gzip bytes of the HTML, CSS and JS of learner pages, and static headers."""
    session = _LoopbackSession(base)
    html = session.request("GET", config["login_url"]).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    username = config["student_pattern"] % 1
    reply = session.request(
        "POST",
        config["login_url"],
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": config["student_password"],
        },
        allow_redirects=False,
    )
    assert reply.status_code == 302, reply.status_code
    pages = {
        "catalogue": config["catalogue_url"],
        "course": config["course_url"],
        "lesson": config["lesson_urls"][0],
        "quiz": config["quiz_url"],
        "my_learning": config["my_learning_url"],
    }
    assets: dict[str, tuple[int, str, str]] = {}
    weights = {}
    queue = list(pages.items())  # the attempt page joins once started
    for name, url in queue:
        reply = session.request(
            "GET", url, headers={"Accept-Encoding": "gzip"}, stream=True
        )
        raw = reply.raw.read()
        total = len(raw)
        text = reply.content.decode() if not raw else _decoded(raw, reply)
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', text):
            if asset not in assets:
                static = session.request(
                    "GET", asset, headers={"Accept-Encoding": "gzip"}, stream=True
                )
                assets[asset] = (
                    len(static.raw.read()),
                    static.headers.get("Cache-Control", ""),
                    static.headers.get("Content-Encoding", ""),
                )
            total += assets[asset][0]
        weights[name] = round(total / 1024, 1)
        if name == "quiz":
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
            start = session.request(
                "POST",
                url,
                data={"csrfmiddlewaretoken": token.group(1), "action": "start"},
                allow_redirects=False,
            )
            queue.append(("attempt", start.headers["Location"]))
    return {"pages": weights, "assets": assets}


def anonymous_page_times(base: str, config: dict, runs: int = 30) -> dict:
    """Median ms of anonymous catalogue and course pages, from the page cache and
    past it (a query string bypasses the cache, the page is rendered)."""
    import requests

    figures = {}
    for name in ("catalogue", "course"):
        url = base + config[f"{name}_url"]
        for mode in ("cached", "uncached"):
            times, states = [], set()
            for run in range(runs + 1):
                target = url if mode == "cached" else f"{url}?run={run}"
                started = time.perf_counter()
                reply = requests.get(
                    target, headers={"X-Forwarded-Proto": "https"}, timeout=30
                )
                elapsed = (time.perf_counter() - started) * 1000
                assert reply.status_code == 200, (target, reply.status_code)
                if run:  # the first one fills the cache
                    times.append(elapsed)
                    states.add(reply.headers.get("X-LMS-Page-Cache", "none"))
            figures[f"anonymous_{name}_ms_{mode}"] = round(statistics.median(times), 2)
            figures[f"anonymous_{name}_cache_{mode}"] = ",".join(sorted(states))
    return figures


def _decoded(raw: bytes, reply) -> str:
    import gzip

    if reply.headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(raw).decode()
    return raw.decode()


# --- measuring ------------------------------------------------------------


class CpuWatch(threading.Thread):
    """CPU seconds used by Locust, gunicorn, the RQ task workers, our PostgreSQL
    backends and Redis, and by everything else on the machine, sampled once a
    second."""

    NAMES = ("locust", "gunicorn", "tasks", "database", "others")

    def __init__(self, locust_pid: int, stack: dict):
        super().__init__(daemon=True)
        self.locust_pid, self.gunicorn_pid = locust_pid, stack["gunicorn"]
        self.redis_pid, self.task_pids = stack["redis"], stack["tasks"]
        self.rows: list[tuple[float, ...]] = []
        self.totals = dict.fromkeys(self.NAMES, 0.0)
        self.last: dict[int, float] = {}
        # The largest resident memory any web worker had at a sample: workers
        # are recycled (gunicorn.conf.py's max_requests), so the figure at the
        # end alone could miss what one grew to before it was replaced.
        self.worker_rss_peak = 0.0
        self.running = True

    def _group(self, process) -> str | None:
        pid = process.pid
        if pid == self.locust_pid:
            return "locust"
        if pid == self.redis_pid:
            return "database"
        if pid == self.gunicorn_pid or process.ppid() == self.gunicorn_pid:
            return "gunicorn"
        if pid in self.task_pids:
            return "tasks"
        name = process.info["name"] or ""
        if name.startswith("postgres"):
            cmdline = " ".join(process.info["cmdline"] or [])
            return "database" if BENCH_DATABASE in cmdline else None
        return None

    def run(self):
        import psutil

        started = time.time()
        busy_first = None
        while self.running:
            seen = set()
            for process in psutil.process_iter(["name", "cmdline"]):
                try:
                    group = self._group(process)
                    if group is None:
                        continue
                    times = process.cpu_times()
                    if group == "gunicorn" and process.pid != self.gunicorn_pid:
                        rss = process.memory_info().rss / 2**20
                        self.worker_rss_peak = max(self.worker_rss_peak, rss)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                used = times.user + times.system
                seen.add(process.pid)
                self.totals[group] += max(0.0, used - self.last.get(process.pid, used))
                self.last[process.pid] = used
            self.last = {pid: v for pid, v in self.last.items() if pid in seen}
            system = psutil.cpu_times()
            busy = system.user + system.system + system.nice + system.irq
            busy += system.softirq + getattr(system, "steal", 0.0)
            if busy_first is None:
                busy_first = busy
            ours = sum(self.totals[n] for n in self.NAMES[:-1])
            self.totals["others"] = max(0.0, busy - busy_first - ours)
            self.rows.append(
                (time.time() - started, *(self.totals[n] for n in self.NAMES))
            )
            time.sleep(1)

    def share(self, start: float = 0, end: float = 1e12) -> dict:
        """Each group's share of all the machine's cores between two times."""
        rows = [row for row in self.rows if start <= row[0] <= end]
        if len(rows) < 2:
            return {}
        wall = (rows[-1][0] - rows[0][0]) * (os.cpu_count() or 1)
        return {
            name: round((rows[-1][i + 1] - rows[0][i + 1]) / wall, 3)
            for i, name in enumerate(self.NAMES)
        }


def run_locust(args, phase, config, base, tmp, stack: dict):
    config_path = tmp / f"{phase}.json"
    samples_path = tmp / f"{phase}-samples.jsonl"
    config_path.write_text(json.dumps(config))
    env = {
        **os.environ,
        "LMS_LOAD_CONFIG": str(config_path),
        "LMS_LOAD_SAMPLES": str(samples_path),
    }
    classes = ["Student", "Staff"] if phase == "rush" else ["Student"]
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "30",
        *classes,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    watch = CpuWatch(process.pid, stack)
    watch.start()
    process.wait()
    watch.running = False
    samples, quiz_starts = [], []
    for line in samples_path.read_text().splitlines():
        row = json.loads(line)
        if row[0] == "quiz_starts":
            quiz_starts = row[1]
        else:
            samples.append(row)
    return samples, quiz_starts, watch


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples: list) -> dict:
    times = [s[3] for s in samples]
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if not s[5]),
        "p50": round(percentile(times, 0.50), 1),
        "p95": round(percentile(times, 0.95), 1),
        "p99": round(percentile(times, 0.99), 1),
    }


def print_by_name(samples: list) -> None:
    names = sorted({s[2] for s in samples})
    print(f"    {'request':<24}{'n':>7}{'err':>5}{'p50':>8}{'p95':>8}{'p99':>8}")
    for name in names:
        figures = summary([s for s in samples if s[2] == name])
        print(
            f"    {name:<24}{figures['requests']:>7}{figures['errors']:>5}"
            f"{figures['p50']:>8}{figures['p95']:>8}{figures['p99']:>8}"
        )
    errors = [s for s in samples if not s[5]]
    for sample in errors[:5]:
        print(f"    error: {sample[2]}: {sample[6]}")


def worker_rss_mb(master_pid: int) -> list[float]:
    import psutil

    workers = psutil.Process(master_pid).children()
    return sorted(round(w.memory_info().rss / 2**20, 1) for w in workers)


def environment_defaults() -> None:
    """Production settings with a throwaway key, unless bench.sh set them; done
    when the load test runs, not when another program imports its helpers."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def main() -> None:
    environment_defaults()
    args = parse_args()
    if args.db_pool and not importlib.util.find_spec("psycopg_pool"):
        sys.exit("--db-pool needs psycopg 3 and its pool: pip install -e '.[pool]'")
    ensure_locust()
    phases = [p for p in args.phases.split(",") if p]
    print("==> preparing data")
    config = prepare_data(args)
    from tests.benchmarks.results import results_label, results_merge

    tmp = Path(tempfile.mkdtemp(prefix="lms-load-"))
    redis_process, redis_url = start_redis(tmp) if args.redis else (None, None)
    env = {**os.environ, "DB_CONN_MAX_AGE": str(args.conn_max_age)}
    if args.db_pool:
        env["DB_POOL"] = "1"  # lms/db_pool.py; start-up fails without psycopg 3
    queue_url = None
    if redis_url:
        # As docs/deployment.md: the cache on /1, the task queue on /0.
        env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/1"
        if args.task_workers > 0:
            queue_url = redis_url
            env.update(LMS_TASK_BACKEND="rq", LMS_RQ_REDIS_URL=queue_url)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    cores = os.cpu_count() or 1
    server = start_gunicorn(args, port, env)
    task_workers = start_task_workers(args.task_workers, env) if queue_url else []
    stack = {
        "gunicorn": server.pid,
        "redis": redis_process.pid if redis_process else None,
        "tasks": {worker.pid for worker in task_workers},
    }

    def drained(figure: str) -> dict:
        """Empty the queue after a phase, so the next starts without a backlog."""
        if not queue_url:
            return {}
        result = queue_drain(queue_url, args.drain_timeout)
        result[figure] = result.pop("load_task_drain_seconds")
        print(f"    task queue: {result}")
        return result

    figures: dict = {}
    load_average_before = round(os.getloadavg()[0], 2)
    try:
        weight = page_weight(base, config)
        print("==> learner page weight (gzip, HTML + CSS + JS, KiB)")
        for name, kib in weight["pages"].items():
            print(f"    {name:<12}{kib:>8}")
        for asset, (size, cache_control, encoding) in weight["assets"].items():
            print(f"    {asset}: {size} B {encoding or 'identity'}; {cache_control}")
        max_ages = [
            int(m.group(1))
            for _s, cc, _e in weight["assets"].values()
            if (m := re.search(r"max-age=(\d+)", cc))
        ]
        figures.update(
            learner_page_weight_kb=max(weight["pages"].values()),
            learner_page_weight_kb_by_page=weight["pages"],
            static_max_age_seconds=min(max_ages) if max_ages else 0,
            static_compressed=all(e for _s, _c, e in weight["assets"].values()),
        )
        figures.update(anonymous_page_times(base, config))
        common = {
            **config,
            "think_min": args.think_min,
            "think_max": args.think_max,
            "staff": args.staff,
            "p95_limit_ms": args.p95_limit_ms,
        }
        peaks: list[float] = []
        if "rush" in phases:
            rush_at = args.signin_window + 10
            rush = {
                **common,
                "scenario": "rush",
                "students": args.students,
                "first_student": 1,
                "signin_window": args.signin_window,
                "rush_at": rush_at,
                "rush_window": args.rush_window,
                "rush_saves": args.rush_saves,
                "run_seconds": rush_at + args.rush_window + args.after_rush,
            }
            print(
                f"==> rush: {args.students} learners + {args.staff} staff, "
                f"think {args.think_min}-{args.think_max} s, "
                f"{rush['run_seconds']:.0f} s"
            )
            samples, starts, watch = run_locust(args, "rush", rush, base, tmp, stack)
            print_by_name(samples)
            overall = summary(samples)
            duration = max(s[0] for s in samples) if samples else 1
            no_signin = summary([s for s in samples if s[2] != "sign in"])
            rush_samples = [
                s for s in samples if rush_at <= s[0] <= rush_at + args.rush_window + 60
            ]
            cpu = watch.share()
            peaks.append(watch.worker_rss_peak)
            figures.update(
                load_average_at_start=load_average_before,
                load_p50_ms=overall["p50"],
                load_p95_ms=overall["p95"],
                load_p99_ms=overall["p99"],
                load_error_count=overall["errors"],
                load_requests=overall["requests"],
                load_requests_per_second=round(overall["requests"] / duration, 1),
                load_p95_ms_without_sign_in=no_signin["p95"],
                load_rush_p95_ms=summary(rush_samples)["p95"],
                load_quiz_starts=len(starts),
                load_quiz_start_spread_seconds=round(max(starts) - min(starts), 1)
                if starts
                else None,
                load_cpu_share=cpu,
                load_students=args.students,
            )
            figures.update(drained("load_task_drain_seconds"))
        if "steps" in phases:
            steps = [int(n) for n in args.steps.split(",") if n]
            stepped = {
                **common,
                "scenario": "steps",
                "think_min": 0,
                "think_max": 0,
                "first_student": args.students + 1,
                "steps": steps,
                "step_seconds": args.step_seconds,
                "step_warmup": args.step_warmup,
                "steps_saves": args.steps_saves,
            }
            print(f"==> steps without think time: users {steps}")
            samples, _starts, watch = run_locust(
                args, "steps", stepped, base, tmp, stack
            )
            table = []
            for index, users in enumerate(steps):
                start = index * args.step_seconds + args.step_warmup
                end = (index + 1) * args.step_seconds
                window = [
                    s for s in samples if start <= s[0] < end and s[2] != "sign in"
                ]
                if not window:
                    break
                figures_step = summary(window)
                figures_step["users"] = users
                figures_step["rps"] = round(len(window) / (end - start), 1)
                figures_step["cpu"] = watch.share(start, end)
                table.append(figures_step)
            peaks.append(watch.worker_rss_peak)
            header = ("users", "req/s", "p50", "p95", "p99", "err")
            print("    " + "".join(f"{h:>8}" for h in header))
            for row in table:
                print(
                    f"    {row['users']:>8}{row['rps']:>8}{row['p50']:>8}"
                    f"{row['p95']:>8}{row['p99']:>8}{row['errors']:>8}  {row['cpu']}"
                )
            held = [
                row
                for row in table
                if row["p95"] <= args.p95_limit_ms and row["errors"] == 0
            ]
            best = max(held, key=lambda row: row["rps"]) if held else None
            figures.update(
                learner_mix_rps_per_core=round(best["rps"] / cores, 1) if best else 0,
                learner_mix_best_step=best,
                learner_mix_steps=table,
                learner_mix_locust_cpu_share=(
                    best["cpu"].get("locust") if best else None
                ),
            )
            figures.update(drained("learner_mix_task_drain_seconds"))
        rss = worker_rss_mb(server.pid)
        figures.update(
            web_worker_rss_mb=statistics.median(rss),
            web_worker_rss_mb_all=rss,
            web_worker_rss_mb_peak=round(max(peaks), 1) if peaks else None,
        )
    finally:
        stop(server)
        for worker in task_workers:  # warm shutdown: the job in hand finishes
            stop(worker, signal.SIGINT)
        stop(redis_process)
        if not args.keep_files:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"    samples kept in {tmp}")
    connections = f"DB_CONN_MAX_AGE={args.conn_max_age}"
    if args.db_pool:
        connections = "DB_POOL=1"
    tasks = f"rq workers={len(task_workers)}" if queue_url else "tasks embedded"
    figures.update(
        load_server=(
            f"gunicorn {args.worker_class} workers={args.workers} "
            f"threads={args.threads}, {connections}, "
            f"cache={'redis' if redis_url else 'locmem'}, {tasks}"
        ),
        load_cores=cores,
    )
    if args.label:
        results_label(args.label, figures)
    else:
        results_merge(figures)
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

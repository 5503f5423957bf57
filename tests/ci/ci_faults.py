"""CI: the fault drill of issue 20. Learning goes on, nothing is lost.

Run by tests/ci/ci_faults.sh, which exports production settings. This
script starts everything it breaks, privately, under one scratch directory:

- PostgreSQL (initdb, its own port and data directory; restarted mid-run),
- Redis (its own port; stopped for 30 s),
- a size-limited media volume (tmpfs with size=; filled up),
- an SMTP receiver in this process (its port closed for a while),
- two gunicorn web processes and two RQ workers, kept running by a small
  supervisor as systemd would (a worker that exits is started again).

Learners (HTTP clients behind a pretend load balancer that alternates between
the web processes) sign in, go through the lessons and take the quiz, saving
each answer with the page's autosave, while the faults are injected one after
the other. A learner who meets an error does what the page asks: waits
(Retry-After, else a second) and tries again.

After the last fault the scheduled jobs run once, as cron would, and the drill
checks: every autosave the server acknowledged is stored; every submitted
attempt is graded exactly once with the right score; every completion has
exactly one certificate, rendered once, with gapless serials; no e-mail was
sent twice and every "certificate ready" e-mail arrived. Then it prints, per
fault, the requests made, the errors seen inside the fault window and after
it, and the records checked.

Exits non-zero when a check fails, when a learner met any error outside a
fault window, or an unclear one (anything but a 503 page) inside it.
"""

import email
import email.header
import errno
import glob
import hashlib
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_load import BIN, free_port  # noqa: E402
from tests.ci.ci_multiprocess import csrf_token, form_fields  # noqa: E402
from tests.ci.ci_queue import PYTHON  # noqa: E402

LEARNERS = int(os.environ.get("LMS_FAULTS_CI_LEARNERS", "3"))
REDIS_DOWN = float(os.environ.get("LMS_FAULTS_CI_REDIS_SECONDS", "30"))
DISK_FULL = float(os.environ.get("LMS_FAULTS_CI_DISK_SECONDS", "15"))
MAIL_DOWN = float(os.environ.get("LMS_FAULTS_CI_MAIL_SECONDS", "15"))
POSTGRES_DOWN = float(os.environ.get("LMS_FAULTS_CI_POSTGRES_SECONDS", "5"))
SETTLE = 6.0  # normal running between two faults
GRACE = 5.0  # a fault's window ends this long after the service is back
THINK = 0.5  # a learner reads a page this long before the next step
RETRY_FOR = 90.0  # a learner gives up on one request after this long
CACHE = os.environ.get("LMS_FAULTS_CI_CACHE", str(ROOT / "var" / "cache"))
SEED = os.environ.get("LMS_FAULTS_CI_SEED", "drill")  # or "demo": all of seed_demo
MEDIA_SIZE = os.environ.get("LMS_FAULTS_CI_MEDIA_SIZE", "64m")
PUBLIC_HOST = "lms.faults.test"
PASSWORD = "ci-faults-12345"  # noqa: S105 - throwaway accounts, scratch database
STARTED = time.monotonic()
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
ATTEMPT_URL = re.compile(r"/lan-lam/(\d+)/$")


class Failure(Exception):
    pass


def log(message: str) -> None:
    print(f"[faults-ci {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def as_service_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as `postgres` then."""
    if os.getuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def privileged(command: list[str]) -> list[str]:
    return command if os.getuid() == 0 else ["sudo", "-n", *command]


# --- the private servers --------------------------------------------------------


class Postgres:
    def __init__(self, scratch: Path):
        versions = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"),
            key=lambda p: int(Path(p).parent.name.split(".")[0]),
        )
        if not versions:
            raise Failure("no PostgreSQL server installed (/usr/lib/postgresql)")
        self.bin = Path(versions[-1])
        self.data, self.socket = scratch / "pg", scratch / "pg-socket"
        self.logfile = scratch / "pg.log"
        self.port = free_port()
        self.url = f"postgres://lms@127.0.0.1:{self.port}/lms"

    def _run(self, *args: str) -> None:
        command = as_service_user([str(self.bin / args[0]), *args[1:]])
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def create(self) -> None:
        for path in (self.data, self.socket):
            path.mkdir()
            if os.getuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        self.logfile.touch()
        if os.getuid() == 0:
            shutil.chown(self.logfile, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "lms", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "lms", "lms"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket} "
            "-c fsync=off -c max_connections=60"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def client(self, tool: str, *args: str, **kwargs) -> None:
        """A client tool (pg_dump, pg_restore) against the drill's database."""
        command = [str(self.bin / tool), "-h", "127.0.0.1", "-p", str(self.port)]
        subprocess.run([*command, "-U", "lms", *args], check=True, **kwargs)  # noqa: S603

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


class Redis:
    def __init__(self, scratch: Path):
        self.dir = scratch
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--logfile",
                str(self.dir / "redis.log"),
            ]  # fmt: skip
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise Failure("the private Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class MediaVolume:
    """A tmpfs of MEDIA_SIZE: writes past it fail with ENOSPC, as on a full disk."""

    def __init__(self, path: Path):
        self.path, self.mounted = path, False
        self.filler = path / "filler.bin"

    def mount(self) -> None:
        self.path.mkdir()
        command = ["mount", "-t", "tmpfs", "-o", f"size={MEDIA_SIZE},mode=0777"]
        result = subprocess.run(  # noqa: S603
            privileged([*command, "tmpfs", str(self.path)]),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise Failure(
                "cannot mount a size-limited media volume (tmpfs needs root or "
                f"password-less sudo): {result.stderr.strip()}"
            )
        self.mounted = True

    def fill(self) -> int:
        """Write a filler file until the volume refuses (unbuffered writes)."""
        written = 0
        descriptor = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            for chunk in (1 << 20, 4096, 1):
                block = b"\0" * chunk
                try:
                    while True:
                        written += os.write(descriptor, block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
        finally:
            os.close(descriptor)
        return written

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(privileged(["umount", "-l", str(self.path)]), check=False)  # noqa: S603


class SmtpSink:
    """A tiny SMTP server that keeps what it receives. Closed = nothing listens."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[dict] = []
        self.server: socketserver.ThreadingTCPServer | None = None

    def open(self) -> None:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line: str) -> None:
                    self.wfile.write(line.encode() + b"\r\n")

                say("220 faults-ci")
                recipients: list[str] = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line[:4].decode(errors="replace").upper()
                    if verb == "QUIT":
                        say("221 bye")
                        return
                    if verb == "RCPT":
                        recipients.append(
                            line.decode().split(":", 1)[1].strip(" <>\r\n")
                        )
                    if verb == "MAIL":
                        recipients = []
                    if verb == "DATA":
                        say("354 go on")
                        body = []
                        while (row := self.rfile.readline()) not in (b".\r\n", b""):
                            body.append(row)
                        message = email.message_from_bytes(b"".join(body))
                        subject = email.header.make_header(
                            email.header.decode_header(message.get("Subject", ""))
                        )
                        sink.messages.append(
                            {
                                "to": sorted(recipients),
                                "subject": str(subject),
                                "at": time.monotonic(),
                            }
                        )
                    say("250 ok")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


SERVER_LOG: Path | None = None  # web and worker output, kept out of the CI log


def server_output():
    return open(SERVER_LOG, "ab")  # noqa: SIM115 - the child process keeps it


def start_web(port: int) -> subprocess.Popen:
    """One gunicorn process (two sync workers), answering /healthz."""
    import urllib.request

    command = [
        str(BIN / "gunicorn"), "lms.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60",
        "--graceful-timeout", "5",
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, stdout=server_output(), stderr=subprocess.STDOUT
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback
                f"http://127.0.0.1:{port}/healthz", timeout=2
            ) as reply:
                if reply.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise Failure(f"the web process on :{port} did not answer /healthz")


def start_worker(name: str) -> subprocess.Popen:
    """An RQ worker as ci_queue.py starts one, its output to the server log."""
    return subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "manage.py",
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--name",
            name,
            "--verbosity",
            "1",
            "default",
        ],  # fmt: skip
        cwd=ROOT,
        stdout=server_output(),
        stderr=subprocess.STDOUT,
    )


def server_errors() -> Counter:
    """The server errors the web processes and workers logged, by first line."""
    found = Counter()
    if SERVER_LOG is None or not SERVER_LOG.exists():
        return found
    for line in SERVER_LOG.read_text(errors="replace").splitlines():
        if line.startswith(("Internal Server Error", "Service Unavailable")):
            found[re.sub(r"/\d+/", "/N/", line)] += 1
        elif re.match(r"^\w+(\.\w+)*(Error|Exception): ", line):
            found[line[:160]] += 1
    return found


class Supervisor:
    """Keeps the RQ workers running, as systemd's Restart=always would."""

    def __init__(self, names: list[str]):
        self.names, self.restarts = names, Counter()
        self.processes = {name: start_worker(name) for name in names}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            for name, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping.is_set():
                    self.restarts[name] += 1
                    log(f"supervisor: worker {name} exited ({process.returncode})")
                    time.sleep(1.0)
                    self.processes[name] = start_worker(name)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        # The checks are done: a worker still busy with a report recount after
        # a few seconds is killed rather than waited for.
        deadline = time.monotonic() + 3
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- what happened --------------------------------------------------------------


@dataclass
class Request:
    start: float
    end: float
    kind: str
    status: int | str  # an HTTP status, or the name of a network error
    ok: bool
    retry_after: str | None = None


@dataclass
class Fault:
    name: str
    start: float
    back: float = 0.0  # when the service was back
    end: float = 0.0  # back + GRACE: the window learners may notice it in
    note: str = ""


@dataclass
class Journey:
    username: str
    attempt_id: int | None = None
    acknowledged: dict = field(default_factory=dict)  # key -> (answer, time)
    submitted_at: float | None = None
    completed: bool = False
    failure: str = ""


class Drill:
    def __init__(self):
        self.requests: list[Request] = []
        self.journeys: list[Journey] = []
        self.faults: list[Fault] = []
        self.webs: list[str] = []
        self.stop_learners = threading.Event()
        self.accounts: list[str] = []
        self.ran_out = False  # learners stopped early for want of accounts
        self.lock = threading.Lock()

    def next_account(self) -> str | None:
        with self.lock:
            return self.accounts.pop(0) if self.accounts else None


def oracle(function, *args, **kwargs):
    """Read the database for the checks, waiting out a database restart."""
    from django.db import DatabaseError, connection

    deadline = time.monotonic() + RETRY_FOR
    while True:
        try:
            return function(*args, **kwargs)
        except DatabaseError:
            connection.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class Learner:
    """One browser. Each request goes to the next web process (round robin)."""

    def __init__(self, drill: Drill, number: int):
        import requests

        self.drill, self.turn = drill, number
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Host": PUBLIC_HOST,
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{PUBLIC_HOST}",
            }
        )

    def call(self, kind: str, method: str, path: str, wanted=(200,), **kwargs):
        import requests

        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        deadline = time.monotonic() + RETRY_FOR
        while True:
            web = self.drill.webs[self.turn % len(self.drill.webs)]
            self.turn += 1
            began = time.monotonic()
            retry_after = None
            try:
                reply = self.session.request(method, web + path, **kwargs)
                status = reply.status_code
                retry_after = reply.headers.get("Retry-After")
            except requests.RequestException as error:
                reply, status = None, type(error).__name__
            for cookie in self.session.cookies:
                cookie.secure = False
            ok = status in wanted
            self.drill.requests.append(
                Request(began, time.monotonic(), kind, status, ok, retry_after)
            )
            if ok:
                return reply
            if isinstance(status, int) and status < 500:
                raise Failure(f"{kind}: {method} {path} answered {status}")
            if time.monotonic() > deadline:
                raise Failure(f"{kind}: {method} {path} still failing ({status})")
            try:
                wait = min(float(retry_after or 1), 5.0)
            except ValueError:
                wait = 1.0
            time.sleep(wait)

    def journey(self, journey: Journey, steps: list[dict]) -> None:
        from django.urls import reverse

        from quizzes.models import QuizAttempt
        from tests.e2e.learner import right_answers

        login = reverse("lms_people:login")
        page = self.call("sign-in page", "GET", login).text
        self.call(
            "sign in",
            "POST",
            login,
            wanted=(302,),
            data={
                "csrfmiddlewaretoken": csrf_token(page),
                "username": journey.username,
                "password": PASSWORD,
                "next": "/",
            },
        )
        for step in steps:
            page = self.call("lesson" if step["lesson"] else "quiz", "GET", step["url"])
            time.sleep(THINK)
            token = csrf_token(page.text)
            if step["lesson"]:
                self.call(
                    "lesson done",
                    "POST",
                    step["url"],
                    wanted=(302,),
                    data={"csrfmiddlewaretoken": token, "action": "complete"},
                )
                continue
            reply = self.call(
                "quiz start",
                "POST",
                step["url"],
                wanted=(302,),
                data={"csrfmiddlewaretoken": token, "action": "start"},
            )
            found = ATTEMPT_URL.search(reply.headers.get("Location", ""))
            if not found:
                raise Failure(f"quiz start went to {reply.headers.get('Location')!r}")
            journey.attempt_id = int(found.group(1))
            attempt_url = reply.headers["Location"]
            token = csrf_token(self.call("attempt", "GET", attempt_url).text)
            snapshot = oracle(
                lambda: QuizAttempt.objects.get(pk=journey.attempt_id).snapshot
            )
            answers = right_answers(snapshot)
            save_url = reverse("lms_quizzes:save", args=[journey.attempt_id])
            for question in snapshot[:-1]:
                key = question["key"]
                reply = self.call(
                    "autosave",
                    "POST",
                    save_url,
                    data=[
                        ("csrfmiddlewaretoken", token),
                        *form_fields(question, answers[key]),
                    ],
                    headers={"Accept": "application/json"},
                )
                if reply.json().get("saved", 0) >= 1:
                    journey.acknowledged[key] = (answers[key], time.monotonic())
                time.sleep(0.2)
            last = snapshot[-1]
            reply = self.call(
                "submit",
                "POST",
                reverse("lms_quizzes:submit", args=[journey.attempt_id]),
                wanted=(302,),
                data=[
                    ("csrfmiddlewaretoken", token),
                    ("page", "0"),
                    *form_fields(last, answers[last["key"]]),
                ],
            )
            review = reverse("lms_quizzes:review", args=[journey.attempt_id])
            if reply.headers.get("Location") != review:
                raise Failure(f"submit went to {reply.headers.get('Location')!r}")
            journey.submitted_at = time.monotonic()
            self.call("review", "GET", review)
        self.call("my learning", "GET", reverse("lms_courses:my_learning"))
        journey.completed = True


def learner_loop(drill: Drill, number: int, steps: list[dict]) -> None:
    while not drill.stop_learners.is_set():
        username = drill.next_account()
        if username is None:
            drill.ran_out = True
            return
        journey = Journey(username)
        drill.journeys.append(journey)
        try:
            Learner(drill, number).journey(journey, steps)
        except Failure as failure:
            journey.failure = str(failure)
            log(f"learner {username}: gave up: {failure}")
        except Exception as error:  # noqa: BLE001 - reported, and fails the drill
            journey.failure = f"{type(error).__name__}: {error}"
            log(f"learner {username}: {journey.failure}")


# --- setting up -------------------------------------------------------------------


def schema_key(postgres: Postgres) -> str:
    """Names what `migrate` makes: every installed app's migration files, the
    pinned packages and the server's major version."""
    from django.apps import apps

    digest = hashlib.sha256(postgres.bin.parent.name.encode())
    digest.update((ROOT / "constraints.txt").read_bytes())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        for path in sorted((Path(config.path) / "migrations").glob("*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def schema_ready(postgres: Postgres) -> None:
    """`migrate` on the empty database, or, when an earlier run on this machine
    migrated the same migrations, its dump restored (seconds instead of the
    minute or two that migrate takes). LMS_FAULTS_CI_CACHE names the folder of
    dumps (default var/cache; empty: always migrate)."""
    from django.core.management import call_command
    from django.db import connections

    folder = Path(CACHE) if CACHE else None
    dump = folder / f"faults-schema-{schema_key(postgres)}.pgdump" if folder else None
    if dump is not None and dump.exists():
        connections.close_all()
        postgres.client("pg_restore", "--no-owner", "-d", "lms", str(dump))
        log(f"schema restored from {dump.name} (same migrations as a past run)")
        return
    call_command("migrate", verbosity=0, interactive=False)
    log("migrated")
    if dump is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("faults-schema-*.pgdump"):
        old.unlink()
    partial = dump.with_suffix(".partial")
    postgres.client("pg_dump", "-Fc", "-f", str(partial), "lms")
    partial.rename(dump)


def drill_seed() -> None:
    """What the drill needs of the demo, and no more: the demo schools and
    classes, the home page and the first student course of the demo that has
    a quiz (its lessons, its question bank, its quiz). A tenth of the time of
    seed_demo, which also makes every demo course, account and history."""
    import yaml

    from certificates.demo import seed_certificate_template
    from courses.demo import seed_courses
    from courses.packs.demo import LIBRARY, demo_pack_folders
    from lms.home.demo import seed_home
    from lms.people.demo import seed_organisation

    def for_students_with_a_quiz(folder):
        course = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))
        return "students" in course["audience"] and (folder / "quizzes").is_dir()

    folder = next(filter(for_students_with_a_quiz, demo_pack_folders(LIBRARY)))
    seed_organisation()
    seed_certificate_template()
    seed_courses(home=seed_home(), slugs=[folder.name])


def prepare(count: int, site_ready, postgres: Postgres) -> dict:
    """The schema, demo data (`drill_seed`, or the whole demo with
    LMS_FAULTS_CI_SEED=demo), automatic certificates for the demo quiz course,
    and `count` students of class 10A1 enrolled in it, each with an e-mail
    address."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from certificates.defaults import default_template_ensure
    from certificates.models import CourseCertificateSetting
    from courses.models import CoursePage, LessonPage
    from courses.services import course_open, course_self_enrol
    from lms.people.models import Role, School, SchoolClass, User
    from lms.people.policies import current_school_year
    from lms.people.services import membership_ensure, user_create
    from quizzes.models import QuizPage

    schema_ready(postgres)
    if SEED == "demo":
        call_command("seed_demo", password=PASSWORD, stdout=StringIO())
    else:
        drill_seed()
    log(f"{SEED} data seeded")
    school = School.objects.get(code="DEMO")
    home_class = SchoolClass.objects.get(
        school=school, name="10A1", school_year=current_school_year()
    )
    course = next(
        c
        for c in CoursePage.objects.live().filter(for_students=True).order_by("path")
        if QuizPage.objects.child_of(c).live().exists()
    )
    CourseCertificateSetting.objects.update_or_create(
        course=course,
        defaults={
            "audience": "students",
            "template": default_template_ensure(),
            "auto_issue": True,
        },
    )
    site_ready()  # the web processes start while the learners are made
    usernames = [f"ci.loi{index:03d}" for index in range(count)]
    with transaction.atomic():
        users = []
        for index, username in enumerate(usernames):
            user = user_create(
                username=username,
                full_name=f"Nguyễn Thị Sự Cố {index:03d}",
                email=f"{username}@faults.test",
            )
            membership_ensure(
                user=user,
                role=Role.STUDENT,
                school_class=home_class,
                school_year=home_class.school_year,
            )
            users.append(user)
        User.objects.filter(pk__in=[u.pk for u in users]).update(
            password=make_password(PASSWORD)
        )
    for user in users:
        if course_open(user=user, course=course) is None:
            course_self_enrol(user=user, course=course)
    log(f"{len(users)} learners enrolled")
    steps = [
        {"url": page.get_url(), "lesson": isinstance(page.specific, LessonPage)}
        for page in course.get_children().live().order_by("path")
        if isinstance(page.specific, LessonPage | QuizPage)
    ]
    return {"school": school, "course": course, "usernames": usernames, "steps": steps}


def scheduled_jobs() -> list[list[str]]:
    """The cron lines of docs/deployment.md §9 that settle what a fault left
    behind, where this version has them."""
    from django.core.management import get_commands

    wanted = [
        ["certificate_batches_resume", "--stale-seconds", "0"],
        ["resume_report_recounts"],
        # The task outbox of issue 20, when present.
        ["resume_outbox", "--stale-seconds", "0"],
    ]
    known = get_commands()
    return [job for job in wanted if job[0] in known]


def mail_job() -> list[str] | None:
    """What the operator runs once the mail server is back: the queue sent now
    rather than at each message's next try (`--now`), where it exists."""
    from django.core.management import get_commands, load_command_class

    app = get_commands().get("send_queued_mail")
    if app is None:
        return None
    parser = load_command_class(app, "send_queued_mail").create_parser(
        "manage.py", "send_queued_mail"
    )
    now = any("--now" in action.option_strings for action in parser._actions)
    return ["send_queued_mail", "--now"] if now else ["send_queued_mail"]


def run_jobs(jobs: list[list[str]]) -> None:
    """Each job once, in this process, as cron would run it."""
    from django.core.management import CommandError, call_command

    for job in jobs:
        output = StringIO()
        try:
            oracle(call_command, *job, stdout=output, stderr=output)
            outcome = "done"
        except CommandError as error:
            outcome = f"exit 1: {error}"
        said = output.getvalue().strip().splitlines()
        log(f"cron: manage.py {' '.join(job)}: {outcome} {said[-1] if said else ''}")


# --- the checks -------------------------------------------------------------------


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if oracle(condition):
            return True
        time.sleep(0.5)
    return bool(oracle(condition))


def check(
    drill: Drill, data: dict, sink: SmtpSink, sent_now: bool = False
) -> tuple[list[str], dict]:
    """All the checks; returns the problems found and the records checked."""
    from certificates.models import Certificate, CertificateEvent
    from certificates.rendering import sha256_hex
    from courses.models import CourseCompletion
    from lms.people.models import User
    from quizzes.models import AttemptState, QuizAttempt, Regrade
    from tests.e2e.learner import saved_answers

    problems: list[str] = []
    counted = Counter()
    course, quiz_steps = data["course"], [s for s in data["steps"] if not s["lesson"]]
    users = {u.username: u for u in User.objects.filter(username__in=data["usernames"])}

    for journey in drill.journeys:
        user = users[journey.username]
        if journey.attempt_id is not None:
            attempt = QuizAttempt.objects.get(pk=journey.attempt_id)
            keys = list(journey.acknowledged)
            stored = saved_answers(attempt, keys)
            for key, (answer, _at) in journey.acknowledged.items():
                counted["autosave"] += 1
                given = sorted(answer) if isinstance(answer, list) else answer
                if stored.get(key) != given:
                    problems.append(
                        f"{journey.username}: acknowledged answer to {key} lost "
                        f"(stored {stored.get(key)!r}, acknowledged {given!r})"
                    )
        attempts = QuizAttempt.objects.filter(user=user).count()
        if quiz_steps and attempts > 1:
            problems.append(f"{journey.username}: {attempts} attempts, not one")
        if journey.submitted_at is not None:
            counted["attempt"] += 1
            attempt = QuizAttempt.objects.get(pk=journey.attempt_id)
            full = sum(Decimal(q["points"]) for q in attempt.snapshot)
            if attempt.state != AttemptState.FINISHED or attempt.submitted_at is None:
                problems.append(f"{journey.username}: attempt is {attempt.state}")
            elif attempt.score != full:
                problems.append(
                    f"{journey.username}: score {attempt.score}, wanted {full}"
                )
            if Regrade.objects.filter(attempt=attempt).exists():
                problems.append(f"{journey.username}: the attempt was graded again")

    holders = [u.pk for u in users.values()]
    completions = set(
        CourseCompletion.objects.filter(course=course, user__in=holders).values_list(
            "user_id", flat=True
        )
    )
    finished = {users[j.username].pk for j in drill.journeys if j.completed}
    for missing in finished - completions:
        problems.append(f"user #{missing} finished every step but has no completion")
    certificates = list(Certificate.objects.filter(course=course, holder__in=holders))
    per_holder = Counter(c.holder_id for c in certificates)
    for holder in completions:
        counted["certificate"] += 1
        if per_holder[holder] != 1:
            problems.append(
                f"user #{holder}: {per_holder[holder]} certificates, wanted one"
            )
    renders = Counter(
        CertificateEvent.objects.filter(
            certificate__in=certificates, action=CertificateEvent.Action.RENDERED
        ).values_list("certificate_id", flat=True)
    )
    for certificate in certificates:
        if renders[certificate.pk] != 1:
            problems.append(
                f"{certificate.serial}: rendered {renders[certificate.pk]} times"
            )
        if not certificate.pdf:
            problems.append(f"{certificate.serial}: no PDF")
            continue
        try:
            with certificate.pdf.open("rb") as handle:
                if sha256_hex(handle.read()) != certificate.pdf_sha256:
                    problems.append(f"{certificate.serial}: the PDF does not match")
        except OSError as error:
            problems.append(f"{certificate.serial}: PDF unreadable ({error})")
    school = data["school"]
    for year in {c.year for c in certificates}:
        numbers = sorted(
            Certificate.objects.filter(school_code=school.code, year=year).values_list(
                "number", flat=True
            )
        )
        counted["serial"] += len(numbers)
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{school.code}-{year}: serials have a gap or a twin")

    sent = Counter((tuple(m["to"]), m["subject"]) for m in sink.messages)
    counted["e-mail"] = len(sink.messages)
    for (to, subject), times in sent.items():
        if times > 1:
            problems.append(f"e-mail to {', '.join(to)} sent {times} times: {subject}")
    mailed = Counter(address for m in sink.messages for address in m["to"])
    addresses = dict(
        User.objects.filter(pk__in=[c.holder_id for c in certificates]).values_list(
            "pk", "email"
        )
    )
    try:
        from lms.mail.models import OutgoingEmail
    except ImportError:  # no mail queue in this version: each must have arrived
        for certificate in certificates:
            if mailed[addresses[certificate.holder_id]] == 0:
                problems.append(f"{certificate.serial}: no 'certificate ready' e-mail")
        return problems, counted
    # With the mail queue a message refused during the outage waits for its
    # retry (a minute or more later): it must be queued, never lost or doubled;
    # after `send_queued_mail --now` (sent_now) none may still wait.
    rows = Counter()
    for row in OutgoingEmail.objects.filter(
        kind="certificate_ready", to__in=addresses.values()
    ):
        rows[row.to] += 1
        counted[f"queued e-mail ({row.status})"] += 1
        received = mailed[row.to]
        if row.status == OutgoingEmail.Status.SENT and received != 1:
            problems.append(f"e-mail #{row.pk} marked sent, {received} received")
        elif row.status == OutgoingEmail.Status.PENDING and (received or sent_now):
            problems.append(f"e-mail #{row.pk} still waiting ({received} received)")
        elif row.status not in (
            OutgoingEmail.Status.SENT,
            OutgoingEmail.Status.PENDING,
        ):
            problems.append(f"e-mail #{row.pk} is {row.status}: {row.last_error}")
    for certificate in certificates:
        address = addresses[certificate.holder_id]
        if rows[address] != 1:
            problems.append(
                f"{certificate.serial}: {rows[address]} 'certificate ready' e-mails"
            )
    return problems, counted


def queue_state() -> str:
    """What the task queue and the outbox hold now (for the log)."""
    import django_rq

    queue = django_rq.get_queue("default")
    said = (
        f"{queue.count} queued, {queue.started_job_registry.count} running, "
        f"{queue.failed_job_registry.count} failed in RQ"
    )
    try:
        from lms.models import PendingTask
    except ImportError:
        return said
    waiting = Counter(PendingTask.objects.values_list("task", flat=True))
    return f"{said}; outbox rows waiting: {dict(waiting) or 'none'}"


def report(drill: Drill) -> list[str]:
    """Per fault: requests, errors inside and after the window. Returns problems."""
    problems = []
    marks = [f.start for f in drill.faults] + [float("inf")]
    first = drill.faults[0].start if drill.faults else float("inf")
    before = [r for r in drill.requests if r.end < first]
    errors_before = [r for r in before if not r.ok]
    log(f"before any fault: {len(before)} requests, {len(errors_before)} errors")
    for request in errors_before:
        problems.append(f"before any fault: {request.kind} answered {request.status}")
    for index, fault in enumerate(drill.faults):
        inside = [
            r for r in drill.requests if r.end >= fault.start and r.start <= fault.end
        ]
        after = [
            r
            for r in drill.requests
            if r.start > fault.end and r.end < marks[index + 1]
        ]
        bad_inside = [r for r in inside if not r.ok]
        clear = [r for r in bad_inside if r.status == 503]
        unclear = Counter(str(r.status) for r in bad_inside if r.status != 503)
        bad_after = Counter(str(r.status) for r in after if not r.ok)
        with_retry = sum(1 for r in clear if r.retry_after)
        log(
            f"fault '{fault.name}' ({fault.note}; window "
            f"{fault.end - fault.start:.0f}s): {len(inside)} requests in the window, "
            f"{len(bad_inside)} errors inside ({len(clear)} clear 503, {with_retry} "
            f"with Retry-After; unclear: {dict(unclear) or 'none'}); after it: "
            f"{len(after)} requests, errors: {dict(bad_after) or 'none'}"
        )
        kinds = Counter(f"{r.kind}={r.status}" for r in bad_inside if r.status != 503)
        if kinds:
            log(f"    unclear errors inside, by page: {dict(kinds)}")
            problems.append(f"{fault.name}: learners met unclear errors {dict(kinds)}")
        if bad_after:
            kinds = Counter(f"{r.kind}={r.status}" for r in after if not r.ok)
            log(f"    errors after the window, by page: {dict(kinds)}")
            problems.append(f"{fault.name}: errors after the window {dict(kinds)}")
    return problems


def records_by_fault(drill: Drill, data: dict) -> None:
    """Which checked records were made from each fault's start to the next one's."""
    marks = [f.start for f in drill.faults] + [float("inf")]
    for index, fault in enumerate(drill.faults):
        low, high = marks[index], marks[index + 1]
        autosaves = sum(
            1
            for j in drill.journeys
            for _answer, at in j.acknowledged.values()
            if low <= at < high
        )
        submits = sum(
            1 for j in drill.journeys if j.submitted_at and low <= j.submitted_at < high
        )
        log(
            f"fault '{fault.name}': records checked from its start to the next: "
            f"{autosaves} acknowledged autosaves, {submits} graded attempts "
            f"(each checked for its grade, completion and certificate)"
        )


# --- the faults -------------------------------------------------------------------


def inject(drill: Drill, servers: dict) -> None:
    redis, postgres, media, sink = (
        servers["redis"],
        servers["postgres"],
        servers["media"],
        servers["smtp"],
    )

    def settle() -> None:
        time.sleep(SETTLE)

    def begin(name: str, note: str) -> Fault:
        fault = Fault(name, time.monotonic(), note=note)
        drill.faults.append(fault)
        log(f"fault '{name}': {note}")
        return fault

    def over(fault: Fault) -> None:
        fault.back = time.monotonic()
        fault.end = fault.back + GRACE
        log(f"fault '{fault.name}': over after {fault.back - fault.start:.1f}s")
        time.sleep(GRACE)

    settle()
    fault = begin("Redis stopped", f"cache and queue Redis down {REDIS_DOWN:.0f}s")
    redis.stop()
    time.sleep(REDIS_DOWN)
    redis.start()
    over(fault)

    settle()
    fault = begin("PostgreSQL restarted", f"fast stop, {POSTGRES_DOWN:.0f}s down")
    postgres.stop("fast")
    time.sleep(POSTGRES_DOWN)
    postgres.start()
    over(fault)

    settle()
    fault = begin("media volume full", f"{MEDIA_SIZE} volume filled {DISK_FULL:.0f}s")
    filled = media.fill()
    fault.note += f", {filled // 1024} KiB of filler"
    time.sleep(DISK_FULL)
    media.free()
    over(fault)

    settle()
    fault = begin("SMTP refused", f"SMTP port closed {MAIL_DOWN:.0f}s")
    sink.close()
    time.sleep(MAIL_DOWN)
    sink.open()
    over(fault)
    settle()


# --- running ----------------------------------------------------------------------


def main() -> int:  # noqa: PLR0915 - the drill, start to end
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    global SERVER_LOG  # noqa: PLW0603 - set once, before any server starts
    scratch = Path(tempfile.mkdtemp(prefix="lms-faults-"))
    SERVER_LOG = Path(
        os.environ.get(
            "LMS_FAULTS_CI_LOG", Path(tempfile.gettempdir()) / "lms-faults.log"
        )
    )
    SERVER_LOG.write_bytes(b"")
    scratch.chmod(0o755)
    postgres, redis = Postgres(scratch), Redis(scratch)
    media, sink = MediaVolume(scratch / "media"), SmtpSink()
    webs: list[subprocess.Popen] = []
    supervisor: Supervisor | None = None
    drill = Drill()
    problems: list[str] = []
    try:
        media.mount()
        postgres.create()
        redis.start()
        sink.open()
        os.environ.update(
            {
                "DATABASE_URL": postgres.url,
                "REDIS_URL": redis.url(1),
                "LMS_RQ_REDIS_URL": redis.url(0),
                "MEDIA_ROOT": str(media.path),
                "STATIC_ROOT": str(scratch / "static"),
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(sink.port),
                "LMS_SITE_URL": f"https://{PUBLIC_HOST}",
            }
        )
        log(
            f"private PostgreSQL :{postgres.port}, Redis :{redis.port}, SMTP "
            f":{sink.port}, media {MEDIA_SIZE} tmpfs at {media.path}"
        )
        collect = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT
        )
        import django

        django.setup()
        ports = [free_port(), free_port()]
        starting = []

        def site_ready() -> None:
            if collect.wait() != 0:
                raise Failure("collectstatic failed")
            starting.extend(pool.submit(start_web, port) for port in ports)

        with ThreadPoolExecutor(2) as pool:
            data = prepare(25 * LEARNERS, site_ready, postgres)
            log(f"seeded; {len(data['steps'])} steps in '{data['course'].title}'")
            webs = [future.result() for future in starting]
        drill.accounts = list(data["usernames"])
        # Jobs the seeding queued (Wagtail's reference index, search) would
        # keep the workers busy through the drill: they start on an empty queue.
        import django_rq

        django_rq.get_queue("default").empty()
        drill.webs = [f"http://127.0.0.1:{port}" for port in ports]
        supervisor = Supervisor(["faults-1", "faults-2"])
        log(f"web processes on :{ports[0]} and :{ports[1]}, two RQ workers")

        drill_began = time.monotonic()
        learners = [
            threading.Thread(
                target=learner_loop, args=(drill, n, data["steps"]), daemon=True
            )
            for n in range(LEARNERS)
        ]
        for thread in learners:
            thread.start()
        inject(
            drill, {"redis": redis, "postgres": postgres, "media": media, "smtp": sink}
        )
        drill.stop_learners.set()
        for thread in learners:
            thread.join(timeout=RETRY_FOR * 2)
        log(
            f"learners stopped: {len(drill.journeys)} journeys, "
            f"{sum(j.completed for j in drill.journeys)} completed, "
            f"{len(drill.requests)} requests; server output in {SERVER_LOG}"
        )
        if drill.ran_out:
            problems.append("learners ran out of accounts before the faults ended")
        for journey in drill.journeys:
            if journey.failure:
                problems.append(f"{journey.username} gave up: {journey.failure}")

        log(f"queue before the cron run: {oracle(queue_state)}")
        run_jobs(scheduled_jobs())
        from certificates.models import Certificate
        from courses.models import CourseCompletion

        def all_issued() -> bool:
            due = CourseCompletion.objects.filter(
                course=data["course"], user__username__in=data["usernames"]
            ).count()
            issued = Certificate.objects.filter(
                course=data["course"],
                holder__username__in=data["usernames"],
                pdf_sha256__gt="",
            ).count()
            return issued >= due

        if not wait_for(all_issued, 60):
            log("not every certificate due was issued within 60 s of the cron run")
        # The last "certificate ready" e-mails leave after the PDF is stored.
        time.sleep(3)
        mail = mail_job()
        if mail:
            run_jobs([mail])
        log(f"queue after the cron run: {oracle(queue_state)}")
        found, counted = oracle(
            check, drill, data, sink, sent_now=bool(mail and "--now" in mail)
        )
        problems += found
        problems += report(drill)
        records_by_fault(drill, data)
        for line, times in server_errors().most_common(12):
            log(f"server log: {times} x {line}")
        log(f"drill part (learners and faults): {time.monotonic() - drill_began:.0f}s")
        log(
            "records checked: "
            + ", ".join(f"{count} {name}s" for name, count in sorted(counted.items()))
            + "; worker restarts by the supervisor: "
            + str(dict(supervisor.restarts) or "none")
        )
    except Failure as failure:
        problems.append(str(failure))
    finally:
        drill.stop_learners.set()
        stopping = time.monotonic()
        # Everything is signalled at once, then waited for: gunicorn's quick
        # shutdown (SIGINT), the workers' warm one (SIGTERM).
        for process in webs:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        if supervisor is not None:
            supervisor.stop()
        for process in webs:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sink.close()
        redis.stop()
        if postgres.running():
            try:
                postgres.stop("immediate")
            except subprocess.CalledProcessError:
                pass
        media.unmount()
        shutil.rmtree(scratch, ignore_errors=True)
        log(f"servers stopped in {time.monotonic() - stopping:.1f}s")
    if problems:
        for problem in problems[:60]:
            log(f"PROBLEM: {problem}")
        if len(problems) > 60:
            log(f"... and {len(problems) - 60} more")
        log(f"FAILED: {len(problems)} problems")
        return 1
    log(f"OK in {time.monotonic() - STARTED:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

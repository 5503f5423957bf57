"""CI: bulk certificate issuance through a real queue (RQ on Redis), two workers.

Run by tests/ci/ci_queue.sh, which starts Redis and PostgreSQL and points
DATABASE_URL at a scratch database. Two rounds of 200 certificates:

1. two `rqworker` processes issue a 200-person batch; every certificate must
   be rendered exactly once, with gapless serials and no duplicate holder;
2. the same, but one worker is SIGKILLed mid-batch; the other keeps going,
   the items the dead worker held are enqueued again
   (`manage.py certificate_batches_resume`), and the batch still ends with
   200 certificates, none missing, none twice.

Exits non-zero on any failure.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PER_ROUND = int(os.environ.get("LMS_QUEUE_CI_COUNT", "200"))
TIMEOUT = int(os.environ.get("LMS_QUEUE_CI_TIMEOUT", "900"))

sys.path.insert(0, str(ROOT))


def expect(condition, message) -> None:
    if not condition:
        raise SystemExit(f"[queue-ci] FAILED: {message}")


def log(message: str) -> None:
    print(f"[queue-ci] {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def start_worker(name: str) -> subprocess.Popen:
    # SimpleWorker runs jobs in the worker process itself (no fork per job),
    # so fonts and stylesheets are prepared once per worker.
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            PYTHON,
            "manage.py",
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--name",
            f"{name}-{os.getpid()}",
            "--verbosity",
            "0",
            "default",
        ],
        cwd=ROOT,
    )


def completed_students(*, course, school_class, count: int, username, full_name):
    """`count` students of `school_class` who completed `course` (Django set up).

    `username(index)` and `full_name(index)` name each one.
    """
    from django.contrib.auth import get_user_model

    from courses.models import CourseCompletion
    from courses.services import cycle_for
    from lms.people.models import Membership, Role
    from lms.people.profiles import profile_update

    User = get_user_model()
    users = []
    for index in range(count):
        user = User(username=username(index))
        user.set_unusable_password()
        user.save()  # not bulk_create: the profile comes with save()
        profile_update(user=user, full_name=full_name(index))
        users.append(user)
    Membership.objects.bulk_create(
        Membership(
            user=user,
            role=Role.STUDENT,
            school=school_class.school,
            school_year=school_class.school_year,
            school_class=school_class,
        )
        for user in users
    )
    # As the completion service records them: in the class's school year,
    # once per year for a course required every school year.
    year_id = school_class.school_year_id
    CourseCompletion.objects.bulk_create(
        CourseCompletion(
            user=user,
            course=course,
            course_title=course.title,
            school_year_id=year_id,
            cycle=cycle_for(course, year_id),
        )
        for user in users
    )
    return users


def environment_set() -> None:
    """The settings this run needs; set when it runs, not when imported (the
    multiprocess step and the fault drill import helpers from here)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    os.environ["LMS_TASK_BACKEND"] = "rq"


def main() -> int:
    import django

    environment_set()
    manage("migrate", "--noinput", "-v", "0")
    django.setup()
    import django_rq
    from django.db import transaction
    from wagtail.models import Page

    from certificates.defaults import default_template_ensure
    from certificates.models import (
        Certificate,
        CertificateEvent,
        CourseCertificateSetting,
    )
    from certificates.rendering import sha256_hex
    from certificates.services import batch_create, batch_progress
    from courses.models import CourseIndexPage, CoursePage
    from lms.people.demo import demo_school_years
    from lms.people.models import (
        Department,
        School,
        SchoolClass,
    )

    django_rq.get_queue("default").empty()
    department, _ = Department.objects.get_or_create(
        code="so-ci", defaults={"name": "Sở Giáo dục và Đào tạo Kiểm thử"}
    )
    school, _ = School.objects.get_or_create(
        code="QCI", defaults={"department": department, "name": "Trường THPT Hàng Đợi"}
    )
    # The school year under way: certificates are numbered in its series.
    year, _previous = demo_school_years()
    template = default_template_ensure()
    home = Page.get_first_root_node().get_children().first()
    catalogue = CourseIndexPage(
        title="Khóa học CI", slug=f"khoa-hoc-ci-{time.time_ns()}"
    )
    home.add_child(instance=catalogue)

    def cohort(round_no: int):
        """A course and PER_ROUND students who completed it."""
        course = CoursePage(
            title=f"Khóa học kiểm thử hàng đợi {round_no}",
            slug=f"queue-ci-{round_no}",
            summary="CI",
            for_students=True,
        )
        catalogue.add_child(instance=course)
        CourseCertificateSetting.objects.create(
            course=course, audience="students", template=template, auto_issue=False
        )
        school_class = SchoolClass.objects.create(
            school=school, school_year=year, name=f"CI{round_no}"
        )
        users = completed_students(
            course=course,
            school_class=school_class,
            count=PER_ROUND,
            username=lambda index: f"ci{round_no}-{index:03d}",
            full_name=lambda index: f"Nguyễn Thị Đợt {round_no} Số {index:03d}",
        )
        return course, users

    def wait(batch, *, until_done: int | None = None, stall_seconds: float = 20):
        """Poll the batch; return its progress once finished, `until_done`
        items are done, or nothing moved for `stall_seconds`."""
        started = time.monotonic()
        last, last_change = None, time.monotonic()
        while time.monotonic() - started < TIMEOUT:
            progress = batch_progress(batch=batch)
            if progress["finished"]:
                return progress
            if until_done is not None and progress["done"] >= until_done:
                return progress
            if progress != last:
                last, last_change = progress, time.monotonic()
            elif time.monotonic() - last_change > stall_seconds:
                return progress
            time.sleep(0.5)
        raise SystemExit(f"batch {batch.pk} timed out: {batch_progress(batch=batch)}")

    def check(course, users, expected_numbers):
        certificates = list(Certificate.objects.filter(course=course))
        holders = [c.holder_id for c in certificates]
        expect(len(certificates) == len(users), (len(certificates), len(users)))
        expect(len(set(holders)) == len(holders), "a holder got two certificates")
        expect(set(holders) == {u.pk for u in users}, "someone is missing")
        numbers = sorted(
            Certificate.objects.filter(school_code="QCI").values_list(
                "number", flat=True
            )
        )
        expect(numbers == expected_numbers, "serials have a gap or a duplicate")
        renders = {
            c.pk: CertificateEvent.objects.filter(
                certificate=c, action="rendered"
            ).count()
            for c in certificates
        }
        expect(set(renders.values()) == {1}, "a certificate was not rendered once")
        for certificate in certificates:
            with certificate.pdf.open("rb") as handle:
                expect(
                    sha256_hex(handle.read()) == certificate.pdf_sha256,
                    "a stored PDF does not match its hash",
                )
        # A worker killed between storing a file and recording it leaves an
        # unreferenced file behind; the record still has exactly one PDF.
        folder = Path(certificates[0].pdf.path).parent
        return len(list(folder.glob("*.pdf"))) - len(numbers)

    workers = [start_worker("w1"), start_worker("w2")]
    try:
        # Round 1: two workers, 200 certificates.
        course, users = cohort(1)
        began = time.monotonic()
        with transaction.atomic():
            batch = batch_create(course=course, users=users, created_by=None)
        progress = wait(batch, stall_seconds=120)
        elapsed = time.monotonic() - began
        expect(progress["finished"] and progress["done"] == PER_ROUND, progress)
        check(course, users, list(range(1, PER_ROUND + 1)))
        log(
            f"round 1: {PER_ROUND} certificates by 2 workers in {elapsed:.1f}s, "
            "each rendered once, serials gapless"
        )

        # Round 2: kill one worker with SIGKILL in the middle of the batch.
        course, users = cohort(2)
        with transaction.atomic():
            batch = batch_create(course=course, users=users, created_by=None)
        wait(batch, until_done=PER_ROUND // 4, stall_seconds=120)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        log(f"round 2: SIGKILLed worker 1 at {batch_progress(batch=batch)}")
        progress = wait(batch, stall_seconds=10)
        if not progress["finished"]:
            # What the dead worker held is still pending: enqueue it again.
            log(f"round 2: stalled at {progress}; resuming stale items")
            manage("certificate_batches_resume", "--stale-seconds", "0")
            progress = wait(batch, stall_seconds=120)
        expect(progress["finished"] and progress["done"] == PER_ROUND, progress)
        orphans = check(course, users, list(range(1, 2 * PER_ROUND + 1)))
        log(
            f"round 2: batch completed after the kill: {PER_ROUND} certificates, "
            f"none missing, none twice, serials 1..{2 * PER_ROUND} gapless "
            f"({orphans} unreferenced PDF files left by the killed worker)"
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
    log("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

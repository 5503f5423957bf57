"""Measure certificate issuance: the full path against a bare WeasyPrint render.

    DATABASE_URL=$(bash lms/scripts/postgres.sh | tail -n1) \\
        .venv/bin/python tests/benchmarks/bench_certificates.py --count 40

In one run, on the database at DATABASE_URL (SQLite by default):

- ``bare``: WeasyPrint writing the PDF of the same certificate HTML with the
  same stylesheets, fonts and attachment, nothing else;
- ``full``: ``certificate_issue`` per learner: eligibility checks, serial
  allocation (locked counter row), snapshot, HTML, QR code, render, the PAdES
  signature, storing the file, hash, audit log; and the same with signing
  left out (``unsigned``);
- ``signing``: ``signing.sign_pdf`` alone on the rendered bytes (the chain
  parsed and cached, as in a worker); the jobs it queues (the report summary's
  recount) are run after it and timed apart (``certificate_deferred_jobs_seconds``);
- throughput with one worker process and with two (separate processes, as RQ
  workers are), each issuing its share after a warm-up, queued jobs included.

Merges ``certificate_overhead_ratio`` (median unsigned full / median bare,
goal <= 1.2), ``certificate_overhead_ratio_signed`` (median full / median bare),
``certificate_signing_ms`` (median),
``certificates_per_second_1_worker`` and ``certificates_per_second_2_workers``
into var/bench/latest.json. A measurement, not a test: nothing asserts a time.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
LATEST = ROOT / "var" / "bench" / "latest.json"
SCHOOL_CODE = "BCERT"


def results_merge(figures: dict, path: Path = LATEST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")


def setup_django(media_root: str) -> None:
    os.environ["MEDIA_ROOT"] = media_root
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = media_root


def seed(count: int):
    """A course, its certificate setting and `count` students who completed it."""
    from django.core.management import call_command
    from wagtail.models import Page

    from certificates.defaults import default_template_ensure
    from certificates.models import CourseCertificateSetting
    from courses.models import CourseCompletion, CourseIndexPage, CoursePage
    from lms.people.demo import demo_school_years
    from lms.people.models import (
        Department,
        Membership,
        Role,
        School,
        SchoolClass,
        User,
    )
    from lms.people.profiles import profile_update

    call_command("migrate", "--noinput", verbosity=0)
    stamp = time.time_ns()
    department, _ = Department.objects.get_or_create(
        code="so-bench-cert", defaults={"name": "Sở GD&ĐT đo hiệu năng"}
    )
    school, _ = School.objects.get_or_create(
        code=SCHOOL_CODE,
        defaults={"department": department, "name": "Trường THPT Đo Hiệu Năng"},
    )
    year, _previous = demo_school_years()
    school_class = SchoolClass.objects.create(
        school=school, school_year=year, name=f"B{stamp % 100000}"
    )
    home = Page.get_first_root_node().get_children().first()
    catalogue = CourseIndexPage(title="Đo hiệu năng", slug=f"bench-{stamp}")
    home.add_child(instance=catalogue)
    course = CoursePage(
        title="Luật An ninh mạng cho học sinh (đo hiệu năng)",
        slug="bench-course",
        summary="Đo hiệu năng",
        for_students=True,
    )
    catalogue.add_child(instance=course)
    CourseCertificateSetting.objects.create(
        course=course,
        audience="students",
        template=default_template_ensure(),
        auto_issue=False,
    )
    users = []
    for index in range(count):
        user = User(username=f"bc{stamp}-{index}")
        user.set_unusable_password()
        user.save()
        profile_update(user=user, full_name=f"Nguyễn Thị Ánh Tuyết {index}")
        users.append(user)
    Membership.objects.bulk_create(
        Membership(
            user=u,
            role=Role.STUDENT,
            school=school,
            school_year=year,
            school_class=school_class,
        )
        for u in users
    )
    # As course_completion_evaluate records them: with the learner's school
    # year (the membership's), which the certificate then belongs to.
    CourseCompletion.objects.bulk_create(
        CourseCompletion(
            user=u, course=course, course_title=course.title, school_year=year
        )
        for u in users
    )
    return course, users


def worker(media_root, course_id, user_ids, barrier, queue):
    """One worker process: warm up, wait for the others, issue its share."""
    setup_django(media_root)
    from django.db import connection

    from certificates import rendering
    from certificates.services import certificate_issue
    from courses.models import CoursePage
    from lms.people.models import User

    course = CoursePage.objects.get(pk=course_id)
    users = list(User.objects.filter(pk__in=user_ids))
    warm = users.pop()
    certificate_issue(user=warm, course=course, notify=False)
    rendering.base_stylesheet()
    barrier.wait()
    started = time.perf_counter()
    for user in users:
        certificate_issue(user=user, course=course, notify=False)
    queue.put((started, time.perf_counter(), len(users)))
    connection.close()


def throughput(media_root, course, users, processes: int) -> float:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    queue = context.Queue()
    shares = [users[i::processes] for i in range(processes)]
    from django.db import connection

    connection.close()
    procs = [
        context.Process(
            target=worker,
            args=(media_root, course.pk, [u.pk for u in share], barrier, queue),
        )
        for share in shares
    ]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    start = min(r[0] for r in results)
    end = max(r[1] for r in results)
    return sum(r[2] for r in results) / (end - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40, help="certificates per run")
    parser.add_argument("--output", default=str(LATEST))
    args = parser.parse_args()
    media_root = tempfile.mkdtemp(prefix="bench-cert-")
    setup_django(media_root)

    from django.db import connection

    from certificates import rendering
    from certificates.services import certificate_issue

    course, users = seed(args.count * 4 + 8)
    sequential, parallel_1, parallel_2, unsigned_users = (
        users[: args.count],
        users[args.count : 2 * args.count + 4],
        users[2 * args.count + 4 : 3 * args.count + 8],
        users[3 * args.count + 8 :],
    )

    # Warm-up: fonts, stylesheets, templates, database connection.
    first = certificate_issue(user=sequential[0], course=course, notify=False)
    certificate = first.certificate
    template = certificate.template
    html = rendering.certificate_html(template=template, snapshot=certificate.snapshot)
    rendered = rendering._write_pdf(
        template=template, snapshot=certificate.snapshot, html=html
    )
    from unittest import mock

    from certificates import signing

    signing.sign_pdf(rendered, school_code=certificate.school_code)

    # Work an issue hands to the task queue (the report summary's recount)
    # is queued here and run afterwards, timed on its own: with a real queue
    # another job does it. The throughput runs below do all of it.
    from django.test import override_settings
    from django_tasks import task_backends

    queued = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    bare, full, deferred, unsigned, signing_times = [], [], [], [], []
    for user, unsigned_user in zip(sequential[1:], unsigned_users, strict=False):
        # Interleaved, so both see the same machine state.
        began = time.perf_counter()
        rendering._write_pdf(
            template=template, snapshot=certificate.snapshot, html=html
        )
        bare.append(time.perf_counter() - began)
        with override_settings(TASKS=queued):
            began = time.perf_counter()
            certificate_issue(user=user, course=course, notify=False)
            full.append(time.perf_counter() - began)
            jobs = list(task_backends["default"].results)
        began = time.perf_counter()
        for job in jobs:
            job.task.call(*job.args, **job.kwargs)
        deferred.append(time.perf_counter() - began)
        began = time.perf_counter()
        signing.sign_pdf(rendered, school_code=certificate.school_code)
        signing_times.append(time.perf_counter() - began)
        with (
            override_settings(TASKS=queued),
            mock.patch.object(signing, "sign_pdf", lambda data, **kw: data),
        ):
            began = time.perf_counter()
            certificate_issue(user=unsigned_user, course=course, notify=False)
            unsigned.append(time.perf_counter() - began)

    # Medians: other processes on the machine (a CI job, a test run) add
    # outliers to either side; the median of interleaved runs is robust.
    bare_median, full_median = statistics.median(bare), statistics.median(full)
    one = throughput(media_root, course, parallel_1, 1)
    two = throughput(media_root, course, parallel_2, 2)
    figures = {
        "certificate_bench_database": connection.vendor,
        "certificate_bench_count": len(full),
        "certificate_bare_render_seconds": round(bare_median, 4),
        "certificate_full_issue_seconds": round(full_median, 4),
        "certificate_full_issue_seconds_mean": round(statistics.mean(full), 4),
        "certificate_bare_render_seconds_mean": round(statistics.mean(bare), 4),
        "certificate_unsigned_issue_seconds": round(statistics.median(unsigned), 4),
        "certificate_overhead_ratio": round(
            statistics.median(unsigned) / bare_median, 3
        ),
        "certificate_overhead_ratio_signed": round(full_median / bare_median, 3),
        "certificate_signing_ms": round(statistics.median(signing_times) * 1000, 1),
        "certificate_deferred_jobs_seconds": round(statistics.median(deferred), 4),
        "certificates_per_second_1_worker": round(one, 2),
        "certificates_per_second_2_workers": round(two, 2),
    }
    results_merge(figures, Path(args.output))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

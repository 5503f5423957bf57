"""Measure the school report and the Department roll-up on a large dataset.

    DATABASE_URL=$(bash lms/scripts/postgres.sh | tail -n1) \\
        .venv/bin/python tests/benchmarks/bench_reports.py --schools 200 \\
        --students-per-school 1500

Seeds the data once (``seed_scale`` with the prefix BN) into the database at
DATABASE_URL (``make bench``: lms_bench_reports, a database of its own). The
seed is timed as ``seed_scale_seconds`` and kept in var/bench/seed_scale.json
for that database, so a later run on the same dataset reports it again with
``seed_scale_measured`` (when, at which commit, whether in this run). It then
rebuilds the completion
summary the reports read and times that (``--keep-summary``: only if the
database has none yet), then times the admin pages as a
school admin and as a department officer would load them (median of several
runs after a warm-up) and merges ``report_school_seconds``,
``report_department_seconds`` and ``report_learners_department_seconds``
(the learner list over the whole Department, first and a deep page; with the
query counts, the summary rebuild's time and the dataset size) into
var/bench/latest.json. A
measurement, not a test: nothing here asserts a time.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
PREFIX = "BN"
SEED_RECORDS = ROOT / "var" / "bench" / "seed_scale.json"


def seed_record(database: str, seeded: dict) -> dict:
    """The seed's time: this run's (then kept), or that of the run that seeded."""
    from tests.benchmarks.results import run_record

    records = json.loads(SEED_RECORDS.read_text()) if SEED_RECORDS.exists() else {}
    if seeded:
        record = run_record()
        records[database] = {**seeded, "date": record["date"]}
        records[database]["commit"] = record["commit"]
        SEED_RECORDS.parent.mkdir(parents=True, exist_ok=True)
        SEED_RECORDS.write_text(json.dumps(records, indent=2) + "\n")
    if database not in records:
        return {"seed_scale_measured": "unknown: seeded before it was recorded"}
    earlier = dict(records[database])
    figures = {"seed_scale_seconds": earlier.pop("seed_scale_seconds")}
    figures["seed_scale_measured"] = {**earlier, "in_this_run": bool(seeded)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--students-per-school", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep-summary",
        action="store_true",
        help="Reuse the report summary already built (its rebuild is not timed).",
    )
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "latest.json"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lms.people.models import Department, Membership, Role, School, User
    from lms.reports.models import SummaryBuild

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    seeded: dict = {}
    if not School.objects.filter(code__startswith=PREFIX).exists():
        began = time.perf_counter()
        call_command(
            "seed_scale",
            schools=args.schools,
            students_per_school=args.students_per_school,
            prefix=PREFIX,
        )
        seeded = {"seed_scale_seconds": round(time.perf_counter() - began, 1)}
    seeded = seed_record(settings.DATABASES["default"]["NAME"], seeded)
    if not args.keep_summary or not SummaryBuild.objects.exists():
        # A database seeded before the summary existed has none yet.
        call_command("rebuild_report_summary")
    build = SummaryBuild.objects.first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    school = School.objects.filter(code__startswith=PREFIX).order_by("code").first()
    department = Department.objects.get(pk=school.department_id)
    year = (
        Membership.objects.filter(school=school).select_related("school_year").first()
    ).school_year
    school_count = School.objects.filter(department=department).count()
    students = Membership.objects.filter(
        school__department=department, role=Role.STUDENT, school_year=year
    ).count()

    def viewer(username: str, **membership) -> User:
        # The profile (and its name) comes with the user (people signals).
        user, _created = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, school_year=year, **membership)
        return user

    admin = viewer("bench.admin", role=Role.SCHOOL_ADMIN, school=school)
    officer = viewer(
        "bench.officer", role=Role.DEPARTMENT_OFFICER, department=department
    )

    def measure(user, url, params) -> tuple[float, int]:
        client = Client()
        client.force_login(user)
        response = client.get(url, params)  # warm-up
        assert response.status_code == 200, response.status_code  # noqa: S101
        timings = []
        for _run in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url, params)
                timings.append(time.perf_counter() - started)
        return statistics.median(timings), len(queries)

    school_seconds, school_queries = measure(
        admin,
        reverse("lms_reports:completion"),
        {"school_year": year.pk, "school": school.pk},
    )
    department_seconds, department_queries = measure(
        officer,
        reverse("lms_reports:department"),
        {"school_year": year.pk, "sort": "-percent"},
    )
    # The learner list over the whole Department: only the page shown is
    # worked out, so the first page and a deep one should cost about the same.
    learners_url = reverse("lms_reports:learners")
    learners_seconds, learners_queries = measure(
        officer, learners_url, {"school_year": year.pk}
    )
    deep_page = max(1, students // 100 // 2)
    learners_deep_seconds, _queries = measure(
        officer, learners_url, {"school_year": year.pk, "p": deep_page}
    )
    results = {
        **seeded,
        "report_school_seconds": round(school_seconds, 3),
        "report_department_seconds": round(department_seconds, 3),
        "report_learners_department_seconds": round(learners_seconds, 3),
        "report_learners_department_deep_page_seconds": round(learners_deep_seconds, 3),
        "report_school_queries": school_queries,
        "report_department_queries": department_queries,
        "report_learners_department_queries": learners_queries,
        # Inside the rebuild's transaction, as the command reports it.
        "report_summary_rebuild_seconds": build.seconds,
        "report_summary_rows": build.rows,
        # Other work on the machine slows the figures; this says how busy it was.
        "report_load_average_1min": round(os.getloadavg()[0], 2),
        "report_dataset": {
            "database": connection.vendor,
            "schools": school_count,
            "students": students,
        },
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(output.read_text()) if output.exists() else {}
    existing.update(results)
    output.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

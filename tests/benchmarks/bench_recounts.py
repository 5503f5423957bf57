"""Measure the task worker's report recounts for a burst of learner actions.

    DATABASE_URL=postgres://.../lms_bench_NAME \\
        .venv/bin/python tests/benchmarks/bench_recounts.py [--classes 12] [--size 40]

In one run, on the database at DATABASE_URL (SQLite by default): a course,
`--classes` classes of `--size` students; each student opens the course and
completes a lesson (the class period's first minutes), with the task queue
away, so every recount request waits as an outbox row and every job is
queued. Then the worker's part, replayed in-process in waves: after every
`wave` commits the worker runs the jobs queued so far (wave 1: a worker that
keeps up with every commit; 40: one class behind; all: the whole burst
queued, as in the load test's rush). Each mode runs from the same state,
rolled back after:

- ``one_by_one``: every job recounts its own request (before coalescing);
- ``coalesced``: a job serves every pending request (summary_run_recounts),
  the jobs whose rows were served find them gone;
- ``marked``: as coalesced, but a commit queues a job only when no job of
  the task is queued (the outbox's marker in the shared cache), so a wave
  queues one job.

One by one is measured once (every job recounts, whatever the wave);
coalesced per wave. Jobs, recount runs (jobs that did work), queries and the
worker's CPU seconds (process time). Merges ``recount_burst_*`` figures into
var/bench/latest.json, then deletes what it made (the other benchmarks share
the database). A measurement, not a test.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
LATEST = ROOT / "var" / "bench" / "latest.json"


class Rollback(Exception):
    pass


def results_merge(figures: dict, path: Path = LATEST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")


def seed(classes: int, size: int):
    """A course with two lessons, the classes and their students; summary built."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import Page

    from lms.people.models import Membership, Role
    from lms.reports.summary import summary_rebuild
    from tests.courses.factories import (
        CourseIndexPageFactory,
        CoursePageFactory,
        LessonPageFactory,
    )
    from tests.people.factories import (
        DepartmentFactory,
        SchoolClassFactory,
        SchoolFactory,
    )

    call_command("migrate", "--noinput", verbosity=0)
    # Short enough for a school code (16 characters); unique between runs.
    stamp = time.time_ns() // 1000 % 10**12
    home = Page.get_first_root_node().get_children().first()
    catalogue = CourseIndexPageFactory(parent=home, slug=f"bench-recounts-{stamp}")
    course = CoursePageFactory(parent=catalogue, slug=f"k-{stamp}")
    lessons = [LessonPageFactory(parent=course) for _ in range(2)]
    # A school and department of its own (the factories' codes may exist).
    school = SchoolFactory(
        code=f"BR{stamp}",
        department=DepartmentFactory(
            code=f"br-{stamp}", name=f"Sở đo tổng hợp lại {stamp}"
        ),
    )
    first = SchoolClassFactory(name=f"B{stamp}-0", school=school)
    klasses = [first] + [
        SchoolClassFactory(
            name=f"B{stamp}-{n}", school=first.school, school_year=first.school_year
        )
        for n in range(1, classes)
    ]
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"br{stamp}-{n}", password="!")  # noqa: S106 - unusable
        for n in range(classes * size)
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            role=Role.STUDENT,
            school=first.school,
            school_year=first.school_year,
            school_class=klasses[n // size],
        )
        for n, user in enumerate(users)
    )
    summary_rebuild()
    return course, lessons, users


def burst(course, lessons, users) -> list[int]:
    """Every student opens the course and completes a lesson; the rows asked."""
    from courses.services import course_open, lesson_complete
    from lms.models import PendingTask
    from lms.reports.tasks import summary_recount_task

    # Class by class, a student at a time, as they come in.
    waves = []
    for user in users:
        before = set(
            PendingTask.objects.filter(
                task=summary_recount_task.module_path
            ).values_list("pk", flat=True)
        )
        course_open(user=user, course=course)
        lesson_complete(user=user, lesson=lessons[0], course=course)
        after = PendingTask.objects.filter(
            task=summary_recount_task.module_path
        ).values_list("pk", flat=True)
        waves.append(sorted(set(after) - before))
    return waves


def replay(
    rows_per_commit: list[list[int]], wave: int, *, coalesce: bool, marker: bool = False
) -> dict:
    """The worker runs the queued jobs after every `wave` commits; rolled back.

    `marker`: a row is queued only if it set the outbox's marker (one queued
    job at a time, lms/outbox.py), through the outbox's own hand-over.
    """
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import override_settings

    from lms import outbox
    from lms.models import PendingTask
    from lms.reports.summary import summary_run_recounts  # noqa: F401 - registers
    from lms.reports.tasks import summary_recount_task

    task = summary_recount_task.module_path
    runners = dict(outbox._BATCH_RUNNERS)
    if not coalesce:
        outbox._BATCH_RUNNERS.pop(task, None)
    hand_over = outbox._hand_over
    queued: list[tuple[int, str]] = []
    outbox._hand_over = lambda row_id, *, using, task="": queued.append((row_id, task))
    marking = override_settings(LMS_OUTBOX_COALESCE=marker)
    marking.enable()
    cache.delete(outbox._marker(task, "default"))
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    figures = {"jobs": 0, "runs": 0, "queries": 0, "cpu_seconds": 0.0}
    try:
        with transaction.atomic():
            # Each commit's rows appear with it, as they did in the burst.
            waiting = {row.pk: row for row in PendingTask.objects.all()}
            PendingTask.objects.all().delete()
            for number, rows in enumerate(rows_per_commit, start=1):
                PendingTask.objects.bulk_create(waiting[pk] for pk in rows)
                for row_id in rows:  # each after its commit
                    outbox._hand_over_after_commit(row_id, task=task, using="default")
                if number % wave and number != len(rows_per_commit):
                    continue
                started = time.process_time()
                with connection.execute_wrapper(count):
                    while queued:
                        row_id, name = queued.pop(0)
                        done = outbox.outbox_run(row_id=row_id, task=name)
                        figures["jobs"] += 1
                        figures["runs"] += done.startswith("done") and (
                            done != "done already"
                        )
                figures["cpu_seconds"] += time.process_time() - started
            from lms.reports.summary import _recount_requests

            assert not _recount_requests("default").exists()
            figures["rows"] = summary_rows()
            raise Rollback
    except Rollback:
        pass
    finally:
        outbox._BATCH_RUNNERS.clear()
        outbox._BATCH_RUNNERS.update(runners)
        outbox._hand_over = hand_over
        marking.disable()
    figures["queries"] = queries
    figures["cpu_seconds"] = round(figures["cpu_seconds"], 3)
    return figures


def summary_rows():
    from lms.reports.models import CompletionSummary

    return sorted(
        CompletionSummary.objects.values_list(
            "group_id", "course_id", "enrolled", "in_progress", "completed"
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--classes", type=int, default=12)
    parser.add_argument("--size", type=int, default=40)
    options = parser.parse_args()

    # The queue away: the requests wait as rows, the jobs are replayed below.
    os.environ["LMS_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    course, lessons, users = seed(options.classes, options.size)
    try:
        measure(course, lessons, users, options.size)
    finally:
        remove(course, users)


def remove(course, users) -> None:
    """Leave the bench database as it was: the other benchmarks share it."""
    from django.contrib.auth import get_user_model

    from lms.people.models import SchoolClass
    from lms.reports.summary import summary_rebuild

    klasses = list(SchoolClass.objects.filter(memberships__user__in=users).distinct())
    school = klasses[0].school
    get_user_model().objects.filter(pk__in=[user.pk for user in users]).delete()
    SchoolClass.objects.filter(pk__in=[klass.pk for klass in klasses]).delete()
    department = school.department
    school.delete()
    department.delete()
    course.get_parent().specific.delete()
    summary_rebuild()


def measure(course, lessons, users, size: int) -> None:
    rows_per_commit = burst(course, lessons, users)
    requests = sum(len(rows) for rows in rows_per_commit)
    print(f"{len(users)} students, {requests} recount requests")
    figures = {"recount_burst_requests": requests}
    # One by one, every job recounts whatever the wave: measured once.
    alone = replay(rows_per_commit, len(users), coalesce=False)
    expected = alone.pop("rows")
    print(f"one by one      {alone}")
    for key, value in alone.items():
        figures[f"recount_burst_one_by_one_{key}"] = value
    for wave in (1, size, len(users)):
        name = "all" if wave == len(users) else str(wave)
        for mode, marker in (("coalesced", False), ("marked", True)):
            found = replay(rows_per_commit, wave, coalesce=True, marker=marker)
            assert found.pop("rows") == expected
            print(f"{mode:<9} {name:>5} {found}")
            for key, value in found.items():
                figures[f"recount_burst_wave_{name}_{mode}_{key}"] = value
    results_merge(figures)


if __name__ == "__main__":
    main()

"""A large synthetic dataset for the report benchmarks, written with bulk inserts.

Schools of one Department, each with classes of about 40 students, teachers
and collaborators, and realistic progress in the demo courses: most students
enrolled, about 60 % completed (lessons done, quiz passed), some part-way.
Certificates are not generated here yet. The report summary is rebuilt at
the end, since bulk inserts bypass the signals that keep it up to date.
"""

import csv
import functools
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
)
from lms.people.models import (
    Department,
    Membership,
    PersonProfile,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from lms.people.text import fold_for_search, vietnamese_sort_key
from lms.reports.models import CompletionSummary, ReportGroup
from quizzes.models import AttemptState, QuizAttempt, QuizGrade, QuizPage

User = get_user_model()

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Gia", "Bảo", "Quốc"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Đạt", "Giang", "Hà", "Hùng", "Khánh", "Lan"]
CLASS_SIZE = 40
BATCH = 5000


def _school_year() -> SchoolYear:
    today = timezone.localdate()
    first = today.year if today.month >= 9 else today.year - 1
    year, _created = SchoolYear.objects.get_or_create(
        name=f"{first}-{first + 1}",
        defaults={
            "starts_on": date(first, 9, 5),
            "ends_on": date(first + 1, 5, 31),
        },
    )
    return year


NULL = "\\N"
# The names are drawn from a few hundred combinations: each one's keys are
# worked out once (they took a fifth of the seed's Python time).
sort_key = functools.cache(vietnamese_sort_key)
search_key = functools.cache(fold_for_search)


def bulk_loaded_models() -> list:
    """The big tables the seed writes with COPY, their foreign keys and plain
    indexes dropped during the load and put back at the end."""
    return [
        User,
        PersonProfile,
        Membership,
        Enrolment,
        LessonProgress,
        QuizAttempt,
        QuizGrade,
        CourseCompletion,
    ]


def _copy(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows (values in `columns` order) in one statement per table.

    PostgreSQL: COPY FROM STDIN, about ten times cheaper than INSERTs of model
    instances. The rows are written by the csv module (C code: a third of
    the seed's time went to joining the values in Python), with str() of
    each value; None is the NULL marker \\N, and the seed writes no text with
    tabs, newlines or backslashes (checked for titles in `_courses`).
    Elsewhere (SQLite in the tests): bulk_create.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=BATCH,
        )
        return
    meta = model._meta
    names = ", ".join(
        connection.ops.quote_name(meta.get_field(name.removesuffix("_id")).column)
        if name.endswith("_id") and name != "id"
        else connection.ops.quote_name(meta.get_field(name).column)
        for name in columns
    )
    if any(None in row for row in rows):
        rows = [
            tuple(NULL if value is None else value for value in row) for row in rows
        ]
    text = io.StringIO()
    csv.writer(text, delimiter="\t", lineterminator="\n").writerows(rows)
    text.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN "
            "WITH (FORMAT csv, DELIMITER E'\\t', NULL '\\N')",
            text,
        )


def _new_ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows, taken from the table's sequence."""
    if connection.vendor != "postgresql":
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return list(range(last + 1, last + 1 + count))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _bulk_load(models) -> Iterator[None]:
    """Load into these tables without their foreign keys and plain indexes.

    PostgreSQL checks a deferred foreign key once per row at commit and
    updates every index row by row; dropping them first and adding them back
    after the load checks each key in one join and builds each index in one
    sort, as pg_restore does. The definitions are read back from the catalogue,
    so they come back exactly as the migrations made them; adding a foreign key
    back checks every row, so the constraints hold at the end. Unique and
    primary-key indexes stay. Use inside a transaction: on an error everything,
    the drops included, is rolled back. Elsewhere (SQLite) it does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        # Rows written earlier in this transaction (a test's, or the demo
        # seed's) have foreign-key checks pending, and PostgreSQL alters no
        # table with pending checks: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Each index is one sort of millions of rows, each foreign key one
        # join: in memory rather than spilled to disk at the defaults
        # (64 MB and 4 MB), for this transaction only.
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', '512MB', true), "
            "set_config('work_mem', '256MB', true)"
        )
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
            )
        # Back to what every constraint here declares (INITIALLY DEFERRED).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _vacuum_analyze(models) -> None:
    """VACUUM (ANALYZE) these tables, so what reads them next does not depend
    on autovacuum having run over the rows just loaded.

    VACUUM sets the visibility map (index-only scans then skip the heap) and
    the rows' hint bits, and ANALYZE gives the planner their statistics.
    VACUUM cannot run in a transaction: inside one (a test's) only ANALYZE.
    Elsewhere (SQLite) nothing.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in models
    )
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


def _check_text(value: str) -> str:
    if any(char in value for char in "\t\n\r\\"):
        raise CommandError(f"Cannot seed {value!r}: tab, newline or backslash.")
    return value


class Command(BaseCommand):
    help = (
        "Create N schools x M students with progress in the demo courses, "
        "fast (bulk inserts), for the report benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=10)
        parser.add_argument("--students-per-school", type=int, default=200)
        parser.add_argument(
            "--prefix", default="SC", help="Start of the school codes (default SC)."
        )
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args, schools, students_per_school, prefix, seed, **options):
        prefix = prefix.upper()
        if School.objects.filter(code__startswith=prefix).exists():
            raise CommandError(
                f"Schools with codes starting {prefix!r} exist already; "
                "choose another --prefix."
            )
        if not CoursePage.objects.live().exists():
            call_command("seed_demo", stdout=self.stdout)
        # Reproducible synthetic data, not secrets.
        self.rng = random.Random(seed)  # noqa: S311
        self.year = _school_year()
        self.courses = self._courses()
        department, _created = Department.objects.get_or_create(
            code="so-scale", defaults={"name": "Sở Giáo dục và Đào tạo (dữ liệu thử)"}
        )
        # Synthetic accounts never sign in: one unusable password for all
        # (hashing or drawing 300,000 would take minutes).
        self.password = make_password(None)
        self.now = timezone.now()
        started = timezone.now()
        loaded = bulk_loaded_models()
        # One transaction: a failed seed leaves nothing (and no dropped key).
        with transaction.atomic(), _bulk_load(loaded):
            for index in range(schools):
                self._school(department, prefix, index, students_per_school)
                if (index + 1) % 10 == 0 or index + 1 == schools:
                    self.stdout.write(f"{index + 1}/{schools} schools")
        _vacuum_analyze([*loaded, School, SchoolClass])
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {schools} schools x {students_per_school} students "
                f"in {seconds:.0f} s."
            )
        )
        # Bulk inserts send no signals: recount the report summary once, whole.
        call_command("rebuild_report_summary", stdout=self.stdout)
        # The rebuild deleted the old summary rows and wrote new ones.
        _vacuum_analyze([ReportGroup, CompletionSummary])

    def _courses(self) -> list[dict]:
        courses = []
        for course in CoursePage.objects.live().order_by("path"):
            _check_text(course.title)
            lessons = list(
                LessonPage.objects.live().child_of(course).filter(required=True)
            )
            quizzes = list(
                QuizPage.objects.live().child_of(course).filter(required=True)
            )
            courses.append(
                {
                    "page": course,
                    "lessons": [(page.pk, _check_text(page.title)) for page in lessons],
                    "quizzes": [(page.pk, _check_text(page.title)) for page in quizzes],
                }
            )
        return courses

    def _name(self) -> str:
        rng = self.rng
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def _school(self, department, prefix: str, index: int, students: int) -> None:
        code = f"{prefix}{index:04d}"
        school = School.objects.create(
            department=department, name=f"Trường THPT Thử nghiệm {index + 1}", code=code
        )
        class_count = max(1, -(-students // CLASS_SIZE))
        classes = SchoolClass.objects.bulk_create(
            [
                SchoolClass(
                    school=school,
                    school_year=self.year,
                    name=f"{10 + n % 3}A{n // 3 + 1}",
                    grade=10 + n % 3,
                )
                for n in range(class_count)
            ]
        )
        base = code.lower()
        people = [
            (f"{base}.hs{n:04d}", self._name(), f"{code}{n:05d}")
            for n in range(students)
        ]
        staff_roles = [Role.TEACHER] * max(1, students // 25) + [
            Role.COLLABORATOR
        ] * max(1, students // 150)
        people += [
            (f"{base}.gv{n:03d}", self._name(), "") for n in range(len(staff_roles))
        ]
        ids = _new_ids(User, len(people))
        now = self.now
        _copy(
            User,
            [
                "id",
                "password",
                "username",
                "email",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            [
                (pk, self.password, username, "", False, False, True, now)
                for pk, (username, _name, _code) in zip(ids, people, strict=True)
            ],
        )
        # bulk inserts skip the signal that creates profiles.
        _copy(
            PersonProfile,
            [
                "user_id",
                "full_name",
                "phone",
                "student_code",
                "must_change_password",
                "sort_name",
                "search_name",
            ],
            [
                (
                    pk,
                    name,
                    "",
                    student_code,
                    False,
                    sort_key(name),
                    search_key(name),
                )
                for pk, (_username, name, student_code) in zip(ids, people, strict=True)
            ],
        )
        learners, staff = ids[:students], ids[students:]
        year = self.year.pk
        memberships = [
            (user, Role.STUDENT.value, year, school.pk, classes[n // CLASS_SIZE].pk)
            for n, user in enumerate(learners)
        ]
        memberships += [
            (user, role.value, year, school.pk, None)
            for user, role in zip(staff, staff_roles, strict=True)
        ]
        memberships += [
            (staff[n], Role.HOMEROOM_TEACHER.value, year, school.pk, school_class.pk)
            for n, school_class in enumerate(classes[: len(staff)])
        ]
        _copy(
            Membership,
            ["user_id", "role", "school_year_id", "school_id", "school_class_id"],
            memberships,
        )
        by_audience = {
            "students": learners,
            "teachers": [
                u for u, r in zip(staff, staff_roles, strict=True) if r == Role.TEACHER
            ],
            "collaborators": [
                u
                for u, r in zip(staff, staff_roles, strict=True)
                if r == Role.COLLABORATOR
            ],
        }
        self._progress(by_audience)

    def _progress(self, by_audience: dict[str, list[int]]) -> None:
        rng = self.rng
        start = timezone.make_aware(datetime.combine(self.year.starts_on, time(8)))
        ten, fifteen = timedelta(minutes=10), timedelta(minutes=15)
        finished = AttemptState.FINISHED.value
        # COPY writes str() of each value: a learner's times are formatted
        # once, not once per lesson and quiz row (millions of rows).
        stamp = str if connection.vendor == "postgresql" else (lambda value: value)
        now = stamp(self.now)
        enrolments, lessons, completions, attempts, grades = [], [], [], [], []
        for course in self.courses:
            page = course["page"]
            course_id, course_title = page.pk, page.title
            people = [
                user
                for audience in sorted(page.audiences)
                for user in by_audience[audience]
            ]
            for user in people:
                roll = rng.random()
                if roll > 0.85:
                    continue  # never opened the course
                opened = start + timedelta(
                    days=rng.randint(0, 200), minutes=rng.randint(0, 600)
                )
                when = stamp(opened)
                enrolments.append((user, course_id, "automatic", when))
                if roll > 0.75:
                    continue  # enrolled, nothing done yet
                done = course["lessons"] if roll < 0.6 else course["lessons"][:1]
                completed = stamp(opened + ten)
                for lesson_id, lesson_title in done:
                    lessons.append(
                        (user, lesson_id, course_id, lesson_title, when, completed, 0)
                    )
                passed = roll < 0.6
                submitted = stamp(opened + fifteen)
                for quiz_id, quiz_title in course["quizzes"]:
                    percent = rng.randint(70, 100) if passed else rng.randint(20, 69)
                    attempts.append(
                        (
                            user,
                            quiz_id,
                            quiz_title,
                            course_id,
                            1,
                            finished,
                            when,
                            submitted,
                            "[]",
                            0,
                            percent,
                            100,
                            percent,
                            passed,
                            70,
                        )
                    )
                    grades.append((user, quiz_id, percent, passed, passed, now, 0))
                if passed:
                    completions.append(
                        (
                            user,
                            course_id,
                            course_title,
                            opened + timedelta(days=rng.randint(1, 30)),
                            0,
                        )
                    )
        _copy(Enrolment, ["user_id", "course_id", "source", "enrolled_at"], enrolments)
        _copy(
            LessonProgress,
            [
                "user_id",
                "lesson_id",
                "course_id",
                "lesson_title",
                "started_at",
                "completed_at",
                "cycle",
            ],
            lessons,
        )
        _copy(
            QuizAttempt,
            [
                "user_id",
                "quiz_id",
                "quiz_title",
                "course_id",
                "number",
                "state",
                "started_at",
                "submitted_at",
                "snapshot",
                "current_page",
                "score",
                "max_score",
                "percent",
                "passed",
                "pass_mark",
            ],
            attempts,
        )
        _copy(
            QuizGrade,
            [
                "user_id",
                "quiz_id",
                "percent",
                "passed",
                "ever_passed",
                "updated_at",
                "cycle",
            ],
            grades,
        )
        _copy(
            CourseCompletion,
            ["user_id", "course_id", "course_title", "completed_at", "cycle"],
            completions,
        )

"""A large synthetic dataset for the report benchmarks, written with bulk inserts.

Schools of one Department, each with classes of about 40 students, teachers
and collaborators, and realistic progress in the demo courses: most students
enrolled, about 60 % completed (lessons done, quiz passed), some part-way.
Certificates are not generated here yet. The report summary is rebuilt at
the end, since bulk inserts bypass the signals that keep it up to date.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
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


def _user(username: str, full_name: str, code: str = "") -> User:
    # bulk_create skips the signal that creates profiles; they come after.
    user = User(username=username)
    user.seed_profile = PersonProfile(
        full_name=full_name,
        student_code=code,
        sort_name=vietnamese_sort_key(full_name),
        search_name=fold_for_search(full_name),
    )
    # Synthetic accounts never sign in; hashing 300,000 passwords would take hours.
    user.set_unusable_password()
    return user


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
        started = timezone.now()
        for first in range(0, schools, 10):
            with transaction.atomic():
                for index in range(first, min(first + 10, schools)):
                    self._school(department, prefix, index, students_per_school)
            self.stdout.write(f"{min(first + 10, schools)}/{schools} schools")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {schools} schools x {students_per_school} students "
                f"in {seconds:.0f} s."
            )
        )
        # Bulk inserts send no signals: recount the report summary once, whole.
        call_command("rebuild_report_summary", stdout=self.stdout)

    def _courses(self) -> list[dict]:
        courses = []
        for course in CoursePage.objects.live().order_by("path"):
            courses.append(
                {
                    "page": course,
                    "lessons": list(
                        LessonPage.objects.live().child_of(course).filter(required=True)
                    ),
                    "quizzes": list(
                        QuizPage.objects.live().child_of(course).filter(required=True)
                    ),
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
        users = [
            _user(f"{base}.hs{n:04d}", self._name(), code=f"{code}{n:05d}")
            for n in range(students)
        ]
        staff_roles = [Role.TEACHER] * max(1, students // 25) + [
            Role.COLLABORATOR
        ] * max(1, students // 150)
        users += [
            _user(f"{base}.gv{n:03d}", self._name()) for n in range(len(staff_roles))
        ]
        users = User.objects.bulk_create(users, batch_size=BATCH)
        profiles = []
        for user in users:
            user.seed_profile.user_id = user.pk
            profiles.append(user.seed_profile)
        PersonProfile.objects.bulk_create(profiles, batch_size=BATCH)
        learners, staff = users[:students], users[students:]
        memberships = [
            Membership(
                user=user,
                role=Role.STUDENT,
                school=school,
                school_year=self.year,
                school_class=classes[n // CLASS_SIZE],
            )
            for n, user in enumerate(learners)
        ]
        memberships += [
            Membership(user=user, role=role, school=school, school_year=self.year)
            for user, role in zip(staff, staff_roles, strict=True)
        ]
        memberships += [
            Membership(
                user=staff[n],
                role=Role.HOMEROOM_TEACHER,
                school=school,
                school_year=self.year,
                school_class=school_class,
            )
            for n, school_class in enumerate(classes[: len(staff)])
        ]
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
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

    def _progress(self, by_audience: dict[str, list[User]]) -> None:
        rng = self.rng
        start = timezone.make_aware(datetime.combine(self.year.starts_on, time(8)))
        enrolments, lessons, completions, attempts, grades = [], [], [], [], []
        for course in self.courses:
            page = course["page"]
            people = [
                user
                for audience in sorted(page.audiences)
                for user in by_audience[audience]
            ]
            for user in people:
                roll = rng.random()
                if roll > 0.85:
                    continue  # never opened the course
                when = start + timedelta(
                    days=rng.randint(0, 200), minutes=rng.randint(0, 600)
                )
                enrolments.append(
                    Enrolment(
                        user=user, course=page, source="automatic", enrolled_at=when
                    )
                )
                if roll > 0.75:
                    continue  # enrolled, nothing done yet
                done = course["lessons"] if roll < 0.6 else course["lessons"][:1]
                for lesson in done:
                    lessons.append(
                        LessonProgress(
                            user=user,
                            lesson=lesson,
                            course=page,
                            lesson_title=lesson.title,
                            started_at=when,
                            completed_at=when + timedelta(minutes=10),
                        )
                    )
                passed = roll < 0.6
                for quiz in course["quizzes"]:
                    percent = rng.randint(70, 100) if passed else rng.randint(20, 69)
                    attempts.append(
                        QuizAttempt(
                            user=user,
                            quiz=quiz,
                            quiz_title=quiz.title,
                            course=page,
                            number=1,
                            state=AttemptState.FINISHED,
                            started_at=when,
                            submitted_at=when + timedelta(minutes=15),
                            percent=percent,
                            score=percent,
                            max_score=100,
                            passed=passed,
                            pass_mark=70,
                        )
                    )
                    grades.append(
                        QuizGrade(
                            user=user,
                            quiz=quiz,
                            percent=percent,
                            passed=passed,
                            ever_passed=passed,
                        )
                    )
                if passed:
                    completions.append(
                        CourseCompletion(
                            user=user,
                            course=page,
                            course_title=page.title,
                            completed_at=when + timedelta(days=rng.randint(1, 30)),
                        )
                    )
        for model, rows in (
            (Enrolment, enrolments),
            (LessonProgress, lessons),
            (QuizAttempt, attempts),
            (QuizGrade, grades),
            (CourseCompletion, completions),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)

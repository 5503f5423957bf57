"""Measure what a learner's two busiest requests cost: a lesson view and a
30-question quiz submit, on the database at DATABASE_URL (PostgreSQL in
`make bench`), under production settings.

    .venv/bin/python tests/benchmarks/bench_learner.py [--runs 30]

Medians of `--runs` requests after a warm-up, timed around Django's test
client (URL routing, middleware, view, template, database: everything but the
network and the WSGI server). Query counts are taken on one request. Figures
are merged into var/bench/latest.json. A measurement, not a test.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

QUESTIONS = 30
LESSONS = 12


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from courses.models import CourseIndexPage, CoursePage, LessonPage
    from courses.services import course_open
    from lms.people.models import Membership, Role, SchoolClass, User
    from lms.people.policies import current_school_year
    from lms.people.profiles import profile_update
    from quizzes.models import Choice, Question, QuizAttempt, QuizPage, QuizSlot
    from tests.benchmarks.results import results_merge

    call_command("migrate", verbosity=0, interactive=False)
    # force: the other benchmarks add their own learners to this database.
    call_command("seed_demo", verbosity=0, force=True)
    catalogue = CourseIndexPage.objects.get(slug="khoa-hoc")
    course = CoursePage.objects.child_of(catalogue).filter(slug="bench-course").first()
    if course is None:
        course = CoursePage(
            title="Khóa học đo hiệu năng",
            slug="bench-course",
            summary="Dùng cho benchmark.",
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
        for number in range(1, LESSONS + 1):
            lesson = LessonPage(
                title=f"Bài {number}",
                slug=f"bai-{number}",
                body=body,
                estimated_minutes=5,
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        quiz = QuizPage(
            title="Bài kiểm tra", slug="kiem-tra", pass_mark=70, required=False
        )
        course.add_child(instance=quiz)
        category = (
            Question.objects.filter(category__name__isnull=False).first().category
        )
        for index in range(QUESTIONS):
            question = Question.objects.create(
                category=category,
                qtype="single_choice",
                text=f"<p>Câu hỏi đo hiệu năng số {index + 1}?</p>",
            )
            Choice.objects.create(question=question, text="Đúng", fraction=100)
            for wrong in ("Sai một", "Sai hai", "Sai ba"):
                Choice.objects.create(question=question, text=wrong, fraction=0)
            QuizSlot.objects.create(quiz=quiz, question=question, sort_order=index)
        quiz.save_revision().publish()
    quiz = QuizPage.objects.child_of(course).get()
    lesson = LessonPage.objects.child_of(course).order_by("path")[LESSONS // 2]

    school_class = (
        SchoolClass.objects.filter(
            school__code="DEMO", school_year=current_school_year()
        )
        .order_by("pk")
        .first()
    )
    student, _created = User.objects.get_or_create(username="bench.student")
    profile_update(user=student, full_name="Học Sinh Đo Hiệu Năng")
    Membership.objects.get_or_create(
        user=student,
        role=Role.STUDENT,
        school_class=school_class,
        school=school_class.school,
        school_year=school_class.school_year,
    )
    course_open(user=student, course=course)
    client = Client()
    client.force_login(student)

    def timed(request) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = request()
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code in (200, 302), response.status_code
        return elapsed, len(queries)

    lesson_url = lesson.url
    timed(lambda: client.get(lesson_url))  # warm caches and connections
    lesson_runs = [timed(lambda: client.get(lesson_url)) for _ in range(args.runs)]

    submit_runs = []
    for _ in range(args.runs):
        QuizAttempt.objects.filter(user=student, quiz=quiz).delete()
        client.post(quiz.url, {"action": "start"})
        attempt = QuizAttempt.objects.get(user=student, quiz=quiz)
        answers = {
            q["key"]: next(
                c["key"] for c in q["choices"] if Decimal(c["fraction"]) == 1
            )
            for q in attempt.snapshot
        }
        url = reverse("lms_quizzes:submit", args=[attempt.pk])
        submit_runs.append(timed(lambda u=url, a=answers: client.post(u, a)))

    figures = {
        "lesson_view_ms_p50": round(statistics.median(t for t, _ in lesson_runs), 2),
        "lesson_view_queries": max(q for _, q in lesson_runs),
        "quiz_submit_ms_p50": round(statistics.median(t for t, _ in submit_runs), 2),
        "quiz_submit_queries": max(q for _, q in submit_runs),
        "learner_bench_database": connection.vendor,
        "learner_bench_runs": args.runs,
    }
    results_merge(figures)
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

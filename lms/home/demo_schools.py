"""The schools' own demo courses, and progress this year and last. Idempotent.

DEMO and Bình Minh each own a catalogue with one course and a question
category of their own; the shared courses stay in the Department library.
Learners of every school have made some progress this year; last year's
leavers hold completions and certificates dated in that year. The
Department's Cybersecurity Law course is required every school year: Kiều
Thanh Tâm (bm04, 11B1 at Bình Minh, 10B1 last year) completed it last year,
her certificate has lapsed, and she takes it again this year.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
)
from lms.people.demo import DemoOrganisation


def seed_school_courses(*, home, org: DemoOrganisation) -> dict[str, list[CoursePage]]:
    """Each school's own catalogue, courses and question category."""
    from courses.demo import seed_courses
    from courses.packs.demo import LIBRARY, demo_catalogues

    owned = {}
    for code in demo_catalogues():
        if code == LIBRARY:
            continue
        school = org.schools[code].school
        # The school's course packs (courses/demo_packs/<code>/), their
        # quizzes drawing from the school's own question category.
        owned[code] = seed_courses(home=home, school=school)
    return owned


def right_answers(snapshot: list[dict]) -> dict:
    """The best answer to each question of an attempt, from its snapshot."""
    answers = {}
    for question in snapshot:
        qtype = question["qtype"]
        choices = question.get("choices", [])
        best = max(choices, key=lambda c: Decimal(c["fraction"]), default=None)
        if qtype == "single_choice" and best:
            answers[question["key"]] = best["key"]
        elif qtype == "multiple_choice":
            answers[question["key"]] = [
                c["key"] for c in choices if Decimal(c["fraction"]) > 0
            ]
        elif qtype == "true_false":
            answers[question["key"]] = "true" if question["correct"] else "false"
        elif qtype == "short_answer" and best:
            answers[question["key"]] = best["text"].replace("*", "")
        elif qtype == "matching":
            answers[question["key"]] = {
                p["key"]: p["answer"] for p in question["pairs"] if p["prompt"]
            }
    return answers


def complete_course(*, student, course, now=None) -> None:
    """Every lesson done and every quiz passed, through the services (idempotent)."""
    from courses.demo import seed_learner_progress
    from quizzes.models import QuizGrade, QuizPage
    from quizzes.services import attempt_start, attempt_submit

    lessons = LessonPage.objects.child_of(course).live().count()
    seed_learner_progress(student=student, course=course, lessons_done=lessons)
    for quiz in QuizPage.objects.child_of(course).live():
        for _attempt in range(5):
            if QuizGrade.objects.filter(user=student, quiz=quiz, passed=True).exists():
                break
            attempt = attempt_start(user=student, quiz=quiz, now=now)
            attempt_submit(
                attempt=attempt, answers=right_answers(attempt.snapshot), now=now
            )


def fail_quiz_once(*, student, course, now=None) -> None:
    """All lessons done and one attempt at the quiz, left unanswered (idempotent)."""
    from courses.demo import seed_learner_progress
    from quizzes.models import QuizAttempt, QuizPage
    from quizzes.services import attempt_start, attempt_submit

    lessons = LessonPage.objects.child_of(course).live().count()
    seed_learner_progress(student=student, course=course, lessons_done=lessons)
    for quiz in QuizPage.objects.child_of(course).live():
        if not QuizAttempt.objects.filter(user=student, quiz=quiz).exists():
            attempt = attempt_start(user=student, quiz=quiz, now=now)
            attempt_submit(attempt=attempt, answers={}, now=now)


def issue_certificate(*, student, course, render: bool = True):
    from certificates.services import certificate_issue

    return certificate_issue(
        user=student, course=course, notify=False, render=render
    ).certificate


# The course learners take again every school year, and who took it last year.
YEARLY_COURSE = "luat-an-ninh-mang-cho-hoc-sinh"
RECERTIFIED_STUDENT = "bm04"


def seed_yearly_course(*, library: list[CoursePage]) -> CoursePage:
    """The Cybersecurity Law course, required every school year (published
    as a new revision once, so an editor's next edit keeps it)."""
    course = _by_slug(library, YEARLY_COURSE)
    if not course.required_every_year:
        course.required_every_year = True
        course.save_revision().publish()
    return course


def _by_slug(courses: list[CoursePage], slug: str) -> CoursePage:
    return next(course for course in courses if course.slug == slug)


def seed_school_progress(
    *, people: dict, library: list[CoursePage], owned: dict[str, list[CoursePage]]
) -> None:
    """This year's progress at every school: lessons, attempts, completions."""
    from courses.demo import seed_learner_progress

    law = _by_slug(library, "luat-an-ninh-mang-cho-hoc-sinh")
    footprint = owned["DEMO"][0]
    balance = owned["BINHMINH"][0]

    # DEMO (10A2) finished and started its own course; Bình Minh the same
    # with its own, one more failed its quiz once and one started a
    # Department course; Sông Lam has no course of its own and uses the
    # Department's. A learner missing from `people` (a site's own account
    # holds the username) is left out.
    finished = [("hs07", footprint), ("bm01", balance), ("sl01", law)]
    started = [("hs08", footprint), ("bm03", law), ("sl02", law)]
    for username, course in finished:
        if student := people.get(username):
            complete_course(student=student, course=course)
            issue_certificate(student=student, course=course)
    if student := people.get("bm02"):
        fail_quiz_once(student=student, course=balance)
    for username, course in started:
        if student := people.get(username):
            seed_learner_progress(student=student, course=course, lessons_done=1)


def _backdate(*, student, course, when: datetime.datetime, year) -> None:
    """Move a learner's records for `course` to `when` in school year `year`
    (last year's history), a course required every year into that year's
    cycle."""
    from quizzes.models import QuizAttempt, QuizGrade

    in_year = {"school_year": year}
    cycle = {"cycle": year.pk if course.required_every_year else 0}
    Enrolment.objects.filter(user=student, course=course).update(enrolled_at=when)
    progress = LessonProgress.objects.filter(user=student, course=course)
    progress.update(started_at=when, **in_year, **cycle)
    progress.filter(completed_at__isnull=False).update(completed_at=when)
    quizzes = course.get_children()
    QuizAttempt.objects.filter(user=student, quiz__in=quizzes).update(
        started_at=when, submitted_at=when, **in_year
    )
    QuizGrade.objects.filter(user=student, quiz__in=quizzes).update(**in_year, **cycle)
    CourseCompletion.objects.filter(user=student, course=course).update(
        completed_at=when, **in_year, **cycle
    )


def _recertified_last_year(*, student, course, when: datetime.datetime, year) -> None:
    """`student` completed the yearly `course` last year and was certified
    then; the certificate lapsed when that year ended. Issued first (a yearly
    course certifies the learner's own year), then moved to last year."""
    from certificates.models import Certificate
    from certificates.services import certificate_render

    complete_course(student=student, course=course, now=when)
    certificate = issue_certificate(student=student, course=course, render=False)
    _backdate(student=student, course=course, when=when, year=year)
    day = timezone.localtime(when).date()
    certificate.issued_at = when
    certificate.school_year = year
    certificate.cycle = year.pk
    certificate.expires_on = year.ends_on
    certificate.snapshot = {
        **certificate.snapshot,
        "completion_date": day.strftime("%d/%m/%Y"),
        "issue_date": day.strftime("%d/%m/%Y"),
        "issue_date_iso": day.isoformat(),
        "issued_at": when.isoformat(),
        "school_year": year.name,
        "expires_on": year.ends_on.strftime("%d/%m/%Y"),
    }
    certificate.save()
    certificate_render(certificate=Certificate.objects.get(pk=certificate.pk))


def seed_history(
    *,
    org: DemoOrganisation,
    people: dict,
    library: list[CoursePage],
    owned: dict[str, list[CoursePage]],
) -> None:
    """Last year's leavers: completions dated in that year, and certificates."""
    from courses.demo import seed_learner_progress

    year = org.previous_year
    when = timezone.make_aware(
        datetime.datetime(year.ends_on.year, 4, 20, 9, 30)
    )  # April of last school year
    law = _by_slug(library, "luat-an-ninh-mang-cho-hoc-sinh")
    finished = [
        (people[username], course)
        for username, course in (
            ("cuuhs01", law),
            ("cuuhs02", owned["DEMO"][0]),
            ("cuubm01", owned["BINHMINH"][0]),
        )
        if username in people
    ]
    # One transaction: the automatic issue after a completion runs on commit,
    # once the completion carries last year's date and the certificate exists.
    with transaction.atomic():
        for student, course in finished:
            if CourseCompletion.objects.filter(user=student, course=course).exists():
                continue
            complete_course(student=student, course=course, now=when)
            _backdate(student=student, course=course, when=when, year=year)
            # Numbered in last year's series (the leaver's last membership),
            # dated the day it is issued, like any certificate issued late.
            issue_certificate(student=student, course=course)
        part_way = [
            (people[username], course, lessons)
            for username, course, lessons in (
                ("cuuhs03", law, 1),
                ("cuubm02", owned["BINHMINH"][0], 1),
            )
            if username in people
        ]
        for student, course, lessons in part_way:
            seed_learner_progress(student=student, course=course, lessons_done=lessons)
            _backdate(student=student, course=course, when=when, year=year)
        student = people.get(RECERTIFIED_STUDENT)
        yearly = _by_slug(library, YEARLY_COURSE)
        if (
            student is not None
            and not CourseCompletion.objects.filter(
                user=student, course=yearly
            ).exists()
        ):
            _recertified_last_year(student=student, course=yearly, when=when, year=year)

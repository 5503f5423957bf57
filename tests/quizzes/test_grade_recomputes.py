"""The audit of recomputed grades: a read-only admin listing (school admins
their school's quizzes, officers all), the note on the quiz report, and the
person's data export."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import CourseCompletion
from lms.people.models import Role
from quizzes.data_protection import person_quizzes_export
from quizzes.models import GradeRecompute, QuizGrade
from quizzes.services import attempt_start, attempt_submit
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.people.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.quizzes.factories import QuizPageFactory, add_slots, true_false

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools(site_root, school_class):
    """A quiz in a course of the learners' school and one of another school."""
    own = CourseIndexPageFactory(
        parent=site_root, school=school_class.school, slug="truong-a"
    )
    other_school = SchoolFactory()
    other = CourseIndexPageFactory(parent=site_root, school=other_school, slug="b")
    quiz_a = QuizPageFactory(parent=CoursePageFactory(parent=own), title="Kiểm tra A")
    quiz_b = QuizPageFactory(parent=CoursePageFactory(parent=other), title="Kiểm tra B")
    for quiz in (quiz_a, quiz_b):
        GradeRecompute.objects.create(
            quiz=quiz, changes={"pass_mark": [50, 80]}, grades_changed=1
        )
    return quiz_a, quiz_b, other_school


def _listing(client, user):
    client.force_login(user)
    return client.get(reverse("lms_quizzes_recomputes"))


def test_a_school_admin_lists_only_their_schools_recomputes(
    client, two_schools, make_learner
):
    admin = make_learner("qtt", role=Role.SCHOOL_ADMIN)
    response = _listing(client, admin)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kiểm tra A" in html and "Kiểm tra B" not in html
    assert "Điểm đạt: 50 → 80" in html


def test_an_officer_lists_every_schools_recomputes(client, two_schools):
    _quiz_a, _quiz_b, other_school = two_schools
    officer = UserFactory(username="so")
    MembershipFactory(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        school=None,
        school_class=None,
        department=other_school.department,
    )
    html = _listing(client, officer).content.decode()
    assert "Kiểm tra A" in html and "Kiểm tra B" in html


def test_teachers_and_learners_may_not_see_recomputes(
    client, two_schools, make_learner
):
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    assert _listing(client, teacher).status_code in (302, 403)
    assert _listing(client, make_learner("hs")).status_code in (302, 403)


# The note on the quiz report --------------------------------------------------


@pytest.fixture
def kept_completion(make_course, make_learner, django_capture_on_commit_callbacks):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    add_slots(quiz, [true_false(correct=True), true_false(correct=True)])
    learner = make_learner("hs", full_name="Nguyễn Văn An")
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_start(user=learner, quiz=quiz)
        keys = [q["key"] for q in attempt.snapshot]
        attempt_submit(attempt=attempt, answers={keys[0]: "true", keys[1]: "false"})
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()
    with django_capture_on_commit_callbacks(execute=True):
        quiz.pass_mark = 80
        quiz.save_revision().publish()
    assert GradeRecompute.objects.get(quiz=quiz).completions_kept
    return quiz, learner


def test_the_quiz_report_says_in_vietnamese_which_completions_were_kept(
    client, kept_completion, make_learner
):
    quiz, _learner = kept_completion
    client.force_login(make_learner("qtt", role=Role.SCHOOL_ADMIN))
    html = client.get(reverse("lms_quizzes_report", args=[quiz.pk])).content
    html = html.decode()
    assert "1 lượt hoàn thành khóa học không còn dựa trên kết quả đạt" in html
    assert "Nguyễn Văn An" in html
    assert reverse("lms_quizzes_recomputes") in html


def test_the_report_note_goes_once_the_learner_passes_again(
    client, kept_completion, make_learner
):
    quiz, learner = kept_completion
    QuizGrade.objects.filter(user=learner, quiz=quiz).update(
        passed=True, percent=Decimal("100")
    )
    client.force_login(make_learner("qtt", role=Role.SCHOOL_ADMIN))
    html = client.get(reverse("lms_quizzes_report", args=[quiz.pk])).content
    assert "không còn dựa trên" not in html.decode()


def test_a_persons_export_lists_the_recomputes_that_kept_their_completion(
    kept_completion,
):
    quiz, learner = kept_completion
    _name, data, _files = person_quizzes_export(person=learner)
    assert data["completions_kept"] == [
        {
            "quiz": quiz.title,
            "done_at": GradeRecompute.objects.get().done_at.isoformat(),
            "changes": {"pass_mark": [50, 80]},
        }
    ]


# Small quizzes at once, large ones in the background ------------------------


@pytest.fixture
def passed_at_half(make_course, make_learner, django_capture_on_commit_callbacks):
    """A learner who scored 50 % on a quiz whose pass mark is 50."""
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    add_slots(quiz, [true_false(correct=True), true_false(correct=True)])
    learner = make_learner("hs")
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_start(user=learner, quiz=quiz)
        keys = [q["key"] for q in attempt.snapshot]
        attempt_submit(attempt=attempt, answers={keys[0]: "true", keys[1]: "false"})
    return quiz, learner


def _raise_pass_mark(quiz, callbacks):
    with callbacks(execute=True):
        quiz.pass_mark = 80
        quiz.save_revision().publish()


def test_a_quiz_with_few_takers_is_recomputed_at_once_without_a_job(
    passed_at_half, settings, monkeypatch, django_capture_on_commit_callbacks
):
    quiz, learner = passed_at_half
    settings.LMS_RECOMPUTE_BACKGROUND_TAKERS = 1
    queued = []
    monkeypatch.setattr("quizzes.jobs.recompute_enqueue", queued.append)
    _raise_pass_mark(quiz, django_capture_on_commit_callbacks)
    assert queued == []
    record = GradeRecompute.objects.get(quiz=quiz)
    assert record.finished_at is not None and record.grades_changed == 1
    assert not QuizGrade.objects.get(user=learner, quiz=quiz).passed


def test_a_quiz_with_many_takers_is_recomputed_by_a_job_run_once(
    passed_at_half, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from quizzes.jobs import recompute_run

    quiz, learner = passed_at_half
    settings.LMS_RECOMPUTE_BACKGROUND_TAKERS = 0
    queued = []
    monkeypatch.setattr("quizzes.jobs.recompute_enqueue", queued.append)
    _raise_pass_mark(quiz, django_capture_on_commit_callbacks)
    record = GradeRecompute.objects.get(quiz=quiz)
    assert queued == [record.pk]
    # Until the worker runs, the old grade stands and the row says so.
    assert record.finished_at is None
    assert QuizGrade.objects.get(user=learner, quiz=quiz).passed
    recompute_run(record.pk)
    record.refresh_from_db()
    assert record.finished_at is not None and record.grades_changed == 1
    assert record.completions_kept == [
        {"user": learner.pk, "course": quiz.get_parent().pk}
    ]
    assert not QuizGrade.objects.get(user=learner, quiz=quiz).passed
    # A job delivered twice finds its row finished and changes nothing.
    finished_at = record.finished_at
    recompute_run(record.pk)
    record.refresh_from_db()
    assert record.finished_at == finished_at and record.grades_changed == 1
    assert GradeRecompute.objects.count() == 1


def test_the_background_recompute_goes_through_the_task_queue(
    passed_at_half, settings, django_capture_on_commit_callbacks
):
    # The test settings run tasks in-process (django-tasks' immediate backend).
    quiz, learner = passed_at_half
    settings.LMS_RECOMPUTE_BACKGROUND_TAKERS = 0
    _raise_pass_mark(quiz, django_capture_on_commit_callbacks)
    record = GradeRecompute.objects.get(quiz=quiz)
    assert record.finished_at is not None and record.grades_changed == 1
    assert not QuizGrade.objects.get(user=learner, quiz=quiz).passed


def test_the_listing_says_a_background_recompute_is_still_going(
    client, two_schools, make_learner
):
    quiz_a, _quiz_b, _other = two_schools
    GradeRecompute.objects.filter(quiz=quiz_a).update(finished_at=None)
    html = _listing(client, make_learner("qtt", role=Role.SCHOOL_ADMIN)).content
    assert "Đang được tính lại trong nền." in html.decode()


# Attempts follow a changed pass mark ------------------------------------------


def test_an_old_attempt_takes_the_new_pass_mark_and_says_so_on_its_review(
    client, passed_at_half, django_capture_on_commit_callbacks
):
    quiz, learner = passed_at_half
    attempt = quiz.attempts.get()
    assert attempt.passed and attempt.pass_mark == 50
    _raise_pass_mark(quiz, django_capture_on_commit_callbacks)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("50.00")
    assert not attempt.passed and attempt.pass_mark == 80
    client.force_login(learner)
    html = client.get(reverse("lms_quizzes:review", args=[attempt.pk])).content
    assert "điểm đạt: 80%" in html.decode().lower()
    with django_capture_on_commit_callbacks(execute=True):
        quiz.pass_mark = 40
        quiz.save_revision().publish()
    attempt.refresh_from_db()
    assert attempt.passed and attempt.pass_mark == 40
    assert QuizGrade.objects.get(user=learner, quiz=quiz).passed


def test_tidying_enqueues_again_only_recomputes_left_waiting(two_schools, monkeypatch):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    quiz_a, quiz_b, _other = two_schools
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    waiting = GradeRecompute.objects.get(quiz=quiz_a)
    GradeRecompute.objects.filter(pk=waiting.pk).update(
        finished_at=None, done_at=long_ago
    )
    GradeRecompute.objects.filter(quiz=quiz_b).update(finished_at=timezone.now())
    GradeRecompute.objects.create(quiz=quiz_b, changes={})  # just queued
    queued = []
    monkeypatch.setattr("quizzes.jobs.recompute_enqueue", queued.append)
    out = StringIO()
    call_command("tidy_grade_recomputes", stdout=out)
    assert queued == [waiting.pk]
    assert "1" in out.getvalue()

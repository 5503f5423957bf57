"""Nobody grades themselves, nothing is graded early, re-marks are recorded,
and a regrade stays within the quiz and records the versions it used."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lms.people.models import Role
from quizzes.models import AttemptState, EssayRemark, QuizAttempt, Regrade
from quizzes.services import (
    AttemptRefused,
    attempt_regrade,
    attempt_start,
    attempt_submit,
    essay_grade,
)
from tests.quizzes.factories import (
    QuizPageFactory,
    add_slots,
    choice_key,
    essay,
    single_choice,
    true_false,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay_quiz(make_course):
    course, _lessons = make_course(lessons=0, for_teachers=True)
    quiz = QuizPageFactory(parent=course)
    add_slots(quiz, [essay(), true_false(correct=True)])
    return quiz


def _keys(attempt):
    return {q["qtype"]: q["key"] for q in attempt.snapshot}


def _submitted(quiz, user, *, tf="false"):
    attempt = attempt_start(user=user, quiz=quiz)
    keys = _keys(attempt)
    return attempt_submit(
        attempt=attempt,
        answers={keys["essay"]: "Em sẽ báo cô.", keys["true_false"]: tf},
    )


def test_a_teacher_cannot_grade_their_own_essay(client, essay_quiz, make_learner):
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    attempt = _submitted(essay_quiz, teacher)
    response = attempt.responses.get(key=_keys(attempt)["essay"])
    with pytest.raises(AttemptRefused):
        essay_grade(response=response, grader=teacher, score=Decimal("5"))
    client.force_login(teacher)
    url = reverse("lms_quizzes_essay_grade", args=[response.pk])
    assert client.post(url, {"score": "5"}).status_code == 404
    assert (
        "Em sẽ báo cô."
        not in client.get(reverse("lms_quizzes_essays")).content.decode()
    )
    response.refresh_from_db()
    assert response.score is None and response.graded_by is None


def test_a_school_admin_cannot_grade_their_own_essay(essay_quiz, make_learner):
    admin = make_learner("qtt", role=Role.SCHOOL_ADMIN)
    attempt = _submitted(essay_quiz, admin)
    response = attempt.responses.get(key=_keys(attempt)["essay"])
    with pytest.raises(AttemptRefused):
        essay_grade(response=response, grader=admin, score=Decimal("5"))


def test_grading_a_true_false_answer_is_refused_and_changes_nothing(
    client, essay_quiz, make_learner
):
    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    attempt = _submitted(essay_quiz, learner, tf="false")
    response = attempt.responses.get(key=_keys(attempt)["true_false"])
    before = response.score
    client.force_login(teacher)
    url = reverse("lms_quizzes_essay_grade", args=[response.pk])
    assert client.post(url, {"score": "1"}).status_code == 404
    with pytest.raises(AttemptRefused):
        essay_grade(response=response, grader=teacher, score=Decimal("1"))
    response.refresh_from_db()
    assert response.score == before == Decimal("0.00")
    assert response.graded_by is None


def test_grading_an_unsubmitted_attempt_is_refused_and_changes_nothing(
    client, essay_quiz, make_learner
):
    from quizzes.services import answers_save

    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    attempt = attempt_start(user=learner, quiz=essay_quiz)
    keys = _keys(attempt)
    answers_save(
        attempt=attempt, answers={keys["essay"]: "Nháp", keys["true_false"]: "false"}
    )
    client.force_login(teacher)
    for key in keys.values():
        response = attempt.responses.get(key=key)
        url = reverse("lms_quizzes_essay_grade", args=[response.pk])
        assert client.post(url, {"score": "1"}).status_code == 404
        with pytest.raises(AttemptRefused):
            essay_grade(response=response, grader=teacher, score=Decimal("1"))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    assert not attempt.responses.exclude(graded_by=None).exists()


def test_re_marking_needs_the_explicit_action_and_is_recorded(
    client, essay_quiz, make_learner
):
    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    attempt = _submitted(essay_quiz, learner, tf="true")
    response = attempt.responses.get(key=_keys(attempt)["essay"])
    essay_grade(response=response, grader=teacher, score=Decimal("2"))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.score == Decimal("3.00")

    client.force_login(teacher)
    url = reverse("lms_quizzes_essay_grade", args=[response.pk])
    # Without the re-mark box, nothing changes.
    assert client.post(url, {"score": "5"}).status_code == 200
    response.refresh_from_db()
    assert response.score == Decimal("2.00")
    assert not EssayRemark.objects.exists()

    assert client.post(url, {"score": "5", "remark": "on"}).status_code == 302
    response.refresh_from_db()
    assert response.score == Decimal("5.00")
    remark = EssayRemark.objects.get(response=response)
    assert remark.done_by == teacher and remark.old_graded_by == teacher
    assert (remark.old_score, remark.new_score) == (Decimal("2.00"), Decimal("5.00"))
    attempt.refresh_from_db()
    assert attempt.score == Decimal("6.00")


def test_a_lapsed_homeroom_teacher_cannot_grade(essay_quiz, make_learner):
    import datetime

    from lms.people.models import Membership
    from tests.people.factories import SchoolYearFactory

    learner = make_learner("hs")
    teacher = make_learner("gvcn", role=Role.HOMEROOM_TEACHER)
    first = int(SchoolYearFactory().name[:4]) - 1
    last_year = SchoolYearFactory(
        name=f"{first}-{first + 1}",
        starts_on=datetime.date(first, 9, 5),
        ends_on=datetime.date(first + 1, 5, 31),
    )
    Membership.objects.filter(user__in=[learner, teacher]).update(school_year=last_year)
    attempt = _submitted(essay_quiz, learner)
    response = attempt.responses.get(key=_keys(attempt)["essay"])
    with pytest.raises(AttemptRefused):
        essay_grade(response=response, grader=teacher, score=Decimal("5"))


def test_nobody_regrades_their_own_attempt(make_course, make_learner):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    add_slots(quiz, [question])
    admin = make_learner("qtt", role=Role.SCHOOL_ADMIN)
    attempt = attempt_submit(attempt=attempt_start(user=admin, quiz=quiz))
    with pytest.raises(AttemptRefused):
        attempt_regrade(attempt=attempt, by=admin)
    assert not Regrade.objects.exists()


def test_regrade_touches_only_this_quizs_attempts_and_records_versions(
    client, make_course, make_learner
):
    course, _lessons = make_course(lessons=0)
    question = single_choice()
    quiz, other_quiz = QuizPageFactory(parent=course), QuizPageFactory(parent=course)
    add_slots(quiz, [question])
    add_slots(other_quiz, [question])
    learner = make_learner("hs")
    admin = make_learner("qtt", role=Role.SCHOOL_ADMIN)
    wrong = question.choices.get(fraction=0, text="Sai 1")
    attempts = {}
    for page in (quiz, other_quiz):
        attempt = attempt_start(user=learner, quiz=page)
        attempts[page.pk] = attempt_submit(
            attempt=attempt,
            answers={attempt.snapshot[0]["key"]: choice_key(attempt, wrong)},
        )
    # Own attempt of the regrader: not touched either.
    own = attempt_submit(
        attempt=attempt_start(user=admin, quiz=quiz),
        answers={},
    )
    wrong.fraction = 100
    wrong.save()
    question.refresh_from_db()
    question.save()  # a new version, since the question was shown
    question.refresh_from_db()

    client.force_login(admin)
    client.post(reverse("lms_quizzes_regrade", args=[quiz.pk]))
    regraded = QuizAttempt.objects.get(pk=attempts[quiz.pk].pk)
    untouched = QuizAttempt.objects.get(pk=attempts[other_quiz.pk].pk)
    assert regraded.score == Decimal("1.00")
    assert untouched.score == Decimal("0.00")
    assert not Regrade.objects.filter(attempt__in=[untouched, own]).exists()
    regrade = Regrade.objects.get(attempt=regraded)
    assert regrade.question_versions == {str(question.pk): question.version}
    assert question.version == 2


def test_editing_a_question_does_not_change_past_attempts(make_course, make_learner):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    add_slots(quiz, [question])
    learner = make_learner("hs")
    attempt = attempt_start(user=learner, quiz=quiz)
    right = question.choices.get(fraction=100)
    attempt = attempt_submit(
        attempt=attempt,
        answers={attempt.snapshot[0]["key"]: choice_key(attempt, right)},
    )
    snapshot = attempt.snapshot
    right.fraction = 0
    right.text = "Đã sửa"
    right.save()
    question.text = "<p>Đã sửa</p>"
    question.save()
    attempt.refresh_from_db()
    assert attempt.snapshot == snapshot
    assert attempt.score == Decimal("1.00")

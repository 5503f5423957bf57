"""Choice keys are random per attempt: nothing in the page hints at the answer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courses.packs.demo import DEMO_PACKS
from quizzes.importing import questions_import
from quizzes.models import Question, QuizAttempt
from quizzes.services import attempt_regrade, attempt_start, attempt_submit
from quizzes.snapshots import question_snapshot
from quizzes.views import attempt_review
from tests.quizzes.factories import (
    QuizPageFactory,
    add_slots,
    choice_key,
    matching,
    pair_key,
    single_choice,
)

pytestmark = pytest.mark.django_db


def test_choice_keys_differ_between_two_attempts(make_course, make_learner):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    add_slots(quiz, [question])
    first = attempt_start(user=make_learner("hs1"), quiz=quiz)
    second = attempt_start(user=make_learner("hs2"), quiz=quiz)
    keys_first = {c["key"] for c in first.snapshot[0]["choices"]}
    keys_second = {c["key"] for c in second.snapshot[0]["choices"]}
    assert keys_first.isdisjoint(keys_second)
    bank_ids = {str(pk) for pk in question.choices.values_list("pk", flat=True)}
    for key in keys_first:
        assert key.lstrip("kc") not in bank_ids


def test_the_right_key_is_not_systematically_the_lowest_over_the_demo_questions():
    for source in sorted(DEMO_PACKS.glob("*/*/questions/*.xml")):
        questions_import(data=source.read_bytes(), fmt="moodlexml")
    single = list(
        Question.objects.filter(qtype="single_choice").prefetch_related("choices")
    )
    assert len(single) >= 20
    lowest_is_right = 0
    for question in single:
        snapshot = question_snapshot(
            question, key="q1", shuffle_choices=False, rng=None
        )
        lowest = min(snapshot["choices"], key=lambda c: c["key"])
        lowest_is_right += Decimal(lowest["fraction"]) == 1
    # With random keys about 1 in 3 or 4; ids made it all of them.
    assert lowest_is_right < len(single) * 0.75


def test_the_attempt_page_shows_no_bank_ids(client, make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    pairs_question = matching()
    add_slots(quiz, [question, pairs_question])
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    html = client.get(
        reverse("lms_quizzes:attempt", args=[attempt.pk])
    ).content.decode()
    for choice in question.choices.all():
        assert f'value="c{choice.pk}"' not in html
        assert f'value="{choice_key(attempt, choice)}"' in html
    for pair in pairs_question.pairs.exclude(prompt=""):
        assert f"__p{pair.pk}" not in html
        assert f"__{pair_key(attempt, pair)}" in html
    assert "choice_id" not in html and "pair_id" not in html


def test_saving_and_grading_use_the_attempts_keys(client, make_course, student):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    add_slots(quiz, [question])
    client.force_login(student)
    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    key = attempt.snapshot[0]["key"]
    right = choice_key(attempt, question.choices.get(fraction=100))
    saved = client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {key: right},
        HTTP_ACCEPT="application/json",
    )
    assert saved.json()["saved"] == 1
    # A bank id is not an answer.
    client.post(
        reverse("lms_quizzes:save", args=[attempt.pk]),
        {key: f"c{question.choices.get(fraction=100).pk}"},
        HTTP_ACCEPT="application/json",
    )
    assert attempt.responses.get(key=key).answer is None
    client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), {key: right})
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00")


def test_an_attempt_with_old_id_keys_still_reviews_and_regrades(
    rf, make_course, student
):
    course, _lessons = make_course(lessons=0)
    quiz = QuizPageFactory(parent=course)
    question = single_choice()
    add_slots(quiz, [question])
    attempt = attempt_start(user=student, quiz=quiz)
    # As snapshots were before random keys: "c<id>" keys, no choice ids.
    for choice in attempt.snapshot[0]["choices"]:
        choice["key"] = f"c{choice.pop('choice_id')}"
    attempt.save()
    wrong = question.choices.get(text="Sai 1")
    attempt = attempt_submit(
        attempt=attempt, answers={attempt.snapshot[0]["key"]: f"c{wrong.pk}"}
    )
    assert attempt.score == Decimal("0.00")
    request = rf.get("/")
    request.user = student
    assert attempt_review(request, attempt.pk).status_code == 200
    wrong.fraction = 100
    wrong.save()
    attempt_regrade(attempt=attempt, by=None)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00")
    assert attempt.snapshot[0]["choices"][1]["key"] == f"c{wrong.pk}"

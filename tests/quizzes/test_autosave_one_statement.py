"""An autosave is one INSERT ... ON CONFLICT DO UPDATE, sent without BEGIN
and COMMIT of its own (lms.transactions.upsert_in_one_statement), and
saves exactly what Django's bulk_create upsert saved."""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.transactions import upsert_in_one_statement
from quizzes.models import QuestionResponse
from quizzes.services import answers_save, attempt_start
from tests.quizzes.factories import (
    QuizPageFactory,
    add_slots,
    choice_key,
    single_choice,
)

# Outside a test transaction, as production sends it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def attempt_and_keys(make_course, student):
    course, _lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    questions = [single_choice() for _ in range(3)]
    add_slots(quiz, questions)
    attempt = attempt_start(user=student, quiz=quiz)
    by_id = {q["question_id"]: q["key"] for q in attempt.snapshot}
    choices = {
        by_id[question.pk]: [
            choice_key(attempt, choice) for choice in question.choices.all()
        ]
        for question in questions
    }
    return attempt, choices


def _saved(attempt):
    return dict(
        QuestionResponse.objects.filter(attempt=attempt).values_list("key", "answer")
    )


def test_an_autosave_is_one_statement_without_begin_and_commit(attempt_and_keys):
    attempt, choices = attempt_and_keys
    keys = list(choices)
    first = {keys[0]: choices[keys[0]][0], keys[1]: choices[keys[1]][0]}
    with CaptureQueriesContext(connection) as captured:
        assert answers_save(attempt=attempt, answers=first) == 2
    sent = [query["sql"] for query in captured.captured_queries]
    assert len(sent) == 1, sent
    assert sent[0].startswith("INSERT INTO")
    assert _saved(attempt) == first
    # Saved again, changed and added to: updated in place, one row per key.
    later = {keys[1]: choices[keys[1]][1], keys[2]: choices[keys[2]][0]}
    assert answers_save(attempt=attempt, answers=later) == 2
    assert _saved(attempt) == {**first, **later}
    assert QuestionResponse.objects.filter(attempt=attempt).count() == 3


def test_the_upsert_inside_a_transaction_rolls_back_with_it(attempt_and_keys):
    attempt, choices = attempt_and_keys
    key = next(iter(choices))
    with pytest.raises(RuntimeError), transaction.atomic():
        answers_save(attempt=attempt, answers={key: choices[key][0]})
        raise RuntimeError
    assert _saved(attempt) == {}


def test_more_rows_than_one_statement_takes_go_through_bulk_create(
    attempt_and_keys,
):
    attempt, choices = attempt_and_keys
    now = timezone.now()
    rows = [
        QuestionResponse(attempt=attempt, key=key, answer=options[0], saved_at=now)
        for key, options in choices.items()
    ]
    with mock.patch.object(connection.ops, "bulk_batch_size", return_value=2):
        with CaptureQueriesContext(connection) as captured:
            upsert_in_one_statement(
                QuestionResponse,
                rows,
                unique_fields=["attempt", "key"],
                update_fields=["answer", "saved_at"],
            )
    sent = [query["sql"] for query in captured.captured_queries]
    assert sent[0] == "BEGIN" and sent[-1] == "COMMIT", sent
    assert len([sql for sql in sent if sql.startswith("INSERT")]) == 2
    assert _saved(attempt) == {key: options[0] for key, options in choices.items()}

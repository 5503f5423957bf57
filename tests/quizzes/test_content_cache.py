"""A quiz's questions are cached per content version (quizzes.content): every
writer of slots, draws and the bank gives the quiz a new version, so an
attempt started after a change never draws from the old content, whichever
process cached it (the test cache is per process, as LocMem in production)."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from courses.models import LegalDocument, LegalReference
from quizzes.content import content_key, quiz_content
from quizzes.importing import questions_import
from quizzes.library_copy import library_quizzes_own_their_questions
from quizzes.models import (
    Choice,
    Question,
    QuestionCategory,
    QuizAttempt,
    QuizPage,
    QuizRandomDraw,
    QuizSlot,
)
from quizzes.services import attempt_start
from quizzes.snapshots import attempt_questions
from tests.courses.test_library_review import quiz_world, world  # noqa: F401
from tests.quizzes.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_draw,
    add_slots,
    single_choice,
)

pytestmark = pytest.mark.django_db


def fresh(quiz) -> QuizPage:
    """The quiz row as a request routed to it reads it."""
    return QuizPage.objects.get(pk=quiz.pk)


def drawn(quiz) -> list[dict]:
    """A new attempt's snapshot, from the cache under the version just read."""
    row = fresh(quiz)
    return attempt_questions(row, content_version=row.content_version)[0]


def drawn_ids(quiz) -> set[int]:
    return {question["question_id"] for question in drawn(quiz)}


@pytest.fixture
def quiz(make_course):
    course, _lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=70)
    add_slots(quiz, [single_choice(), single_choice()])
    return quiz


def test_the_second_start_reads_no_question_from_the_database(
    quiz, django_assert_num_queries
):
    first = drawn(quiz)
    row = fresh(quiz)
    with django_assert_num_queries(0):
        again = attempt_questions(row, content_version=row.content_version)[0]
    assert [q["question_id"] for q in again] == [q["question_id"] for q in first]
    # Each attempt still gets its own random keys.
    assert again[0]["choices"][0]["key"] != first[0]["choices"][0]["key"]


def test_the_cached_snapshot_is_the_one_the_database_gives(quiz):
    row = fresh(quiz)
    uncached = attempt_questions(row)[0]
    cached = drawn(quiz)

    def without_keys(snapshot):
        return [
            {
                **question,
                "choices": [{**c, "key": ""} for c in question["choices"]],
                "pairs": [{**p, "key": ""} for p in question["pairs"]],
            }
            for question in snapshot
        ]

    assert without_keys(cached) == without_keys(uncached)


def test_publishing_the_quiz_with_other_slots_reaches_the_next_attempt(quiz):
    before = drawn_ids(quiz)
    stale = fresh(quiz).content_version
    added = single_choice()
    page = fresh(quiz)
    page.slots = [QuizSlot(question=added, sort_order=0)]
    page.save_revision().publish()
    assert fresh(quiz).content_version != stale
    assert drawn_ids(quiz) == {added.pk}
    # Content cached under the old version is never read again.
    assert {q["question_id"] for q in quiz_content(quiz, version=stale).fixed} == (
        before
    )


def test_a_published_quiz_setting_reaches_the_next_attempt(quiz):
    drawn(quiz)
    page = fresh(quiz)
    page.ignore_diacritics = True
    page.save_revision().publish()
    row = fresh(quiz)
    assert quiz_content(row, version=row.content_version).fixed  # built afresh
    assert content_key(row.pk, row.content_version) != content_key(
        quiz.pk, quiz.content_version
    )


def test_slots_written_directly_reach_the_next_attempt(quiz):
    drawn(quiz)
    added = single_choice()
    QuizSlot.objects.create(quiz=quiz, question=added, sort_order=5)
    assert added.pk in drawn_ids(quiz)
    QuizSlot.objects.get(quiz=quiz, question=added).delete()
    assert added.pk not in drawn_ids(quiz)


def test_a_draw_written_directly_reaches_the_next_attempt(quiz):
    category = QuestionCategoryFactory()
    pool = [single_choice(category=category) for _ in range(3)]
    draw = add_draw(quiz, category, 1)
    assert len(drawn_ids(quiz) & {q.pk for q in pool}) == 1
    draw.count = 3
    draw.save()
    assert {q.pk for q in pool} <= drawn_ids(quiz)
    QuizRandomDraw.objects.filter(pk=draw.pk).get().delete()
    assert not drawn_ids(quiz) & {q.pk for q in pool}


def test_an_edited_question_or_choice_reaches_the_next_attempt(quiz):
    question = QuizSlot.objects.filter(quiz=quiz).first().question
    drawn(quiz)
    question.text = "<p>Câu hỏi đã sửa?</p>"
    question.save()
    shown = next(q for q in drawn(quiz) if q["question_id"] == question.pk)
    assert shown["text"] == "<p>Câu hỏi đã sửa?</p>"
    choice = question.choices.first()
    choice.text = "Đáp án đã sửa"
    choice.save()
    shown = next(q for q in drawn(quiz) if q["question_id"] == question.pk)
    assert "Đáp án đã sửa" in [c["text"] for c in shown["choices"]]
    Choice.objects.create(question=question, text="Lựa chọn mới", fraction=0)
    shown = next(q for q in drawn(quiz) if q["question_id"] == question.pk)
    assert "Lựa chọn mới" in [c["text"] for c in shown["choices"]]


def test_a_question_unpublished_leaves_the_next_attempt(quiz):
    question = QuizSlot.objects.filter(quiz=quiz).first().question
    assert question.pk in drawn_ids(quiz)
    question.live = False
    question.save()
    assert question.pk not in drawn_ids(quiz)


def test_a_new_question_in_a_drawn_category_can_be_drawn(quiz):
    category = QuestionCategoryFactory()
    single_choice(category=category)
    add_draw(quiz, category, 5)
    assert len(drawn(quiz)) == 3
    newcomer = single_choice(category=QuestionCategoryFactory(parent=category))
    assert newcomer.pk in drawn_ids(quiz)


def test_imported_questions_can_be_drawn_at_once(quiz):
    category = QuestionCategory.objects.create(name="Nhập")
    add_draw(quiz, category, 5)
    assert len(drawn(quiz)) == 2
    gift = "::Câu nhập:: Thủ đô của Việt Nam là? {=Hà Nội ~Huế ~Đà Nẵng}\n"
    questions_import(data=gift.encode(), fmt="gift", category_path="Nhập")
    imported = Question.objects.get(name="Câu nhập")
    shown = next(q for q in drawn(quiz) if q["question_id"] == imported.pk)
    # The choices written after the question (bulk_create) are there too.
    assert sorted(c["text"] for c in shown["choices"]) == ["Huế", "Hà Nội", "Đà Nẵng"]


def test_legal_references_change_what_a_draw_by_article_picks(quiz):
    category = QuestionCategoryFactory()
    tagged, other = single_choice(category=category), single_choice(category=category)
    law = LegalDocument.objects.create(number="116/2025/QH15", title="Luật")
    article = LegalReference.objects.create(document=law, article="2")
    draw = add_draw(quiz, category, 5)
    draw.legal_reference = article
    draw.save()
    assert not drawn_ids(quiz) & {tagged.pk, other.pk}
    tagged.legal_references.add(article)
    tagged.save()  # a parental many-to-many is written on save
    assert tagged.pk in drawn_ids(quiz)
    assert other.pk not in drawn_ids(quiz)


def test_a_renamed_category_reaches_the_next_attempt(quiz):
    question = QuizSlot.objects.filter(quiz=quiz).first().question
    drawn(quiz)
    category = question.category
    category.name = "Đổi tên"
    category.save()
    shown = next(q for q in drawn(quiz) if q["question_id"] == question.pk)
    assert shown["category"] == "Đổi tên"


def test_the_library_copy_rewrites_slots_and_draws_for_the_next_attempt(
    quiz_world,  # noqa: F811 - the fixture imported above
):
    quiz = quiz_world["quiz"]
    school_owned = {q.pk for q in [*quiz_world["fixed"], *quiz_world["pool"]]}
    assert school_owned <= drawn_ids(quiz)
    library_quizzes_own_their_questions(
        course=quiz_world["course_a"], title="Bản sao", user=quiz_world["officer"]
    )
    now = drawn_ids(quiz)
    assert not now & school_owned
    assert quiz_world["library_question"].pk in now
    assert len(now) == len(school_owned) + 1


def test_a_learners_attempt_keeps_its_questions_after_a_change(quiz, student):
    course = Page.objects.get(pk=quiz.get_parent().pk).specific
    row = fresh(quiz)
    attempt = attempt_start(
        user=student, quiz=row, course=course, content_version=row.content_version
    )
    frozen = [q["question_id"] for q in attempt.snapshot]
    QuizSlot.objects.create(quiz=quiz, question=single_choice(), sort_order=9)
    row = fresh(quiz)
    again = attempt_start(
        user=student, quiz=row, course=course, content_version=row.content_version
    )
    assert again.pk == attempt.pk
    assert [
        q["question_id"] for q in QuizAttempt.objects.get(pk=attempt.pk).snapshot
    ] == (frozen)


def test_the_answered_flag_is_set_once(quiz, student):
    course = Page.objects.get(pk=quiz.get_parent().pk).specific
    row = fresh(quiz)
    attempt_start(
        user=student, quiz=row, course=course, content_version=row.content_version
    )
    assert not Question.objects.filter(
        pk__in=QuizSlot.objects.filter(quiz=quiz).values("question"), answered=False
    ).exists()
    content = quiz_content(row, version=row.content_version)
    assert all(facts["answered"] for facts in content.fixed)


def test_the_quiz_page_starts_from_the_cache(client, quiz, student):
    """Through the learner's page: a start after a slot change shows it, and
    the attempt page still carries no answer key."""
    client.force_login(student)
    url = fresh(quiz).url
    added = single_choice(right="Đáp án đúng mới")
    QuizSlot.objects.create(quiz=quiz, question=added, sort_order=9)
    reply = client.post(url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student, quiz=quiz)
    assert reply["Location"] == reverse("lms_quizzes:attempt", args=[attempt.pk])
    assert added.pk in {q["question_id"] for q in attempt.snapshot}
    html = client.get(reply["Location"]).content.decode()
    assert "Đáp án đúng mới" in html  # the choice's text is shown...
    assert "Chính xác." not in html  # ...its feedback is not
    assert "choice_id" not in html and '"fraction"' not in html

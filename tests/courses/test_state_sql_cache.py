"""The learner's state query (courses.selectors._state_rows) is compiled once
per process and shape (lms.sqlcache) and answers exactly what the ORM does."""

import datetime
from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from courses import selectors, services
from courses.models import ClassAssignment, Enrolment
from lms.people.models import Consent
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.quizzes.factories import QuizPageFactory, add_slots, single_choice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sqlcache")]


def _orm_rows(user, courses):
    values = selectors._state_values(user=user, courses=courses)
    return list(selectors._state_queryset(values))


def _same(rows):
    # repr tells True from 1 and a datetime from its text.
    return sorted(map(repr, rows))


def _assert_cached_equals_orm(user, courses):
    expected = _orm_rows(user, courses)
    first = selectors._state_rows(user=user, courses=courses)  # compiles
    second = selectors._state_rows(user=user, courses=courses)  # reuses
    assert _same(first) == _same(expected)
    assert _same(second) == _same(expected)
    kinds = {row[0] for row in expected}
    assert {"u", "v"} <= kinds
    return expected


def _consent(learner, given_by=Consent.GivenBy.LEARNER, **kwargs):
    return Consent.objects.create(
        learner=learner,
        given_by=given_by,
        giver_name="Nguyễn Văn A",
        method=Consent.Method.PAPER_FORM,
        **kwargs,
    )


def test_one_course(make_course, student):
    course, _lessons = make_course(lessons=2)
    _assert_cached_equals_orm(student, [course])


def test_several_courses_in_nested_catalogues_with_progress(
    make_course, catalogue, student, school_class
):
    first, lessons = make_course(lessons=2)
    second, _ = make_course(lessons=1)
    inner = CourseIndexPageFactory(parent=catalogue)
    deeper = CoursePageFactory(parent=inner)
    quiz = QuizPageFactory(parent=deeper, pass_mark=70)
    add_slots(quiz, [single_choice()])
    services.course_self_enrol(user=student, course=first)
    services.lesson_complete(user=student, lesson=lessons[0], course=first)
    services.lesson_start(user=student, lesson=lessons[1], course=first)
    ClassAssignment.objects.create(course=second, school_class=school_class)
    courses = [first, second, deeper]
    rows = _assert_cached_equals_orm(student, courses)
    kinds = {row[0] for row in rows}
    assert {"m", "e", "b", "s", "x"} <= kinds
    # Order and repetition do not matter; a different number of courses is
    # another shape.
    _assert_cached_equals_orm(student, [deeper, first, first])
    _assert_cached_equals_orm(student, [second])


def test_unpublished_ancestor(make_course, catalogue, student):
    inner = CourseIndexPageFactory(parent=catalogue)
    course = CoursePageFactory(parent=inner)
    other, _ = make_course(lessons=1)
    inner.unpublish()
    rows = _assert_cached_equals_orm(student, [course, other])
    assert [row for row in rows if row[0] == "h"]


@pytest.mark.parametrize(
    "consents",
    [
        [],
        [{"given_by": Consent.GivenBy.LEARNER}],
        [{"given_by": Consent.GivenBy.PARENT}],
        [{"given_by": Consent.GivenBy.GUARDIAN, "withdrawn_on": "past"}],
        [
            {"given_by": Consent.GivenBy.LEARNER, "withdrawn_on": "future"},
            {"given_by": Consent.GivenBy.PARENT, "withdrawn_on": "today"},
        ],
    ],
)
def test_consent_variants(make_course, student, school_class, consents):
    school = school_class.school
    school.learning_needs_consent = True
    school.save()
    today = timezone.localdate()
    days = {"past": -3, "today": 0, "future": 5}
    for consent in consents:
        when = consent.pop("withdrawn_on", None)
        if when:
            consent["withdrawn_on"] = today + datetime.timedelta(days=days[when])
        _consent(student, **consent)
    course, _ = make_course(lessons=1)
    rows = _assert_cached_equals_orm(student, [course])
    live = [
        c
        for c in consents
        if c.get("withdrawn_on") is None or c["withdrawn_on"] > today
    ]
    assert len([row for row in rows if row[0] == "o"]) == len(
        {c["given_by"] for c in live}
    )


def test_yearly_course_with_completions_in_several_years(
    yearly_learner, completed_each_year
):
    yearly, once = completed_each_year
    Enrolment.objects.create(
        user=yearly_learner, course=yearly, source=Enrolment.Source.SELF
    )
    rows = _assert_cached_equals_orm(yearly_learner, [yearly, once])
    completions = [row for row in rows if row[0] == "c"]
    assert len(completions) == 3
    assert all(isinstance(row[4], datetime.datetime) for row in completions)
    assert [row for row in rows if row[0] == "v" and row[6] is True]


def test_another_learner_reuses_the_sql_without_compiling(
    make_course, make_learner, student
):
    course, lessons = make_course(lessons=1)
    other = make_learner(username="hs2")
    services.course_self_enrol(user=other, course=course)
    services.lesson_complete(user=other, lesson=lessons[0], course=course)
    selectors._state_rows(user=student, courses=[course])
    compile_ = SQLCompiler.as_sql
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=compile_
    ) as as_sql:
        rows = selectors._state_rows(user=other, courses=[course])
        assert as_sql.call_count == 0
    assert _same(rows) == _same(_orm_rows(other, [course]))
    assert [row for row in rows if row[0] == "s" and row[6] is True]


def test_a_shape_the_cache_cannot_explain_goes_through_the_orm(
    make_course, student, caplog
):
    course, _ = make_course(lessons=1)
    build = selectors._state_queryset

    def shifted(values):
        # A parameter derived from an input (the day before): the template
        # cannot map it back, so the SQL is never reused with other values.
        return build({**values, "today": values["today"] - datetime.timedelta(days=1)})

    values = selectors._state_values(user=student, courses=[course])
    with mock.patch.object(selectors, "_state_queryset", shifted):
        first = selectors._state_rows(user=student, courses=[course])
        assert "run through the ORM" in caplog.text
        compile_ = SQLCompiler.as_sql
        with mock.patch.object(
            SQLCompiler, "as_sql", autospec=True, side_effect=compile_
        ) as as_sql:
            second = selectors._state_rows(user=student, courses=[course])
            assert as_sql.call_count > 0
        expected = list(shifted(values))
    assert _same(first) == _same(second) == _same(expected)


def test_page_is_live_for_learners_reuses_its_sql(make_course, catalogue, rf):
    from django.contrib.auth.models import AnonymousUser, Group
    from wagtail.models import PageViewRestriction

    inner = CourseIndexPageFactory(parent=catalogue)
    hidden = CoursePageFactory(parent=inner)
    restricted = CoursePageFactory(parent=inner)
    shown = CoursePageFactory(parent=inner)
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    ).groups.add(Group.objects.create(name="Nhóm riêng"))
    hidden.unpublish()
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    assert selectors.page_is_live_for_learners(shown, request=request)
    compile_ = SQLCompiler.as_sql
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=compile_
    ) as as_sql:
        assert selectors.page_is_live_for_learners(shown, request=request)
        assert not selectors.page_is_live_for_learners(
            CoursePageFactory.build(live=False)
        )
        hidden.live = True  # the stale instance: its row says otherwise
        assert not selectors.page_is_live_for_learners(hidden, request=request)
        assert as_sql.call_count == 0
    assert not selectors.page_is_live_for_learners(restricted, request=request)
    assert not selectors.page_is_live_for_learners(restricted)
    inner.unpublish()
    assert not selectors.page_is_live_for_learners(shown, request=request)

"""seed_scale loads with COPY and without foreign keys or plain indexes, then
puts them back: the same dataset as row-by-row inserts, constraints intact."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from courses.models import CourseCompletion, Enrolment, LessonProgress
from lms.people.models import Membership, PersonProfile, School, User
from lms.reports.management.commands.seed_scale import bulk_loaded_models
from lms.reports.models import CompletionSummary, ReportGroup
from quizzes.models import QuizAttempt, QuizGrade

LOADED = bulk_loaded_models()


def catalogue() -> tuple[list, list]:
    tables = [model._meta.db_table for model in LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid),"
            " convalidated FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])"
            " ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid),"
            " indisvalid FROM pg_index WHERE indrelid = ANY(%s::regclass[])"
            " ORDER BY 1",
            [tables],
        )
        return constraints, cursor.fetchall()


def people_of(prefix: str) -> dict[str, int]:
    users = User.objects.filter(username__startswith=prefix.lower())
    return {
        "users": users.count(),
        "profiles": PersonProfile.objects.filter(user__in=users).count(),
        "memberships": Membership.objects.filter(user__in=users).count(),
        "enrolments": Enrolment.objects.filter(user__in=users).count(),
        "lessons": LessonProgress.objects.filter(user__in=users).count(),
        "attempts": QuizAttempt.objects.filter(user__in=users).count(),
        "grades": QuizGrade.objects.filter(user__in=users).count(),
        "completions": CourseCompletion.objects.filter(user__in=users).count(),
    }


@pytest.fixture
def wagtail_root(transactional_db):
    """A transaction test starts from what the last one left: flushed tables,
    without Wagtail's migrated locale and root page, which seed_demo needs."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_scale_puts_every_foreign_key_and_index_back(wagtail_root):
    before = catalogue()
    call_command("seed_scale", schools=2, students_per_school=45, prefix="TK")
    assert catalogue() == before
    assert School.objects.filter(code__startswith="TK").count() == 2
    # The foreign keys check again: a profile of nobody is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonProfile.objects.create(user_id=10**9, full_name="Không ai")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def vacuumed_tables() -> dict[str, tuple[bool, bool]]:
    """Each table's (vacuumed, analyzed) by hand, not by autovacuum."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
            "FROM pg_stat_user_tables"
        )
        return {name: (vacuumed, analyzed) for name, vacuumed, analyzed in cursor}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_scale_ends_with_vacuum_analyze_of_what_it_loaded(wagtail_root):
    call_command("seed_scale", schools=1, students_per_school=45, prefix="TV")
    tables = vacuumed_tables()
    loaded = [*LOADED, School, ReportGroup, CompletionSummary]
    for model in loaded:
        assert tables[model._meta.db_table] == (True, True), model


@pytest.mark.django_db
def test_seed_scale_gives_the_same_dataset_for_the_same_seed():
    call_command("seed_scale", schools=2, students_per_school=45, prefix="TA")
    call_command("seed_scale", schools=2, students_per_school=45, prefix="TB")
    first = people_of("TA")
    assert first == people_of("TB")
    assert first["users"] == 2 * (45 + 1 + 1)  # students, a teacher, a collaborator
    assert first["lessons"] > first["completions"] > 0

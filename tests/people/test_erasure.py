"""Erasure on request and by retention: nothing of the person left but
anonymous statistics and the audit record."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from courses.models import CourseCompletion, Enrolment, LessonProgress
from lms.people.models import Consent, PersonErasure, Role, User
from lms.people.services import people_for_retention, person_erase
from quizzes.models import QuestionResponse, QuizAttempt
from tests.people.data_protection_setup import (
    ESSAY,
    NEIGHBOUR_ESSAY,
    build_world,
    person_identifiers,
)
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


@pytest.fixture
def world(site_root):
    return build_world(site_root)


def _every_text_value():
    """Every text and JSON column of every row of every installed model."""
    for model in apps.get_models():
        fields = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value is None:
                    continue
                if not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False, default=str)
                yield model, value


def _leftovers(identifiers: list[str]) -> list[tuple[str, str]]:
    return [
        (model._meta.label, identifier)
        for model, value in _every_text_value()
        for identifier in identifiers
        if identifier and identifier in value
    ]


def _statistics(person):
    return {
        "completions": CourseCompletion.objects.filter(user=person).count(),
        "enrolments": Enrolment.objects.filter(user=person).count(),
        "progress": LessonProgress.objects.filter(user=person).count(),
        "scores": list(
            QuizAttempt.objects.filter(user=person).values_list("score", "passed")
        ),
        "response_scores": sorted(
            QuestionResponse.objects.filter(attempt__user=person).values_list(
                "key", "score"
            )
        ),
    }


def test_erasure_leaves_nothing_of_the_person_but_statistics_and_audit(client, world):
    person, neighbour = world.person, world.neighbour
    identifiers = person_identifiers(person)
    assert _leftovers(identifiers)  # the scan does find them before
    before = _statistics(person)
    neighbour_before = _leftovers(person_identifiers(neighbour)[:5] + [NEIGHBOUR_ESSAY])

    client.force_login(world.admin)
    url = reverse("lms_person_data:erase", args=[person.pk])
    confirm = client.get(url)
    assert (
        confirm.status_code == 200
        and person.lms_profile.full_name in confirm.content.decode()
    )
    # Without the confirmation box nothing happens.
    assert client.post(url, {"reason": "Yêu cầu của phụ huynh"}).status_code == 200
    assert (
        User.objects.get(pk=person.pk).lms_profile.full_name
        == person.lms_profile.full_name
    )

    response = client.post(url, {"reason": "Yêu cầu của phụ huynh", "confirm": "on"})
    assert response.status_code == 302

    assert _leftovers(identifiers) == []
    erased = User.objects.get(pk=person.pk)
    assert erased.lms_profile.full_name == f"Người học đã xóa #{person.pk}"
    assert erased.username.startswith("deleted-")
    assert (
        erased.email,
        erased.lms_profile.phone,
        erased.lms_profile.student_code,
    ) == ("", "", "")
    assert erased.lms_profile.birth_date is None
    assert not erased.is_active and not erased.has_usable_password()
    assert not Consent.objects.filter(learner=erased).exists()
    assert _statistics(erased) == before
    assert not QuestionResponse.objects.filter(
        attempt__user=erased,
        answer__isnull=False,
        key__in=[
            q["key"]
            for q in world.attempt.snapshot
            if q["qtype"] in ("essay", "short_answer")
        ],
    ).exists()

    (audit,) = PersonErasure.objects.all()
    assert audit.erased_user_id == person.pk and audit.erased_by == world.admin
    assert audit.source == PersonErasure.Source.ADMIN
    assert audit.reason == "Yêu cầu của phụ huynh"

    # The neighbour keeps everything.
    assert _leftovers(person_identifiers(neighbour)[:5] + [NEIGHBOUR_ESSAY]) == (
        neighbour_before
    )
    assert QuestionResponse.objects.filter(answer=NEIGHBOUR_ESSAY).exists()


def test_erased_person_cannot_sign_in(client, world):
    person_erase(
        person=world.person, erased_by=world.admin, reason="Yêu cầu", source="admin"
    )
    assert not client.login(username="ngoc.tran", password="pw-test-123")


@pytest.mark.parametrize("who", ["other_admin", "teacher", "neighbour"])
def test_erasure_refused_to_anyone_but_the_person_s_school_admin(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("lms_person_data:erase", args=[world.person.pk])
    assert client.get(url).status_code in (302, 403, 404)
    response = client.post(url, {"reason": "x", "confirm": "on"})
    assert response.status_code in (302, 403, 404)
    assert (
        User.objects.get(pk=world.person.pk).lms_profile.full_name
        == "Trần Thị Bích Ngọc"
    )
    assert not PersonErasure.objects.exists()


def test_school_admin_cannot_erase_themself(client, world):
    client.force_login(world.admin)
    url = reverse("lms_person_data:erase", args=[world.admin.pk])
    assert client.get(url).status_code == 404


def test_erase_person_command_asks_unless_told_yes(world, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("erase_person", "ngoc.tran", "--reason", "Yêu cầu")
    assert not PersonErasure.objects.exists()

    call_command("erase_person", "ngoc.tran", "--reason", "Yêu cầu", "--yes")
    (audit,) = PersonErasure.objects.all()
    assert audit.source == PersonErasure.Source.COMMAND and audit.erased_by is None
    assert _leftovers([ESSAY, "Trần Thị Bích Ngọc", "HS-778899"]) == []
    with pytest.raises(CommandError):
        call_command("erase_person", "ngoc.tran", "--reason", "again", "--yes")


# Retention.


@pytest.fixture
def years():
    return {
        start: SchoolYearFactory(name=f"{start}-{start + 1}")
        for start in range(2017, 2027)
    }


def _student_in(year, username, full_name):
    user = UserFactory(username=username, full_name=full_name)
    MembershipFactory(user=user, school_class=SchoolClassFactory(school_year=year))
    return user


def test_retention_selects_learners_with_no_role_in_the_last_n_years(years):
    today = datetime.date(2026, 11, 29)  # 2026-2027 has started
    old = _student_in(years[2019], "cu", "Học Sinh Cũ")
    recent = _student_in(years[2022], "moi", "Học Sinh Mới")
    returning = _student_in(years[2017], "quay_lai", "Học Sinh Quay Lại")
    MembershipFactory(
        user=returning, school_class=SchoolClassFactory(school_year=years[2025])
    )
    UserFactory(username="khong_vai_tro", full_name="Không Vai Trò")
    staff_admin = UserFactory(username="ky_thuat", is_staff=True)
    MembershipFactory(
        user=staff_admin,
        role=Role.TEACHER,
        school_class=None,
        school=SchoolClassFactory(school_year=years[2017]).school,
        school_year=years[2017],
    )

    selected = set(people_for_retention(school_years=5, today=today))
    # The last five school years are 2022-2023 … 2026-2027.
    assert selected == {old}
    assert set(people_for_retention(school_years=8, today=today)) == set()
    assert set(people_for_retention(school_years=4, today=today)) == {old, recent}


def test_retention_command_dry_run_changes_nothing_then_anonymises(years, settings):
    settings.LMS_RETENTION_SCHOOL_YEARS = 3
    old = _student_in(years[2018], "cu", "Học Sinh Rất Cũ")
    current = _student_in(years[2026], "nay", "Học Sinh Năm Nay")

    call_command("anonymise_inactive", "--dry-run")
    assert User.objects.get(pk=old.pk).lms_profile.full_name == "Học Sinh Rất Cũ"
    assert not PersonErasure.objects.exists()

    call_command("anonymise_inactive")
    assert (
        User.objects.get(pk=old.pk).lms_profile.full_name
        == f"Người học đã xóa #{old.pk}"
    )
    assert User.objects.get(pk=current.pk).lms_profile.full_name == "Học Sinh Năm Nay"
    (audit,) = PersonErasure.objects.all()
    assert audit.source == PersonErasure.Source.RETENTION
    assert _leftovers(["Học Sinh Rất Cũ", "cu"][:1]) == []

    call_command("anonymise_inactive")  # already erased: not selected again
    assert PersonErasure.objects.count() == 1

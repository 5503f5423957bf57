"""How pages address their reader: "em" for a pupil, "bạn" for an adult."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from lms.people.models import Role
from lms.people.voice import (
    ADULT,
    STUDENT,
    voice_for,
    voice_of_user,
    voices_of_users_prefetch,
)
from tests.people.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_pupil_is_addressed_as_a_student():
    membership = MembershipFactory(role=Role.STUDENT)
    assert voice_of_user(membership.user) == STUDENT


@pytest.mark.parametrize("role", [Role.TEACHER, Role.COLLABORATOR, Role.SCHOOL_ADMIN])
def test_staff_and_collaborators_are_addressed_as_adults(role):
    membership = MembershipFactory(role=role)
    assert voice_of_user(membership.user) == ADULT


def test_a_pupil_who_also_collaborates_is_addressed_as_an_adult():
    membership = MembershipFactory(role=Role.STUDENT)
    MembershipFactory(
        user=membership.user, role=Role.COLLABORATOR, school=membership.school
    )
    assert voice_of_user(membership.user) == ADULT


def test_visitors_and_people_without_a_role_are_addressed_as_adults():
    assert voice_of_user(AnonymousUser()) == ADULT
    assert voice_of_user(UserFactory()) == ADULT


def test_a_course_for_one_audience_sets_the_voice_whoever_reads_it():
    teacher = MembershipFactory(role=Role.TEACHER).user
    pupil = MembershipFactory(role=Role.STUDENT).user
    for_students = SimpleNamespace(audiences={"students"})
    for_adults = SimpleNamespace(audiences={"teachers", "collaborators"})
    mixed = SimpleNamespace(audiences={"students", "teachers"})
    assert voice_for(teacher, for_students) == STUDENT
    assert voice_for(pupil, for_adults) == ADULT
    assert voice_for(teacher, mixed) == ADULT
    assert voice_for(pupil, mixed) == STUDENT


def test_the_layout_puts_the_readers_voice_in_every_page_context(settings):
    settings.LMS_BASE_TEMPLATE = "lms_test_voice_base.html"
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "lms_test_voice_base.html": (
                                "{% block content %}{% endblock %}"
                            )
                        },
                    ),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
            "APP_DIRS": False,
        }
    ]
    request = RequestFactory().get("/")
    request.user = MembershipFactory(role=Role.STUDENT).user
    page = Template(
        "{% load lms_layout %}{% extends_lms_layout %}"
        "{% block lms_content %}[{{ voice }}]{% endblock %}"
    )
    with translation.override("vi"):
        html = page.render(Context({"request": request}))
    assert "[student]" in html


def test_many_voices_are_worked_out_in_one_query(django_assert_num_queries):
    pupil = MembershipFactory(role=Role.STUDENT).user
    teacher = MembershipFactory(role=Role.TEACHER).user
    nobody = UserFactory()
    with django_assert_num_queries(1):
        voices_of_users_prefetch([pupil, teacher, nobody])
    with django_assert_num_queries(0):
        voices = [voice_of_user(user) for user in (pupil, teacher, nobody)]
    assert voices == [STUDENT, ADULT, ADULT]


def test_a_page_that_says_nothing_to_its_reader_costs_no_query(
    settings, django_assert_num_queries
):
    from lms.people.voice import voice_of_context

    request = RequestFactory().get("/")
    request.user = MembershipFactory(role=Role.STUDENT).user
    with django_assert_num_queries(0):
        voice = voice_of_context({"request": request})
    with django_assert_num_queries(1):
        assert voice == STUDENT

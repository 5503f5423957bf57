"""Management powers lapse with the school year; reading that year stays."""

import pytest
from django.urls import reverse

from lms.people import policies
from lms.people.models import Consent, Role, SchoolClass, User
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    previous_school_year_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    now = SchoolYearFactory()
    last = SchoolYearFactory(name=previous_school_year_name(now))
    school = SchoolFactory(code="AL")
    old_class = SchoolClassFactory(school=school, school_year=last, name="10A1")
    new_class = SchoolClassFactory(school=school, school_year=now, name="11A1")
    lapsed = UserFactory(username="qt_cu")
    MembershipFactory(
        user=lapsed, role=Role.SCHOOL_ADMIN, school=school, school_class=None,
        school_year=last,
    )  # fmt: skip
    current = UserFactory(username="qt_moi")
    MembershipFactory(
        user=current, role=Role.SCHOOL_ADMIN, school=school, school_class=None,
        school_year=now,
    )  # fmt: skip
    student = UserFactory(username="hs")
    MembershipFactory(user=student, school_class=old_class)
    MembershipFactory(user=student, school_class=new_class)
    return {
        "now": now,
        "last": last,
        "school": school,
        "old_class": old_class,
        "new_class": new_class,
        "lapsed": lapsed,
        "current": current,
        "student": student,
    }


def test_lapsed_school_admin_manages_nobody(world):
    assert not policies.people_manageable_by(actor=world["lapsed"]).exists()
    assert not policies.schools_managed_by(viewer=world["lapsed"]).exists()
    assert policies.may_manage_person(actor=world["current"], person=world["student"])


def test_lapsed_school_admin_still_reads_their_year(world):
    years = policies.school_years_readable_by(
        user=world["lapsed"], school=world["school"]
    )
    assert list(years) == [world["last"]]


@pytest.mark.parametrize("view", ["export", "erase"])
def test_lapsed_school_admin_cannot_export_or_erase_a_former_student(
    client, world, view
):
    client.force_login(world["lapsed"])
    url = reverse(f"lms_person_data:{view}", args=[world["student"].pk])
    assert client.get(url).status_code == 404
    client.post(url, {"reason": "x", "confirm": "on"})
    assert User.objects.get(pk=world["student"].pk).username == "hs"


@pytest.mark.parametrize("key", ["old_class", "new_class"])
def test_lapsed_school_admin_cannot_change_classes(client, world, key):
    client.force_login(world["lapsed"])
    school_class = world[key]
    url = reverse("lms_classes:edit", args=[school_class.pk])
    response = client.post(
        url,
        {"school": world["school"].pk, "school_year": school_class.school_year_id,
         "name": "12Z9", "grade": "12"},
    )  # fmt: skip
    assert response.status_code == 404
    assert not SchoolClass.objects.filter(name="12Z9").exists()


def test_this_years_admin_cannot_change_last_years_class(client, world):
    client.force_login(world["current"])
    url = reverse("lms_classes:edit", args=[world["old_class"].pk])
    assert client.get(url).status_code == 404
    url = reverse("lms_classes:edit", args=[world["new_class"].pk])
    assert client.get(url).status_code == 200


def test_class_cannot_be_added_to_an_ended_year(client, world):
    client.force_login(world["current"])
    response = client.post(
        reverse("lms_classes:add"),
        {"school": world["school"].pk, "school_year": world["last"].pk,
         "name": "12Z9", "grade": "12"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not SchoolClass.objects.filter(name="12Z9").exists()


def test_lapsed_school_admin_cannot_change_a_consent(client, world):
    consent = Consent.objects.create(
        learner=world["student"],
        given_by=Consent.GivenBy.LEARNER,
        giver_name=world["student"].lms_profile.full_name,
        method=Consent.Method.PAPER_FORM,
    )
    client.force_login(world["lapsed"])
    url = reverse("lms_consents:edit", args=[consent.pk])
    assert client.get(url).status_code == 404
    client.force_login(world["current"])
    assert client.get(url).status_code == 200

"""Wagtail's site history lists only what the viewer may see; its exports,
like every Wagtail CSV/XLSX export, neutralise formulas."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import log

from lms.people.models import Role
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HISTORY = reverse("wagtailadmin_reports:site_history")


@pytest.fixture
def schools():
    year = SchoolYearFactory()
    a1 = SchoolClassFactory(school=SchoolFactory(code="AAA"), school_year=year)
    b1 = SchoolClassFactory(school=SchoolFactory(code="BBB"), school_year=year)
    ours = MembershipFactory(
        user=UserFactory(username="ours", full_name="Hoc Sinh Minh"), school_class=a1
    ).user
    theirs = MembershipFactory(
        user=UserFactory(username="theirs", full_name="Hoc Sinh Truong Khac"),
        school_class=b1,
    ).user
    teacher = MembershipFactory(
        user=UserFactory(username="gvcn"), role=Role.HOMEROOM_TEACHER, school_class=a1
    ).user
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    log(instance=ours, action="wagtail.edit", user=root)
    log(instance=theirs, action="wagtail.edit", user=root)
    other_admin = UserFactory(username="qt_b", full_name="Quan Tri Truong Khac")
    log(instance=theirs, action="wagtail.edit", user=other_admin)
    return {"ours": ours, "theirs": theirs, "teacher": teacher, "root": root}


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_homeroom_teacher_sees_only_their_class_in_site_history(client, schools):
    client.force_login(schools["teacher"])
    html = client.get(HISTORY).content.decode()
    assert "Hoc Sinh Minh" in html
    assert "Hoc Sinh Truong Khac" not in html
    assert "Quan Tri Truong Khac" not in html  # nor in the "user" filter
    rows = _csv(client.get(HISTORY, {"export": "csv"}))
    names = {row[1] for row in rows[1:]}
    assert names == {"Hoc Sinh Minh"}


def test_superuser_sees_every_entry(client, schools):
    client.force_login(schools["root"])
    html = client.get(HISTORY).content.decode()
    assert "Hoc Sinh Minh" in html and "Hoc Sinh Truong Khac" in html


def test_site_history_export_neutralises_formulas(client, schools):
    person = schools["ours"]
    person.lms_profile.full_name = '=HYPERLINK("http://evil.example/","x")'
    person.lms_profile.save()
    log(instance=person, action="wagtail.edit", user=schools["root"])
    client.force_login(schools["root"])
    labels = [row[1] for row in _csv(client.get(HISTORY, {"export": "csv"}))[1:]]
    assert "'" + person.lms_profile.full_name in labels
    assert person.lms_profile.full_name not in labels
    response = client.get(HISTORY, {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [row[1] for row in workbook.active.iter_rows(values_only=True)]
    assert "'" + person.lms_profile.full_name in cells


def test_page_types_usage_is_refused_to_a_school_admin(client, schools):
    admin = MembershipFactory(
        user=UserFactory(username="qt"),
        role=Role.SCHOOL_ADMIN,
        school=schools["ours"].memberships.get().school,
        school_class=None,
        school_year=schools["ours"].memberships.get().school_year,
    ).user
    client.force_login(admin)
    url = reverse("wagtailadmin_reports:page_types_usage")
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert url not in client.get("/admin/").content.decode()
    client.force_login(schools["root"])
    assert client.get(url).status_code == 200


def test_school_admin_sees_history_of_their_own_bank_not_another_schools(client):
    from lms.people.services import user_groups_sync
    from quizzes.models import Question, QuestionCategory

    year = SchoolYearFactory()
    school_a, school_b = SchoolFactory(code="QA"), SchoolFactory(code="QB")
    admin_b = UserFactory(username="qt_qb")
    MembershipFactory(
        user=admin_b,
        role=Role.SCHOOL_ADMIN,
        school=school_b,
        school_class=None,
        school_year=year,
    )
    user_groups_sync(user=admin_b)
    root = UserFactory(username="root2", is_superuser=True, is_staff=True)
    for school, text in ((school_a, "Cau hoi cua truong A"), (school_b, "Cau hoi B")):
        category = QuestionCategory.objects.create(name=f"Ngan hang {school.code}")
        category.school = school
        category.save()
        question = Question.objects.create(
            category=category, qtype="essay", name=text, text=f"<p>{text}</p>"
        )
        log(instance=question, action="wagtail.edit", user=root)
    client.force_login(admin_b)
    html = client.get(HISTORY).content.decode()
    assert "Cau hoi B" in html
    assert "Cau hoi cua truong A" not in html

"""Consent records (Decree 13/2023/NĐ-CP) and the school's consent gate."""

import datetime
import html

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from courses.selectors import course_access_for
from courses.services import course_open
from courses.views import CONSENT_REFUSAL
from lms.people.models import Consent, Role, User
from lms.people.roster.importing import roster_import
from lms.people.selectors import consent_is_complete, consent_needs_guardian
from lms.people.voice import STUDENT, vgettext, voice_for
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.people.roster_files import HEADER, class_list, xlsx_bytes

TODAY = datetime.date(2026, 11, 29)
ADULT = datetime.date(2008, 11, 29)  # 18 on TODAY
FIFTEEN = datetime.date(2011, 6, 1)
SIXTEEN_TODAY = datetime.date(2010, 11, 29)


# The rule, without a database.


@pytest.mark.parametrize(
    ("birth_date", "needs_guardian"),
    [
        (ADULT, False),
        (SIXTEEN_TODAY, False),
        (SIXTEEN_TODAY + datetime.timedelta(days=1), True),
        (FIFTEEN, True),
        (None, True),
    ],
)
def test_guardian_consent_needed_under_16_or_when_age_unknown(
    birth_date, needs_guardian
):
    assert consent_needs_guardian(birth_date=birth_date, today=TODAY) is needs_guardian


def test_born_on_29_february_turns_16_on_28_february():
    birth = datetime.date(2008, 2, 29)
    assert consent_needs_guardian(birth_date=birth, today=datetime.date(2024, 2, 28))
    assert not consent_needs_guardian(
        birth_date=birth, today=datetime.date(2024, 2, 29)
    )


@pytest.mark.parametrize(
    ("birth_date", "own", "guardian", "complete"),
    [
        (ADULT, True, False, True),
        (ADULT, False, True, False),  # a parent cannot stand in for a 16+ learner
        (FIFTEEN, True, False, False),
        (FIFTEEN, False, True, False),
        (FIFTEEN, True, True, True),
        (None, True, False, False),
        (None, True, True, True),
    ],
)
def test_required_consent_is_own_plus_guardian_under_16(
    birth_date, own, guardian, complete
):
    assert (
        consent_is_complete(
            birth_date=birth_date, own=own, guardian=guardian, today=TODAY
        )
        is complete
    )


# The gate on courses.


def _consent(learner, given_by=Consent.GivenBy.LEARNER, **kwargs):
    return Consent.objects.create(
        learner=learner,
        given_by=given_by,
        giver_name=kwargs.pop("giver_name", learner.lms_profile.full_name),
        method=Consent.Method.PAPER_FORM,
        **kwargs,
    )


def _years_ago(years: int) -> datetime.date:
    today = datetime.date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def consent_school(school_class):
    school = school_class.school
    school.learning_needs_consent = True
    school.save()
    return school


def _consent_message(voice: str) -> str:
    with translation.override("vi"):
        return vgettext(voice, CONSENT_REFUSAL)


@pytest.mark.django_db
def test_gate_is_off_unless_the_school_asks_for_consent(
    client, make_course, make_learner
):
    course, _lessons = make_course()
    learner = make_learner("no_consent")
    assert course_access_for(user=learner, course=course)
    client.force_login(learner)
    assert client.get(course.url).status_code == 200


@pytest.mark.django_db
def test_learner_without_consent_is_refused_and_told_to_ask_the_school(
    client, make_course, make_learner, consent_school
):
    course, lessons = make_course()
    refused = make_learner("no_consent", birth_date=_years_ago(17))
    access = course_access_for(user=refused, course=course)
    assert not access and access.reason == "consent"
    assert course_open(user=refused, course=course) is None

    client.force_login(refused)
    response = client.get(course.url)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    # Said to the pupil as "em" (a course for students), translated.
    assert voice_for(refused, course) == STUDENT
    assert _consent_message(STUDENT) in page
    assert "Em hãy liên hệ với nhà trường" in _consent_message(STUDENT)
    lesson = client.get(lessons[0].url)
    assert lesson.status_code == 302 and lesson["Location"] == course.url


@pytest.mark.django_db
def test_learner_with_the_required_consent_gets_in(
    client, make_course, make_learner, consent_school
):
    course, lessons = make_course()
    adult = make_learner("adult", birth_date=_years_ago(17))
    _consent(adult)
    assert course_access_for(user=adult, course=course)

    young = make_learner("young", birth_date=_years_ago(15))
    _consent(young)
    assert course_access_for(user=young, course=course).reason == "consent"
    _consent(young, Consent.GivenBy.PARENT, giver_name="Phụ huynh")
    assert course_access_for(user=young, course=course)

    client.force_login(young)
    response = client.get(course.url)
    assert _consent_message(STUDENT) not in html.unescape(response.content.decode())
    assert client.get(lessons[0].url).status_code == 200


@pytest.mark.django_db
def test_unknown_birth_date_needs_a_guardian_too(
    make_course, make_learner, consent_school
):
    course, _lessons = make_course()
    learner = make_learner("unknown_age")
    _consent(learner)
    assert course_access_for(user=learner, course=course).reason == "consent"
    _consent(learner, Consent.GivenBy.GUARDIAN, giver_name="Người giám hộ")
    assert course_access_for(user=learner, course=course)


@pytest.mark.django_db
def test_withdrawn_consent_no_longer_counts(make_course, make_learner, consent_school):
    course, _lessons = make_course()
    learner = make_learner("withdrawn", birth_date=_years_ago(17))
    consent = _consent(learner)
    assert course_access_for(user=learner, course=course)
    consent.withdrawn_on = datetime.date.today()
    consent.save()
    assert course_access_for(user=learner, course=course).reason == "consent"


@pytest.mark.django_db
def test_staff_are_not_held_back_by_the_student_consent_setting(
    make_course, make_learner, consent_school
):
    course, _lessons = make_course(for_teachers=True)
    teacher = make_learner("gv", role=Role.TEACHER)
    assert course_access_for(user=teacher, course=course)


@pytest.mark.django_db
def test_catalogue_still_lists_courses_held_back_for_consent(
    client, catalogue, make_course, make_learner, consent_school
):
    course, _lessons = make_course()
    client.force_login(make_learner("no_consent"))
    assert course.title in client.get(catalogue.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lesson_count", [3, 15])
def test_query_budgets_unchanged_with_the_gate_on(
    client,
    make_course,
    make_learner,
    consent_school,
    lesson_count,
    django_assert_max_num_queries,
):
    course, lessons = make_course(lessons=lesson_count)
    learner = make_learner("budget", birth_date=_years_ago(15))
    _consent(learner)
    _consent(learner, Consent.GivenBy.PARENT, giver_name="Phụ huynh")
    course_open(user=learner, course=course)
    client.force_login(learner)
    # The same budgets as without the gate (tests/courses/test_queries.py).
    budgets = {
        course.url: 12,
        lessons[1].url: 12,
        reverse("lms_courses:my_learning"): 15,
    }
    for url, budget in budgets.items():
        client.get(url)
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


# Consent records in the admin.


@pytest.fixture
def two_schools(db):
    year = SchoolYearFactory()
    a, b = SchoolFactory(code="CSA"), SchoolFactory(code="CSB")
    a1 = SchoolClassFactory(school=a, school_year=year, name="10A1")
    b1 = SchoolClassFactory(school=b, school_year=year, name="10B1")
    admin = UserFactory(username="admin_a", full_name="Quản Trị A")
    MembershipFactory(
        user=admin,
        role=Role.SCHOOL_ADMIN,
        school=a,
        school_class=None,
        school_year=year,
    )
    teacher = UserFactory(username="gvcn_a", full_name="Chủ Nhiệm A")
    MembershipFactory(user=teacher, role=Role.HOMEROOM_TEACHER, school_class=a1)
    missing = MembershipFactory(
        user=UserFactory(username="thieu", full_name="Học Sinh Thiếu"), school_class=a1
    ).user
    complete = MembershipFactory(
        user=UserFactory(
            username="du", full_name="Học Sinh Đủ", birth_date=_years_ago(17)
        ),
        school_class=a1,
    ).user
    _consent(complete)
    theirs = MembershipFactory(
        user=UserFactory(username="theirs", full_name="Học Sinh Trường B"),
        school_class=b1,
    ).user
    _consent(theirs, giver_name="Người Ký Trường B")
    return {
        "admin": admin,
        "teacher": teacher,
        "missing": missing,
        "complete": complete,
        "theirs": theirs,
    }


def _rows(client, **params) -> str:
    response = client.get(reverse("lms_consent_status:index"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_consent_status_list_shows_who_lacks_consent_in_scope(client, two_schools):
    client.force_login(two_schools["admin"])
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("lms_consent_status:index") in menu
    page = _rows(client)
    assert "Học Sinh Thiếu" in page and "Học Sinh Đủ" in page
    assert "Học Sinh Trường B" not in page
    assert "Chủ Nhiệm A" not in page  # staff are not students

    missing = _rows(client, status="missing")
    assert "Học Sinh Thiếu" in missing and "Học Sinh Đủ" not in missing
    complete = _rows(client, status="complete")
    assert "Học Sinh Đủ" in complete and "Học Sinh Thiếu" not in complete


def test_consent_records_are_scoped_and_recorded_by_the_viewer(client, two_schools):
    admin = two_schools["admin"]
    client.force_login(admin)
    listing = client.get(reverse("lms_consents:index")).content.decode()
    assert "Học Sinh Đủ" in listing and "Người Ký Trường B" not in listing

    other = Consent.objects.get(learner=two_schools["theirs"])
    assert client.get(reverse("lms_consents:edit", args=[other.pk])).status_code == 404

    add_url = reverse("lms_consents:add")
    form = client.get(add_url).context["form"]
    learners = set(form.fields["learner"].queryset)
    assert two_schools["missing"] in learners and two_schools["theirs"] not in learners

    data = {
        "learner": two_schools["missing"].pk,
        "given_by": "parent",
        "giver_name": "Trần Văn Bố",
        "method": "parents_meeting",
        "given_on": "2026-09-10",
        "withdrawn_on": "",
        "note": "",
    }
    assert (
        client.post(add_url, {**data, "learner": two_schools["theirs"].pk}).status_code
        == 200
    )
    assert client.post(add_url, data).status_code == 302
    created = Consent.objects.get(learner=two_schools["missing"])
    assert created.recorded_by == admin and created.giver_name == "Trần Văn Bố"


def test_homeroom_teacher_views_consents_but_cannot_record_them(client, two_schools):
    client.force_login(two_schools["teacher"])
    assert client.get(reverse("lms_consents:index")).status_code == 200
    assert "Học Sinh Thiếu" in _rows(client, status="missing")
    assert client.get(reverse("lms_consents:add")).status_code in (302, 403)


def test_role_groups_get_consent_permissions_from_the_migration(db):
    admins = Group.objects.get(name="LMS – Quản trị trường")
    codenames = set(admins.permissions.values_list("codename", flat=True))
    assert {"add_consent", "change_consent", "view_consent"} <= codenames
    teachers = Group.objects.get(name="LMS – Giáo viên chủ nhiệm")
    teacher_codenames = set(teachers.permissions.values_list("codename", flat=True))
    assert (
        "view_consent" in teacher_codenames and "add_consent" not in teacher_codenames
    )


# The roster import stores the date of birth the consent rule needs.


def test_roster_import_stores_the_date_of_birth_and_updates_it(db):
    year = SchoolYearFactory()
    school = SchoolFactory(code="ROSTERDOB")
    SchoolClassFactory(school=school, school_year=year, name="10A1")
    SchoolClassFactory(school=school, school_year=year, name="10A2")

    def run(data):
        return roster_import(
            data=data,
            filename="a.xlsx",
            school=school,
            school_year=year,
            create_classes=False,
            dry_run=False,
        )

    assert run(class_list()).created
    births = dict(
        User.objects.filter(
            lms_profile__student_code__in=["HS002", "HS003"]
        ).values_list("lms_profile__student_code", "lms_profile__birth_date")
    )
    assert births == {
        "HS002": datetime.date(2006, 3, 5),
        "HS003": datetime.date(2006, 1, 2),
    }
    corrected = xlsx_bytes(
        [HEADER, [1, "Lê Hoàng Cường", "HS003", "10A2", "07/01/2006"]]
    )
    report = run(corrected)
    assert [entry.code for entry in report.updated] == ["HS003"]
    assert User.objects.get(
        lms_profile__student_code="HS003"
    ).lms_profile.birth_date == datetime.date(2006, 1, 7)


def test_students_cannot_open_the_consent_pages(client, two_schools):
    client.force_login(two_schools["missing"])
    for url in (reverse("lms_consent_status:index"), reverse("lms_consents:index")):
        assert client.get(url).status_code in (302, 403)

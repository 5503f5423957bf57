"""Starting a new school year: classes promoted, people carried, old years kept."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import (
    ClassAssignment,
    CourseCompletion,
    Enrolment,
    EnrolmentMode,
    LessonProgress,
)
from courses.services import course_assign_to_classes, course_open, lesson_complete
from lms.people import policies
from lms.people.models import Membership, Role, SchoolClass, SchoolYear
from lms.people.roles import school_admin_group_name
from lms.people.rollover import (
    RolloverRefused,
    class_name_promote,
    school_year_plan,
    school_year_start,
)
from lms.reports.models import CompletionSummary, ReportGroup
from quizzes.models import QuizAttempt
from quizzes.services import attempt_start, attempt_submit
from tests.certificates.factories import (
    CertificateTemplateFactory,
    CourseCertificateSettingFactory,
)
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    school_staff,
)
from tests.quizzes.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_slots,
    single_choice,
)

pytestmark = pytest.mark.django_db

# Rows of the years before the rollover: each must stay exactly as it was.
EARLIER_RECORDS = [
    SchoolYear,
    SchoolClass,
    Membership,
    ClassAssignment,
    Enrolment,
    LessonProgress,
    CourseCompletion,
    QuizAttempt,
    Certificate,
    ReportGroup,
]


def rows(model) -> dict:
    return {row["pk"]: row for row in model.objects.values("pk", *_fields(model))}


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def every_row() -> dict:
    """Every row of every table the project has (for "changes nothing")."""
    return {
        model._meta.label: rows(model)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def student(username, school_class, full_name=None):
    user = UserFactory(username=username, full_name=full_name or username)
    MembershipFactory(user=user, school_class=school_class)
    return user


@pytest.fixture
def w(make_course, django_capture_on_commit_callbacks):
    old = SchoolYearFactory()  # this year, open: its admins hold power now
    first = int(old.name[:4])
    school = SchoolFactory(code="CHUYEN", name="Trường THPT Chuyên")
    other = SchoolFactory(code="KHAC", department=school.department)
    c10 = SchoolClassFactory(school=school, school_year=old, name="10A1")
    c11 = SchoolClassFactory(school=school, school_year=old, name="11A2")
    c12 = SchoolClassFactory(school=school, school_year=old, name="12A1")
    people = {
        "an": student("an", c10, "Nguyễn Văn An"),
        "binh": student("binh", c10, "Trần Thị Bình"),
        "chi": student("chi", c11, "Lê Minh Chi"),
        "dung": student("dung", c12, "Phạm Dũng"),
        "gv_10": UserFactory(username="gv_10"),
        "gv_12": UserFactory(username="gv_12"),
        "admin": school_staff("qt", Role.SCHOOL_ADMIN, school, old),
        "teacher": school_staff("gv", Role.TEACHER, school, old),
        "author": school_staff("soan", Role.CONTENT_AUTHOR, school, old),
        "other_admin": school_staff("qt_khac", Role.SCHOOL_ADMIN, other, old),
        "officer": school_staff(
            "so", Role.DEPARTMENT_OFFICER, None, old, department=school.department
        ),
    }
    for key, school_class in (("gv_10", c10), ("gv_12", c12)):
        MembershipFactory(
            user=people[key], role=Role.HOMEROOM_TEACHER, school_class=school_class
        )
    course, lessons = make_course(lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    course_assign_to_classes(course=course, classes=[c10], assigned_by=people["admin"])
    # Last year's history: progress, a completion, a certificate, an attempt.
    # The summary's recounts run after commit: run them, so it is up to date.
    an = people["an"]
    template = CertificateTemplateFactory(school=school)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    quiz = QuizPageFactory(parent=course, pass_mark=50, required=False)
    add_slots(quiz, [single_choice(category=QuestionCategoryFactory(school=school))])
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=an, course=course)
        lesson_complete(user=an, lesson=lessons[0], course=course)
        certificate_issue(user=an, course=course, notify=False)
        attempt_submit(attempt=attempt_start(user=an, quiz=quiz), answers={})
    assert CourseCompletion.objects.filter(user=an).exists()
    assert Certificate.objects.filter(holder=an).exists()
    return {
        "old": old,
        "new_name": f"{first + 1}-{first + 2}",
        "school": school,
        "other": other,
        "c10": c10,
        "c11": c11,
        "c12": c12,
        "course": course,
        **people,
    }


def start(w, **kwargs):
    kwargs.setdefault("carry_homeroom", False)
    return school_year_start(school=w["school"], year_name=w["new_name"], **kwargs)


def new_memberships(w, **filters):
    return Membership.objects.filter(school_year__name=w["new_name"], **filters)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("10A1", (10, "11A1")),
        ("6/1", (6, "7/1")),
        ("9A", (9, "10A")),
        ("11 CHUYÊN TOÁN", (11, "12 CHUYÊN TOÁN")),
        ("CLB TIN", None),
    ],
)
def test_class_name_promote(name, expected):
    assert class_name_promote(name) == expected


def test_dry_run_changes_nothing(w):
    before = every_row()
    plan = school_year_plan(
        school=w["school"], year_name=w["new_name"], carry_homeroom=True
    )
    out = StringIO()
    call_command(
        "start_school_year",
        "--school=chuyen",
        f"--year={w['new_name']}",
        "--carry-homeroom",
        "--dry-run",
        stdout=out,
    )
    assert every_row() == before
    assert not plan.year_exists
    assert [(p.old_name, p.new_name) for p in plan.promotions] == [
        ("10A1", "11A1"),
        ("11A2", "12A2"),
    ]
    assert [m.person.username for m in plan.students_carried] == ["an", "binh", "chi"]
    assert [m.person.username for m in plan.leavers] == ["dung"]
    assert [m.person.username for m in plan.homeroom_carried] == ["gv_10"]
    assert [p.username for p in plan.admins_carried] == ["qt"]
    assert [(c.title, c.new_class) for c in plan.carried] == [
        (w["course"].title, "11A1")
    ]
    assert "Dry run, nothing written" in out.getvalue()
    assert "Nguyễn Văn An (an) -> 11A1" in out.getvalue()


def test_run_promotes_classes_and_leavers_leave(w):
    plan = start(w)
    new_year = SchoolYear.objects.get(name=w["new_name"])
    first = int(w["new_name"][:4])
    assert (new_year.starts_on, new_year.ends_on) == (
        datetime.date(first, 9, 5),
        datetime.date(first + 1, 5, 31),
    )
    classes = SchoolClass.objects.filter(school=w["school"], school_year=new_year)
    assert sorted((c.name, c.grade) for c in classes) == [("11A1", 11), ("12A2", 12)]
    placed = {
        m.user.username: m.school_class.name
        for m in new_memberships(w, role=Role.STUDENT).select_related(
            "user", "school_class"
        )
    }
    assert placed == {"an": "11A1", "binh": "11A1", "chi": "12A2"}
    assert not new_memberships(w, user=w["dung"]).exists()
    assert plan.classes_to_create == ["11A1", "12A2"]


@pytest.mark.parametrize("carry", [True, False])
def test_homeroom_teachers_follow_their_class_only_when_asked(w, carry):
    plan = start(w, carry_homeroom=carry)
    carried = new_memberships(w, role=Role.HOMEROOM_TEACHER)
    if carry:
        assert [(m.user.username, m.school_class.name) for m in carried] == [
            ("gv_10", "11A1")
        ]
    else:
        assert not carried.exists()
        assert ("gv_10", "10A1") in {
            (r.person.username, r.where) for r in plan.roles_ending
        }
    # The leaving class's homeroom teacher is never carried.
    assert ("gv_12", "12A1") in {
        (r.person.username, r.where) for r in plan.roles_ending
    }


def test_old_roles_end_and_school_admins_keep_theirs(w):
    plan = start(w)
    new_year = SchoolYear.objects.get(name=w["new_name"])
    in_new_year = new_year.starts_on + datetime.timedelta(days=1)
    ending = {(r.person.username, r.role) for r in plan.roles_ending}
    assert {("gv", Role.TEACHER), ("soan", Role.CONTENT_AUTHOR)} <= ending
    # The teacher's old-year role is not valid in the new year.
    assert not policies.active_memberships(
        user=w["teacher"], today=in_new_year
    ).exists()
    assert not new_memberships(w, user=w["author"]).exists()
    # The school admin keeps the role: the school is not locked out.
    assert policies.may_manage_school(
        user=w["admin"], school=w["school"], school_year=new_year, today=in_new_year
    )
    assert w["admin"].groups.filter(name=school_admin_group_name(w["school"])).exists()
    # Another school's people are not touched.
    assert not new_memberships(w, user=w["other_admin"]).exists()


def test_course_assignments_follow_their_class(w):
    start(w, actor=w["admin"])
    new_class = SchoolClass.objects.get(
        school=w["school"], school_year__name=w["new_name"], name="11A1"
    )
    assignment = ClassAssignment.objects.get(school_class=new_class)
    assert assignment.course_id == w["course"].pk
    assert assignment.assigned_by == w["admin"]
    assert ClassAssignment.objects.filter(school_class=w["c10"]).exists()


def test_earlier_records_stay_exactly_as_they_were(w):
    before = {model: rows(model) for model in EARLIER_RECORDS}
    summaries = rows(CompletionSummary)
    start(w, carry_homeroom=True)
    for model, old_rows in before.items():
        now = rows(model)
        assert {pk: now.get(pk) for pk in old_rows} == old_rows, model.__name__
    # The summary's figures of earlier groups are the same (recounts may run).
    figures = {
        pk: {k: v for k, v in row.items() if k != "updated_at"}
        for pk, row in rows(CompletionSummary).items()
    }
    assert {pk: figures.get(pk) for pk in summaries} == {
        pk: {k: v for k, v in row.items() if k != "updated_at"}
        for pk, row in summaries.items()
    }


def test_second_run_changes_nothing(w):
    start(w, carry_homeroom=True)
    after_first = every_row()
    plan = start(w, carry_homeroom=True)
    assert plan.nothing_to_do
    assert every_row() == after_first
    out = StringIO()
    call_command(
        "start_school_year", "--school=CHUYEN", f"--year={w['new_name']}", stdout=out
    )
    assert "Nothing to do" in out.getvalue()
    assert every_row() == after_first


def test_a_clash_refuses_everything(w):
    new_year = SchoolYearFactory(name=w["new_name"])
    taken = SchoolClassFactory(school=w["school"], school_year=new_year, name="11A1")
    student("chuyen_den", taken)
    before = every_row()
    with pytest.raises(RolloverRefused) as refused:
        start(w)
    assert "11A1" in refused.value.message
    assert "10A1" in refused.value.message
    assert every_row() == before
    with pytest.raises(CommandError, match="11A1"):
        call_command("start_school_year", "--school=CHUYEN", f"--year={w['new_name']}")
    assert every_row() == before


def test_an_empty_new_class_of_the_same_name_is_used(w):
    new_year = SchoolYearFactory(name=w["new_name"])
    ready = SchoolClassFactory(school=w["school"], school_year=new_year, name="11A1")
    plan = start(w)
    assert plan.classes_to_create == ["12A2"]
    assert set(
        Membership.objects.filter(school_class=ready).values_list(
            "user__username", flat=True
        )
    ) == {"an", "binh"}


@pytest.mark.parametrize("value", ["2027-2029", "2027", "năm sau", "27-28"])
def test_a_malformed_year_is_refused_by_name(w, value):
    before = every_row()
    with pytest.raises(RolloverRefused) as refused:
        school_year_start(school=w["school"], year_name=value)
    assert value in refused.value.message
    with pytest.raises(CommandError, match=value):
        call_command("start_school_year", "--school=CHUYEN", f"--year={value}")
    assert every_row() == before


def test_no_year_to_carry_from_is_refused(w):
    first = int(w["new_name"][:4]) + 5
    with pytest.raises(RolloverRefused, match=f"{first - 1}-{first}"):
        school_year_start(school=w["school"], year_name=f"{first}-{first + 1}")


def test_a_lower_secondary_school_stops_at_grade_9(w):
    school = w["other"]
    school.last_grade = 9
    school.save()
    c8 = SchoolClassFactory(school=school, school_year=w["old"], name="8/1")
    c9 = SchoolClassFactory(school=school, school_year=w["old"], name="9/2")
    student("tam", c8)
    student("chin", c9)
    plan = school_year_start(school=school, year_name=w["new_name"])
    assert [(p.old_name, p.new_name) for p in plan.promotions] == [("8/1", "9/1")]
    assert [m.person.username for m in plan.leavers] == ["chin"]
    assert not new_memberships(w, user__username="chin").exists()


def test_a_student_already_placed_in_the_new_year_keeps_their_class(w):
    new_year = SchoolYearFactory(name=w["new_name"])
    elsewhere = SchoolClassFactory(school=w["other"], school_year=new_year, name="11B")
    MembershipFactory(user=w["binh"], school_class=elsewhere)
    plan = start(w)
    assert [
        (m.person.username, m.new_class) for m in plan.students_placed_elsewhere
    ] == [("binh", "11B")]
    assert new_memberships(w, user=w["binh"]).get().school_class == elsewhere


def test_a_class_without_a_grade_number_is_listed_not_carried(w):
    club = SchoolClassFactory(school=w["school"], school_year=w["old"], name="CLB")
    student("clb", club)
    plan = start(w)
    assert [c.name for c in plan.unpromotable_classes] == ["CLB"]
    assert not new_memberships(w, user__username="clb").exists()


def test_who_may_start_a_school_year(w):
    school = w["school"]
    old = w["old"]
    assert policies.may_start_school_year(user=w["admin"], school=school)
    assert policies.may_start_school_year(
        user=w["admin"], school=school, source_year=old
    )
    assert policies.may_start_school_year(user=w["officer"], school=school)
    assert not policies.may_start_school_year(user=w["other_admin"], school=school)
    assert not policies.may_start_school_year(
        user=w["other_admin"], school=school, source_year=old
    )
    assert not policies.may_start_school_year(user=w["teacher"], school=school)
    assert not policies.may_start_school_year(user=w["gv_10"], school=school)
    # Once the old year has ended, its admin no longer rolls the school over.
    after = old.ends_on + datetime.timedelta(days=1)
    assert not policies.may_start_school_year(
        user=w["admin"], school=school, source_year=old, today=after
    )
    assert policies.may_start_school_year(
        user=UserFactory(username="root", is_superuser=True), school=school
    )


# The admin: a form, a preview, a confirm.


def url(w):
    return reverse("lms_schools:new_year", args=[w["school"].pk])


def test_the_schools_listing_offers_the_action_to_those_who_may(client, w):
    client.force_login(w["admin"])
    page = client.get(reverse("lms_schools:index")).content.decode()
    assert url(w) in page
    client.force_login(w["other_admin"])
    page = client.get(reverse("lms_schools:index")).content.decode()
    assert url(w) not in page


def test_the_preview_shows_what_will_happen_and_changes_nothing(client, w):
    client.force_login(w["admin"])
    form = client.get(url(w))
    assert form.status_code == 200
    assert w["new_name"] in form.content.decode()  # suggested
    before = every_row()
    response = client.post(url(w), {"year": w["new_name"], "carry_homeroom": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert every_row() == before
    for text in ("10A1", "11A1", "12A2", "Nguyễn Văn An", "Phạm Dũng", "gv_10"):
        assert text in page
    assert w["course"].title in page
    assert 'name="digest"' in page
    assert 'name="confirm"' in page


def test_confirm_runs_the_previewed_plan(client, w):
    client.force_login(w["admin"])
    plan = school_year_plan(school=w["school"], year_name=w["new_name"])
    response = client.post(
        url(w), {"year": w["new_name"], "confirm": "1", "digest": plan.digest}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_schools:index")
    assert new_memberships(w, role=Role.STUDENT).count() == 3
    assert not new_memberships(w, role=Role.HOMEROOM_TEACHER).exists()


def test_confirm_is_refused_when_the_plan_changed_since_the_preview(client, w):
    client.force_login(w["admin"])
    plan = school_year_plan(school=w["school"], year_name=w["new_name"])
    student("moi", w["c10"])
    before = every_row()
    response = client.post(
        url(w), {"year": w["new_name"], "confirm": "1", "digest": plan.digest}
    )
    assert response.status_code == 200
    assert "changed since the preview" in response.content.decode() or (
        "đã thay đổi" in response.content.decode()
    )
    assert every_row() == before


def test_a_malformed_year_in_the_form_is_named(client, w):
    client.force_login(w["admin"])
    before = every_row()
    response = client.post(url(w), {"year": "2027-2029", "confirm": "1"})
    assert response.status_code == 200
    assert "2027-2029" in response.content.decode()
    assert every_row() == before


@pytest.mark.parametrize("who", ["other_admin", "teacher", "gv_10", "an"])
def test_others_reach_neither_preview_nor_confirm(client, w, who):
    client.force_login(w[who])
    before = every_row()
    assert client.get(url(w)).status_code in (302, 403, 404)
    plan = school_year_plan(school=w["school"], year_name=w["new_name"])
    response = client.post(
        url(w), {"year": w["new_name"], "confirm": "1", "digest": plan.digest}
    )
    assert response.status_code in (302, 403, 404)
    assert every_row() == before


def test_group_sync_follows_the_new_memberships(w):
    start(w)
    assert (
        Group.objects.get(name="LMS – Học sinh").user_set.filter(username="an").exists()
    )

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lms.people import policies
from lms.people.demo import demo_row_counts, demo_school_year_starts
from lms.people.models import Membership, Role, School, SchoolYear, User

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "admin",
    "schooladmin",
    "schooladmin2",
    "student",
    "teacher",
    "collaborator",
    "officer",
    "teacher2",
    "teacher3",
    "parent",
]
LIBRARY_COURSES = {
    "luat-an-ninh-mang-cho-hoc-sinh",
    "van-hoa-ung-xu-tren-moi-truong-mang",
    "ky-nang-so-cho-giao-vien-va-cong-tac-vien",
}


@pytest.fixture
def seeded():
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)


def _current_year() -> SchoolYear:
    year = policies.current_school_year()
    assert year is not None
    return year


def _all_counts():
    from wagtail.models import Page

    from certificates.models import Certificate, CertificateTemplate
    from courses.models import CourseCompletion, Enrolment, LessonProgress
    from quizzes.models import Question, QuestionCategory, QuizAttempt

    return {
        **demo_row_counts(),
        **{
            model.__name__: model.objects.count()
            for model in (
                Page,
                Certificate,
                CertificateTemplate,
                CourseCompletion,
                Enrolment,
                LessonProgress,
                Question,
                QuestionCategory,
                QuizAttempt,
            )
        },
    }


def test_seed_demo_twice_leaves_identical_row_counts(seeded):
    first = _all_counts()
    call_command("seed_demo", "--password", "Demo-pass-1", verbosity=0)
    assert _all_counts() == first
    assert first["User"] >= 9 + 12
    assert first["School"] >= 3


def test_every_demo_account_can_sign_in_and_the_home_page_is_the_site_root(
    client, seeded
):
    response = client.get("/")
    assert response.status_code == 200
    assert "Công dân số" in response.content.decode()
    for username in DEMO_LOGINS:
        client.logout()
        response = client.post(
            reverse("lms_people:login"),
            {"username": username, "password": "Demo-pass-1"},
        )
        assert response.status_code == 302, (username, response.content[:300])
        assert client.get("/").status_code == 200, username


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (datetime.date(2026, 12, 4), 2026),
        (datetime.date(2027, 3, 1), 2026),
        (datetime.date(2027, 5, 31), 2026),
        # From June the year that ended is history; the next one is current.
        (datetime.date(2027, 6, 1), 2027),
        (datetime.date(2027, 9, 10), 2027),
    ],
)
def test_demo_school_years_follow_the_calendar_not_a_fixed_year(today, first):
    assert demo_school_year_starts(today) == (first, first - 1)


def _check_demo_current_year_contains_today_and_the_previous_one_has_ended():
    today = timezone.localdate()
    year = _current_year()
    assert year.ends_on >= today
    first, previous_first = demo_school_year_starts(today)
    assert year.name == f"{first}-{first + 1}"
    previous = SchoolYear.objects.get(name=f"{previous_first}-{first}")
    assert previous.ends_on < today


def _check_demo_roles_are_what_the_readme_says():
    year = _current_year()

    def roles(username, **where):
        return set(
            Membership.objects.filter(
                user__username=username, school_year=year, **where
            ).values_list("role", flat=True)
        )

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert not Membership.objects.filter(user=admin).exists()
    assert roles("schooladmin", school__code="DEMO") == {Role.SCHOOL_ADMIN}
    assert roles("schooladmin2", school__code="BINHMINH") == {Role.SCHOOL_ADMIN}
    assert roles("teacher", school__code="DEMO") >= {Role.HOMEROOM_TEACHER}
    assert roles("student", school__code="DEMO") == {Role.STUDENT}
    assert roles("collaborator", school__code="DEMO") == {
        Role.COLLABORATOR,
        Role.CONTENT_AUTHOR,
    }
    assert roles("officer") == {Role.DEPARTMENT_OFFICER}
    assert roles("teacher2", school__code="BINHMINH") >= {Role.HOMEROOM_TEACHER}
    assert roles("teacher3", school__code="SONGLAM") >= {Role.HOMEROOM_TEACHER}
    for number in range(1, 13):
        assert roles(f"hs{number:02d}", school__code="DEMO") == {Role.STUDENT}
    demo_students = Membership.objects.filter(
        role=Role.STUDENT, school__code="DEMO", school_year=year
    )
    assert demo_students.count() == 13
    assert demo_students.values("school_class").distinct().count() == 2


def _check_demo_powers_are_open_and_stay_within_each_school():
    people = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS)}
    demo, binhminh, songlam = (
        School.objects.get(code=code) for code in ("DEMO", "BINHMINH", "SONGLAM")
    )
    year = _current_year()

    def manages(username, school):
        return policies.may_manage_school(
            user=people[username], school=school, school_year=year
        )

    assert manages("schooladmin", demo) and not manages("schooladmin", binhminh)
    assert manages("schooladmin2", binhminh) and not manages("schooladmin2", demo)
    assert all(manages("officer", s) for s in (demo, binhminh, songlam))
    assert not manages("teacher", demo)
    assert policies.user_rank(people["admin"]) == policies.Rank.SUPERUSER
    assert policies.user_rank(people["officer"]) == policies.Rank.DEPARTMENT_OFFICER
    # Nobody above their role: the school admin manages DEMO's students, not
    # the superuser, the officer or the other school's admin.
    manageable = policies.people_manageable_by(actor=people["schooladmin"])
    assert manageable.filter(username="hs01").exists()
    assert not manageable.filter(
        username__in=["admin", "officer", "schooladmin2", "bm01"]
    ).exists()


def _check_demo_has_three_schools_of_different_sizes_with_their_own_people():
    year = _current_year()
    sizes = {}
    for code in ("DEMO", "BINHMINH", "SONGLAM"):
        school = School.objects.get(code=code)
        here = Membership.objects.filter(school=school, school_year=year)
        sizes[code] = here.filter(role=Role.STUDENT).count()
        assert school.classes.filter(school_year=year).exists(), code
        assert here.filter(role=Role.HOMEROOM_TEACHER).exists(), code
    assert sizes["DEMO"] > sizes["BINHMINH"] > sizes["SONGLAM"] >= 3
    assert School.objects.filter(code__in=sizes).values("department").count() == 3
    assert len(set(School.objects.values_list("department", flat=True))) == 1


def _check_other_schools_have_progress_of_their_own():
    from courses.models import CourseCompletion, LessonProgress
    from quizzes.models import QuizAttempt

    for code in ("BINHMINH", "SONGLAM"):
        learners = Membership.objects.filter(
            school__code=code, role=Role.STUDENT, school_year=_current_year()
        ).values("user_id")
        assert LessonProgress.objects.filter(user__in=learners).exists(), code
        assert QuizAttempt.objects.filter(user__in=learners).exists(), code
        assert CourseCompletion.objects.filter(user__in=learners).exists(), code
    bm_learners = Membership.objects.filter(school__code="BINHMINH").values("user_id")
    assert QuizAttempt.objects.filter(user__in=bm_learners, passed=False).exists()


def _check_demo_content_belongs_to_the_library_or_to_a_school():
    from certificates.defaults import default_template_ensure
    from courses.models import CourseIndexPage, CoursePage
    from quizzes.models import QuizPage

    library = CourseIndexPage.objects.get(school__isnull=True)
    library_courses = CoursePage.objects.child_of(library)
    assert set(library_courses.values_list("slug", flat=True)) == LIBRARY_COURSES
    for course in library_courses:
        for quiz in QuizPage.objects.child_of(course):
            assert all(d.category.school_id is None for d in quiz.draws.all())
    assert default_template_ensure().school_id is None

    for code in ("DEMO", "BINHMINH"):
        school = School.objects.get(code=code)
        catalogue = CourseIndexPage.objects.get(school=school)
        own = CoursePage.objects.child_of(catalogue).live()
        assert own.exists(), code
        for course in own:
            quiz = QuizPage.objects.child_of(course).live().get()
            draw = quiz.draws.get()
            assert draw.category.school == school
            assert draw.category.questions.count() >= draw.count
    assert not CourseIndexPage.objects.filter(school__code="SONGLAM").exists()


def _check_the_previous_year_holds_history():
    from certificates.models import Certificate
    from courses.models import CourseCompletion

    first, previous_first = demo_school_year_starts()
    previous = SchoolYear.objects.get(name=f"{previous_first}-{first}")
    last_year = Membership.objects.filter(school_year=previous)
    assert last_year.filter(role=Role.STUDENT, school__code="DEMO").count() >= 3
    assert last_year.filter(role=Role.STUDENT, school__code="BINHMINH").exists()
    assert last_year.filter(user__username="teacher").exists()
    assert last_year.filter(user__username="officer").exists()
    completed = CourseCompletion.objects.filter(
        completed_at__date__gte=previous.starts_on,
        completed_at__date__lte=previous.ends_on,
    )
    assert completed.count() >= 3
    certificates = Certificate.objects.filter(year=previous.starts_on.year)
    assert {c.school_code for c in certificates} == {"DEMO", "BINHMINH"}
    for certificate in certificates:
        assert certificate.snapshot["school_year"] == previous.name
        assert certificate.holder_id in set(completed.values_list("user_id", flat=True))


def _check_a_yearly_course_was_completed_last_year_and_is_due_again():
    """Issue 15: bm04 completed the yearly law course last year; her
    certificate has lapsed and My learning lists the course again with last
    year's result; the reports count it last year only."""
    from certificates.models import Certificate, CertificateStatus
    from courses.models import CourseCompletion, CoursePage
    from courses.selectors import my_learning_for
    from lms.reports.selectors import ReportFilters, completion_facts

    first, previous_first = demo_school_year_starts()
    previous = SchoolYear.objects.get(name=f"{previous_first}-{first}")
    law = CoursePage.objects.get(slug="luat-an-ninh-mang-cho-hoc-sinh")
    assert law.required_every_year
    assert not CoursePage.objects.exclude(pk=law.pk).filter(required_every_year=True)
    tam = User.objects.get(username="bm04")
    completion = CourseCompletion.objects.get(user=tam, course=law)
    assert completion.school_year == previous
    certificate = Certificate.objects.get(holder=tam, course=law)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.school_year == previous
    assert certificate.expires_on == previous.ends_on < timezone.localdate()
    assert certificate.snapshot["school_year"] == previous.name
    assert certificate.pdf

    learning = my_learning_for(user=tam)
    due = [s for s in learning["not_started"] + learning["enrolled"] if s.course == law]
    assert due and due[0].previous is not None
    assert due[0].previous.school_year == previous.name
    assert law not in [s.course for s in learning["completed"]]

    officer = User.objects.get(username="officer")
    binhminh = School.objects.get(code="BINHMINH")
    for year, completed in ((previous, 1), (_current_year(), 0)):
        facts = completion_facts(
            viewer=officer, filters=ReportFilters(school_year=year, school=binhminh)
        )
        assert facts.by_course()[law.pk].completed == completed, year


# Seeding takes a while: one run serves each group of read-only checks.


def test_demo_people_schools_years_and_powers_are_what_the_readme_says(seeded):
    _check_demo_current_year_contains_today_and_the_previous_one_has_ended()
    _check_demo_roles_are_what_the_readme_says()
    _check_demo_has_three_schools_of_different_sizes_with_their_own_people()
    _check_demo_powers_are_open_and_stay_within_each_school()


def test_demo_content_ownership_progress_and_last_years_history(seeded):
    _check_demo_content_belongs_to_the_library_or_to_a_school()
    _check_other_schools_have_progress_of_their_own()
    _check_the_previous_year_holds_history()
    _check_a_yearly_course_was_completed_last_year_and_is_due_again()


def test_schooladmin2_in_the_admin_reaches_nothing_of_demo_or_above_them(
    client, seeded
):
    """The issue's walk-through, as requests: schooladmin2 runs Bình Minh."""
    from certificates.models import CertificateTemplate
    from courses.models import CourseIndexPage, CoursePage
    from quizzes.models import Question

    demo = School.objects.get(code="DEMO")
    admin = User.objects.get(username="admin")
    demo_question = Question.objects.filter(category__school=demo).first()
    demo_course = CoursePage.objects.descendant_of(
        CourseIndexPage.objects.get(school=demo)
    ).first()
    client.force_login(User.objects.get(username="schooladmin2"))

    listing = client.get(reverse("wagtailsnippets_lms_quizzes_question:list"))
    assert listing.status_code == 200
    assert demo_question not in listing.context["object_list"]
    edit = reverse("wagtailsnippets_lms_quizzes_question:edit", args=[demo_question.pk])
    assert client.get(edit).status_code in (302, 403, 404)
    page_edit = reverse("wagtailadmin_pages:edit", args=[demo_course.pk])
    assert client.get(page_edit).status_code in (302, 403, 404)
    for template in CertificateTemplate.objects.filter(school=demo):
        url = reverse(
            "wagtailsnippets_lms_certificates_certificatetemplate:edit",
            args=[template.pk],
        )
        assert client.get(url).status_code in (302, 403, 404)

    # The superuser's account: no view or bulk action reaches it.
    for name in ("edit", "delete", "history", "usage"):
        url = reverse(f"wagtailusers_users:{name}", args=[admin.pk])
        assert client.get(url).status_code in (302, 403, 404), name
    bulk = reverse(
        "wagtail_bulk_action", args=["lms_people", "user", "set_active_state"]
    )
    client.post(f"{bulk}?id={admin.pk}&next=/admin/", {"mark_as_active": "False"})
    client.post(f"{bulk}?id=all&next=/admin/", {"mark_as_active": "False"})
    role = reverse("wagtail_bulk_action", args=["lms_people", "user", "assign_role"])
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderators")
    client.post(f"{role}?id={admin.pk}&next=/admin/", {"role": group.pk})
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser
    assert not admin.groups.filter(name="Moderators").exists()
    assert User.objects.get(username="officer").is_active
    assert User.objects.get(username="schooladmin").is_active


def test_demo_parent_follows_the_demo_student(client, seeded):
    from courses.selectors import learning_of_children
    from lms.people.models import Consent

    parent = User.objects.get(username="parent")
    student = User.objects.get(username="student")
    guardian = parent.guardian_contact
    assert guardian.full_name == "Nguyễn Văn Hùng"
    assert list(guardian.children.all()) == [student]
    consent = Consent.objects.get(guardian=guardian)
    assert consent.learner == student
    assert consent.given_by == Consent.GivenBy.PARENT
    assert not parent.memberships.exists()
    assert not (parent.is_staff or parent.is_superuser or parent.groups.exists())
    [learning] = learning_of_children(parent=parent)
    assert learning.child == student and learning.completed
    client.force_login(parent)
    html = client.get(reverse("lms_courses:my_learning")).content.decode()
    assert "Nguyễn Thị Ánh Tuyết" in html
    assert "Tải PDF" in html

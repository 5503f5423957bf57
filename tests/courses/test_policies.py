"""Content belongs to someone: each school writes only in its own catalogues,
every school uses the Department library, and powers lapse with the year."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from courses import policies
from courses.models import ClassAssignment, CourseIndexPage, CoursePage
from lms.people.models import Role
from lms.people.roles import content_author_group_name, school_admin_group_name
from lms.people.services import role_groups_sync_all
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _admin_of(school, username, school_year=None):
    admin = UserFactory(username=username)
    MembershipFactory(
        user=admin,
        role=Role.SCHOOL_ADMIN,
        school=school,
        school_class=None,
        school_year=school_year or SchoolYearFactory(),
    )
    return admin


@pytest.fixture
def world(site_root):
    school_a = SchoolFactory(code="TRUONGA")
    school_b = SchoolFactory(code="TRUONGB", department=school_a.department)
    catalogue_a = CourseIndexPageFactory(
        parent=site_root, slug="truong-a", school=school_a
    )
    library = CourseIndexPageFactory(parent=site_root, slug="thu-vien", school=None)
    return {
        "school_a": school_a,
        "school_b": school_b,
        "catalogue_a": catalogue_a,
        "library": library,
        "course_a": CoursePageFactory(parent=catalogue_a, title="Khóa của A"),
        "library_course": CoursePageFactory(parent=library, title="Khóa chung"),
        "admin_a": _admin_of(school_a, "qta"),
        "admin_b": _admin_of(school_b, "qtb"),
    }


def test_a_new_school_gets_its_admin_group(db):
    school = SchoolFactory(code="MOI")
    assert Group.objects.filter(name=school_admin_group_name(school)).exists()


def test_a_catalogue_grants_page_rights_to_its_owner_and_the_officers_only(world):
    groups = set(
        GroupPagePermission.objects.filter(page=world["catalogue_a"]).values_list(
            "group__name", flat=True
        )
    )
    assert groups == {
        school_admin_group_name(world["school_a"]),
        content_author_group_name(world["school_a"]),
        "LMS – Cán bộ Sở",
    }
    library_groups = set(
        GroupPagePermission.objects.filter(page=world["library"]).values_list(
            "group__name", flat=True
        )
    )
    assert library_groups == {"LMS – Cán bộ Sở"}


def test_school_admins_join_their_school_group(world):
    assert (
        world["admin_a"]
        .groups.filter(name=school_admin_group_name(world["school_a"]))
        .exists()
    )
    assert (
        not world["admin_b"]
        .groups.filter(name=school_admin_group_name(world["school_a"]))
        .exists()
    )


def test_own_school_admin_may_edit_their_course_in_the_page_editor(client, world):
    client.force_login(world["admin_a"])
    url = reverse("wagtailadmin_pages:edit", args=[world["course_a"].pk])
    assert client.get(url).status_code == 200


def test_other_school_admin_cannot_edit_publish_delete_move_or_copy(client, world):
    course = world["course_a"]
    client.force_login(world["admin_b"])
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert client.get(edit).status_code != 200
    client.post(
        edit,
        {"title": "Đổi tên", "slug": course.slug, "action-publish": "1"},
    )
    client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))
    client.post(
        reverse(
            "wagtailadmin_pages:move_confirm",
            args=[course.pk, world["library"].pk],
        )
    )
    client.post(
        reverse("wagtailadmin_pages:copy", args=[course.pk]),
        {
            "new_title": "Bản sao",
            "new_slug": "ban-sao",
            "new_parent_page": world["catalogue_a"].pk,
            "publish_copies": "on",
        },
    )
    add = reverse(
        "wagtailadmin_pages:add",
        args=["lms_courses", "coursepage", world["catalogue_a"].pk],
    )
    assert client.get(add).status_code != 200
    course = CoursePage.objects.get(pk=course.pk)
    assert course.title == "Khóa của A"
    assert course.get_parent().pk == world["catalogue_a"].pk
    assert not Page.objects.filter(slug="ban-sao").exists()


def test_library_courses_are_usable_by_every_school_but_not_editable(client, world):
    admin_b, course = world["admin_b"], world["library_course"]
    assert policies.may_use_course(user=admin_b, course=course)
    assert not policies.may_edit_course(user=admin_b, course=course)
    assert course.pk in policies.courses_usable_by(user=admin_b).values_list(
        "pk", flat=True
    )
    assert course.pk not in policies.courses_editable_by(user=admin_b).values_list(
        "pk", flat=True
    )
    client.force_login(admin_b)
    assert (
        client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code
        != 200
    )
    own_class = SchoolClassFactory(school=world["school_b"])
    url = reverse("lms_courses_assign", args=[course.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"classes": [own_class.pk]}).status_code == 302
    assert ClassAssignment.objects.filter(course=course, school_class=own_class)


def test_another_schools_course_cannot_be_assigned(client, world):
    course = world["course_a"]
    class_b = SchoolClassFactory(school=world["school_b"])
    assert not policies.may_assign_course(user=world["admin_b"], course=course)
    client.force_login(world["admin_b"])
    url = reverse("lms_courses_assign", args=[course.pk])
    client.post(url, {"classes": [class_b.pk]})
    assert not ClassAssignment.objects.exists()


def test_assignment_needs_the_power_in_the_class_school_year(client, world):
    last_year = SchoolYearFactory(
        name="2019-2020",
        starts_on=datetime.date(2019, 9, 5),
        ends_on=datetime.date(2020, 5, 31),
    )
    lapsed = _admin_of(world["school_b"], "cu", school_year=last_year)
    old_class = SchoolClassFactory(school=world["school_b"], school_year=last_year)
    course = world["library_course"]
    assert not policies.may_assign_course(user=lapsed, course=course)
    # A current admin cannot pick a class of an ended year either.
    assert old_class not in policies.classes_assignable(
        user=world["admin_b"], course=course
    )
    client.force_login(lapsed)
    client.post(
        reverse("lms_courses_assign", args=[course.pk]), {"classes": [old_class.pk]}
    )
    assert not ClassAssignment.objects.exists()


def test_lapsed_admin_loses_page_rights_after_the_daily_sync(client, world):
    admin_a = world["admin_a"]
    group_name = school_admin_group_name(world["school_a"])
    year = admin_a.memberships.get().school_year
    role_groups_sync_all(today=year.ends_on + datetime.timedelta(days=1))
    assert not admin_a.groups.filter(name=group_name).exists()
    # The role group stays: a lapsed role still reads its own year's records.
    assert admin_a.groups.filter(name="LMS – Quản trị trường").exists()
    client.force_login(UserFactory(username="khac"))  # any sign-in: no resync here
    client.force_login(admin_a)
    # Back in the year: the sign-in puts them back into their groups.
    assert admin_a.groups.filter(name=group_name).exists()


def test_sign_in_drops_groups_of_an_ended_year(client, world):
    last_year = SchoolYearFactory(
        name="2019-2020",
        starts_on=datetime.date(2019, 9, 5),
        ends_on=datetime.date(2020, 5, 31),
    )
    lapsed = _admin_of(world["school_a"], "cu", school_year=last_year)
    group = Group.objects.get(name=school_admin_group_name(world["school_a"]))
    lapsed.groups.add(group)  # as left over from last year
    client.force_login(lapsed)
    assert not lapsed.groups.filter(pk=group.pk).exists()
    edit = reverse("wagtailadmin_pages:edit", args=[world["course_a"].pk])
    assert client.get(edit).status_code != 200


def test_sync_role_groups_command(world, capsys):
    group = Group.objects.get(name=school_admin_group_name(world["school_a"]))
    world["admin_b"].groups.add(group)
    call_command("sync_role_groups")
    assert not world["admin_b"].groups.filter(pk=group.pk).exists()
    assert world["admin_a"].groups.filter(pk=group.pk).exists()
    assert "removed: 1" in capsys.readouterr().out


def test_catalogue_owner_choices_are_the_schools_one_manages(world):
    from courses.models import CatalogueForm

    form_class = CourseIndexPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, CatalogueForm)
    form = form_class(
        instance=world["catalogue_a"],
        for_user=world["admin_a"],
        parent_page=world["catalogue_a"].get_parent(),
    )
    assert list(form.fields["school"].queryset) == [world["school_a"]]
    assert form.fields["school"].required
    officer = UserFactory(username="so")
    MembershipFactory(
        user=officer,
        role=Role.DEPARTMENT_OFFICER,
        school=None,
        school_class=None,
        department=world["school_a"].department,
    )
    form = form_class(
        instance=world["library"],
        for_user=officer,
        parent_page=world["library"].get_parent(),
    )
    assert not form.fields["school"].required
    assert set(form.fields["school"].queryset) == {
        world["school_a"],
        world["school_b"],
    }


def test_changing_a_catalogue_owner_moves_its_page_rights(world):
    catalogue = world["catalogue_a"]
    catalogue.school = world["school_b"]
    catalogue.save()
    names = set(
        GroupPagePermission.objects.filter(page=catalogue).values_list(
            "group__name", flat=True
        )
    )
    assert school_admin_group_name(world["school_a"]) not in names
    assert school_admin_group_name(world["school_b"]) in names

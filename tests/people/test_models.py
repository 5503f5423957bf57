import unicodedata

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lms.people.models import Membership, Role, User
from lms.people.roles import ROLE_GROUPS
from lms.people.services import membership_ensure, user_create
from tests.people.factories import (
    DepartmentFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
)

pytestmark = pytest.mark.django_db


def test_name_typed_decomposed_is_stored_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị Ánh Tuyết ")
    user = user_create(username="tuyet", full_name=nfd, password="x-Strong-pass-1")
    stored = User.objects.values_list("lms_profile__full_name", flat=True).get(
        pk=user.pk
    )
    assert stored == "Nguyễn Thị Ánh Tuyết"
    assert unicodedata.is_normalized("NFC", stored)


def test_name_is_searchable_without_diacritics():
    user_create(username="huy", full_name="Đặng Gia Huy")
    assert (
        User.objects.filter(lms_profile__search_name__contains="dang gia").count() == 1
    )


def test_users_are_listed_by_given_name():
    for i, name in enumerate(["Trần Văn Bình", "Nguyễn Thị An", "Lê Anh"]):
        user_create(username=f"u{i}", full_name=name)
    assert list(User.objects.values_list("lms_profile__full_name", flat=True)) == [
        "Nguyễn Thị An",
        "Lê Anh",
        "Trần Văn Bình",
    ]


def test_email_is_optional():
    user = user_create(username="no-mail", full_name="Lê Văn Tám")
    assert user.email == ""


def test_role_groups_exist_with_admin_access_for_staff():
    for role, name in ROLE_GROUPS.items():
        group = Group.objects.get(name=name)
        has_admin = group.permissions.filter(codename="access_admin").exists()
        assert has_admin == (role not in {Role.STUDENT, Role.COLLABORATOR})


def test_memberships_keep_groups_in_step_with_roles():
    school_class = SchoolClassFactory()
    user = user_create(username="gv", full_name="Phan Văn Thành")
    membership = membership_ensure(
        user=user,
        role=Role.HOMEROOM_TEACHER,
        school_class=school_class,
        school_year=school_class.school_year,
    )
    assert set(user.groups.values_list("name", flat=True)) == {
        ROLE_GROUPS[Role.HOMEROOM_TEACHER]
    }
    assert user.has_perm("wagtailadmin.access_admin")
    membership.delete()
    assert not User.objects.get(pk=user.pk).groups.exists()


def test_membership_ensure_is_idempotent_and_moves_students():
    year = SchoolYearFactory()
    school = SchoolFactory()
    c1 = SchoolClassFactory(school=school, school_year=year, name="10A1")
    c2 = SchoolClassFactory(school=school, school_year=year, name="10A2")
    user = user_create(username="hs", full_name="Lý Bảo Ngọc")
    for _ in range(2):
        membership_ensure(
            user=user, role=Role.STUDENT, school_class=c1, school_year=year
        )
    assert Membership.objects.filter(user=user).count() == 1
    membership_ensure(user=user, role=Role.STUDENT, school_class=c2, school_year=year)
    assert Membership.objects.get(user=user).school_class == c2


def test_class_roles_need_a_class():
    school = SchoolFactory()
    membership = Membership(
        user=user_create(username="x", full_name="X Y"),
        role=Role.STUDENT,
        school=school,
        school_year=SchoolYearFactory(),
    )
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    assert "school_class" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_officer_belongs_to_a_department_not_a_school():
    membership = Membership(
        user=user_create(username="o", full_name="Cán Bộ"),
        role=Role.DEPARTMENT_OFFICER,
        school_year=SchoolYearFactory(),
        school=SchoolFactory(),
        department=DepartmentFactory(),
    )
    with pytest.raises(ValidationError):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_class_of_another_school_is_refused():
    school_class = SchoolClassFactory()
    membership = MembershipFactory.build(
        user=user_create(username="z", full_name="Z"),
        school_class=school_class,
        school=SchoolFactory(code="OTHER"),
        school_year=school_class.school_year,
    )
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    assert "school_class" in excinfo.value.message_dict


def test_class_names_are_unique_per_school_and_year():
    c = SchoolClassFactory(name="10a1")
    assert c.name == "10A1" and c.grade == 10
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolClassFactory(name="10A1", school=c.school, school_year=c.school_year)


def test_school_year_name_must_be_consecutive_years():
    year = SchoolYearFactory.build(name="2023-2025")
    with pytest.raises(ValidationError):
        year.full_clean()

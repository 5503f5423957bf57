import datetime

import factory
from django.contrib.auth import get_user_model

from lms.people.models import (
    Department,
    Guardian,
    GuardianChild,
    Membership,
    PersonProfile,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from lms.people.profiles import PROFILE_FIELDS, profile_update


def _profile_kwargs(kwargs: dict) -> dict:
    return {name: kwargs.pop(name) for name in PROFILE_FIELDS if name in kwargs}


class UserFactory(factory.django.DjangoModelFactory):
    """A user of the site's user model; person fields go to its LMS profile.

    Accepts full_name=, phone=, student_code=, birth_date= and
    must_change_password= as if they were the user's own fields.
    """

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Số {n}")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        profile = _profile_kwargs(kwargs)
        user = super()._build(model_class, *args, **kwargs)
        user.lms_profile = PersonProfile(user=user, **profile)
        return user

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        profile = _profile_kwargs(kwargs)
        manager = cls._get_manager(model_class)
        username = kwargs.pop("username")
        user, created = manager.get_or_create(username=username, defaults=kwargs)
        if created:
            profile_update(user=user, **profile)
        return user

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or "pw-test-123")
        if create:
            user.save(update_fields=["password"])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Sở Giáo dục và Đào tạo số {n}")
    code = factory.Sequence(lambda n: f"so-{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("code",)

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Trường THPT Số {n}")
    code = factory.Sequence(lambda n: f"S{n:03d}")


def current_school_year_name(today: datetime.date | None = None) -> str:
    """The school year that is open on `today`.

    Factory years run 5 September to 31 May; from June the coming year counts,
    so powers held in the factory's year never lapse in the summer.
    """
    today = today or datetime.date.today()
    first = today.year if today.month >= 6 else today.year - 1
    return f"{first}-{first + 1}"


def previous_school_year_name(year) -> str:
    """The name of the school year before `year` ("2025-2026" -> "2024-2025")."""
    first = int(year.name[:4])
    return f"{first - 1}-{first}"


CURRENT_YEAR = current_school_year_name()


class SchoolYearFactory(factory.django.DjangoModelFactory):
    """The current school year unless told otherwise: powers need an open year."""

    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = CURRENT_YEAR
    starts_on = factory.LazyAttribute(lambda o: datetime.date(int(o.name[:4]), 9, 5))
    ends_on = factory.LazyAttribute(lambda o: datetime.date(int(o.name[:4]) + 1, 5, 31))


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    name = factory.Sequence(lambda n: f"10A{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.STUDENT
    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.LazyAttribute(
        lambda o: o.school_class.school if o.school_class else None
    )
    school_year = factory.LazyAttribute(
        lambda o: o.school_class.school_year if o.school_class else SchoolYearFactory()
    )


def school_staff(username, role, school, school_year, **extra):
    """A user holding `role` at `school` (no class) in `school_year`."""
    user = UserFactory(username=username)
    MembershipFactory(
        user=user,
        role=role,
        school=school,
        school_class=None,
        school_year=school_year,
        **extra,
    )
    return user


def during(year):
    """Freeze time in the middle of school `year` (10 March of its second
    calendar year): what a learner does then belongs to that year."""
    from freezegun import freeze_time

    return freeze_time(
        datetime.datetime(year.starts_on.year + 1, 3, 10, 9, 0, tzinfo=datetime.UTC)
    )


class GuardianFactory(factory.django.DjangoModelFactory):
    """A parent contact of the school; pass children=[...] to link them."""

    class Meta:
        model = Guardian
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị Phụ Huynh {n}")
    phone = "0912345678"
    email = factory.Sequence(lambda n: f"phuhuynh{n}@example.com")

    @factory.post_generation
    def children(guardian, create, extracted, **kwargs):
        for child in extracted or ():
            GuardianChild.objects.create(guardian=guardian, learner=child)

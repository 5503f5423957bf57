import pytest
from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from lms.people.models import Role
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import MembershipFactory, SchoolClassFactory, UserFactory


@pytest.fixture
def site_root(db):
    # Transactional tests flush the tables, taking Wagtail's migrated locale,
    # root page and default site with them; recreate them when missing.
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.get_children().first()
    if home is None:
        home = root.add_child(title="Trang chủ", slug="home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def catalogue(site_root):
    return CourseIndexPageFactory(parent=site_root)


@pytest.fixture
def make_course(catalogue):
    def make(lessons=3, optional=(), **kwargs):
        course = CoursePageFactory(parent=catalogue, **kwargs)
        pages = [
            LessonPageFactory(parent=course, required=index not in optional)
            for index in range(lessons)
        ]
        return course, pages

    return make


@pytest.fixture
def school_class(db):
    return SchoolClassFactory(name="10A1")


@pytest.fixture
def make_learner(school_class):
    def make(username="hs", role=Role.STUDENT, school_class_=None, **kwargs):
        user = UserFactory(username=username, **kwargs)
        target = school_class_ or school_class
        if role in (Role.STUDENT, Role.HOMEROOM_TEACHER):
            MembershipFactory(user=user, role=role, school_class=target)
        else:
            MembershipFactory(
                user=user,
                role=role,
                school=target.school,
                school_class=None,
                school_year=target.school_year,
            )
        return user

    return make


@pytest.fixture
def student(make_learner):
    return make_learner()


@pytest.fixture
def two_years(school_class):
    """(last school year, this school year): recertification tests."""
    from tests.people.factories import SchoolYearFactory, previous_school_year_name

    this_year = school_class.school_year
    last_year = SchoolYearFactory(name=previous_school_year_name(this_year))
    return last_year, this_year


@pytest.fixture
def yearly_learner(student, school_class, two_years):
    """A student in 9A1 last year and in this year's 10A1 now."""
    last_year, _this_year = two_years
    MembershipFactory(
        user=student,
        role=Role.STUDENT,
        school_class=SchoolClassFactory(
            school=school_class.school, school_year=last_year, name="9A1"
        ),
    )
    return student


@pytest.fixture
def completed_each_year(make_course, yearly_learner, two_years):
    """A yearly course completed in both school years and a once-only course
    completed once, by `yearly_learner`: (yearly, once)."""
    from courses.models import CourseCompletion

    yearly, _ = make_course(lessons=1, required_every_year=True)
    once, _ = make_course(lessons=1)
    for year in two_years:
        CourseCompletion.objects.create(
            user=yearly_learner,
            course=yearly,
            course_title="x",
            school_year=year,
            cycle=year.pk,
        )
    CourseCompletion.objects.create(user=yearly_learner, course=once, course_title="y")
    return yearly, once

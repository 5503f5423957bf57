import pytest

from courses.services import course_open, lesson_complete
from tests.certificates.factories import (
    CertificateTemplateFactory,
    CourseCertificateSettingFactory,
)
from tests.courses.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    make_course,
    make_learner,
    school_class,
    site_root,
    student,
    two_years,
    yearly_learner,
)

NAME = "Nguyễn Thị Ánh Tuyết"


@pytest.fixture
def template(db):
    return CertificateTemplateFactory()


@pytest.fixture
def certified_course(make_course, template):  # noqa: F811
    """A two-lesson student course that issues certificates automatically."""
    course, lessons = make_course(lessons=2)
    CourseCertificateSettingFactory(course=course, template=template)
    return course, lessons


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Complete a course, running what waits for the commit (the signal)."""

    def run(user, course, lessons):
        with django_capture_on_commit_callbacks(execute=True):
            course_open(user=user, course=course)
            for lesson in lessons:
                lesson_complete(user=user, lesson=lesson, course=course)

    return run


@pytest.fixture
def tuyet(make_learner):  # noqa: F811
    return make_learner(username="tuyet", full_name=NAME, email="tuyet@example.edu.vn")

"""A roster import and a course assignment on the same classes, at once (PostgreSQL).

The import moves students between the classes and adds new ones (recounting
each person's groups as it goes); the assignment enrols every student of the
classes (recounting all of them at once). Both lock people and groups; both
must succeed, and the summary must equal the live count.
"""

import pytest

from courses.services import course_assign_to_classes
from lms.people.models import Role
from lms.people.roster import roster_import
from lms.reports.selectors import ReportFilters
from lms.reports.summary import summary_rebuild
from tests.courses.conftest import catalogue, make_course, site_root  # noqa: F401
from tests.people.factories import MembershipFactory, SchoolClassFactory, UserFactory
from tests.people.roster_files import csv_bytes

from .test_summary import assert_summary_equals_live
from .test_summary_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_import_and_an_assignment_on_the_same_classes_both_succeed(make_course):  # noqa: F811
    summary_rebuild()
    first = SchoolClassFactory(name="10A1")
    second = SchoolClassFactory(
        name="10A2", school=first.school, school_year=first.school_year
    )
    classes = [first, second]
    for index in range(8):
        student = UserFactory(
            username=f"hs{index}",
            full_name=f"Học Sinh {index}",
            student_code=f"HS{index:03d}",
        )
        MembershipFactory(
            user=student, role=Role.STUDENT, school_class=classes[index % 2]
        )

    def class_list(round_: int) -> bytes:
        """Everyone changes class each round; the file is not in pk order."""
        rows = [
            f"Học Sinh {index},HS{index:03d},{classes[(index + 1 + round_) % 2].name}"
            for index in reversed(range(8))
        ]
        rows += [
            f"Học Sinh Mới {index},HSM{index},{classes[(index + round_) % 2].name}"
            for index in range(4)
        ]
        return csv_bytes(["Họ và tên,Mã học sinh,Lớp", *rows])

    for round_ in range(2):
        course, _lessons = make_course(lessons=1, title=f"Khóa {round_}")
        data = class_list(round_)
        errors = run_at_once(
            [
                lambda data=data: roster_import(
                    data=data,
                    filename="lop.csv",
                    school=first.school,
                    school_year=first.school_year,
                    create_classes=False,
                    dry_run=False,
                ),
                lambda course=course: course_assign_to_classes(
                    course=course, classes=classes, assigned_by=None
                ),
            ]
        )
        assert errors == []
    root = UserFactory(username="root", is_superuser=True)
    assert_summary_equals_live(root, ReportFilters())

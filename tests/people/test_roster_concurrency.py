"""Two simultaneous imports of one list create each person once (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from lms.people.models import Membership, User
from lms.people.roster import roster_import
from tests.people.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory
from tests.people.roster_files import class_list

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_imports_of_one_list_create_each_person_once():
    year = SchoolYearFactory()
    school = SchoolFactory(code="DONGTHOI")
    for name in ("10A1", "10A2"):
        SchoolClassFactory(school=school, school_year=year, name=name)
    data = class_list()
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def worker():
        try:
            barrier.wait()
            reports.append(
                roster_import(
                    data=data,
                    filename="lop.xlsx",
                    school=school,
                    school_year=year,
                    create_classes=False,
                    dry_run=False,
                )
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(report.created) for report in reports) == [0, 3]
    assert (
        User.objects.filter(lms_profile__student_code__startswith="HS00").count() == 3
    )
    assert Membership.objects.filter(school=school).count() == 3

"""Background roster jobs running side by side on the same people (PostgreSQL).

A job locks its own row, then the import locks the school and the people in
ascending order: two jobs into two schools that share teachers, naming them
in opposite orders, both finish, neither is aborted nor left waiting.
"""

import threading

import pytest
from django.db import connection

from lms.people.models import Role, RosterImportJob, User
from lms.people.profiles import profile_of
from lms.people.roster import jobs
from tests.people.factories import (
    MembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.people.roster_files import csv_bytes
from tests.people.test_roster_deadlock import meet_after_first_write

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEADER = "Họ và tên,Mã cán bộ,Email,Vai trò,Lớp"


def test_two_jobs_sharing_people_in_opposite_order_both_finish(monkeypatch):
    year = SchoolYearFactory()
    schools = [SchoolFactory(code="BACHDANG"), SchoolFactory(code="CHILANG")]
    teachers = [
        UserFactory(username="gv01", full_name="Phan Văn Thành", student_code="GV01"),
        UserFactory(username="gv02", full_name="Lý Văn Sơn", student_code="GV02"),
    ]
    for school in schools:
        for teacher in teachers:
            MembershipFactory(
                user=teacher, role=Role.TEACHER, school=school, school_class=None,
                school_year=year,
            )  # fmt: skip
    files = [
        ["Phan Văn Thành Một,GV01,,Giáo viên,", "Lý Văn Sơn Một,GV02,,Giáo viên,"],
        ["Lý Văn Sơn Hai,GV02,,Giáo viên,", "Phan Văn Thành Hai,GV01,,Giáo viên,"],
    ]
    job_ids = [
        RosterImportJob.objects.create(
            school=school, school_year=year, filename="gv.csv",
            data=csv_bytes([HEADER, *rows]), rows=2,
        ).pk
        for school, rows in zip(schools, files, strict=True)
    ]  # fmt: skip

    # Each job pauses after its first write until the other has written too
    # (or 2 s have passed: with the lock order the second one is waiting).
    meet_after_first_write(monkeypatch)
    errors = []

    def worker(job_id):
        try:
            jobs.job_run(job_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(pk,)) for pk in job_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    finished = RosterImportJob.objects.filter(pk__in=job_ids)
    assert [job.status for job in finished] == [RosterImportJob.Status.DONE] * 2
    assert [job.outcome["updated"] for job in finished] == [2, 2]
    names = {
        profile_of(User.objects.get(pk=teacher.pk)).full_name for teacher in teachers
    }
    assert names in (
        {"Phan Văn Thành Một", "Lý Văn Sơn Một"},
        {"Phan Văn Thành Hai", "Lý Văn Sơn Hai"},
    )


def test_a_job_run_twice_at_once_imports_once():
    year = SchoolYearFactory()
    school = SchoolFactory(code="HOASEN")
    job = RosterImportJob.objects.create(
        school=school, school_year=year, filename="gv.csv", rows=2,
        data=csv_bytes([HEADER, "Phạm Thu Hà,GV01,,Giáo viên,",
                        "Đỗ Minh Tâm,GV02,,Giáo viên,"]),
    )  # fmt: skip
    errors = []

    def worker():
        try:
            jobs.job_run(job.pk)
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
    job.refresh_from_db()
    assert (job.status, job.outcome["created"]) == (RosterImportJob.Status.DONE, 2)
    assert (
        User.objects.filter(lms_profile__student_code__in=["GV01", "GV02"]).count() == 2
    )

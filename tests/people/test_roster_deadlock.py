"""Overlapping imports that touch the same people both succeed (PostgreSQL).

Two schools share two teachers; each school's staff list names them in the
opposite order. Without a lock order, each import would hold one teacher's
row and wait for the other's: a deadlock, one import aborted.
"""

import threading

import pytest
from django.db import connection

from lms.people.models import Role, User
from lms.people.profiles import profile_of
from lms.people.roster import importing
from tests.people.factories import (
    MembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from tests.people.roster_files import csv_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEADER = "Họ và tên,Mã cán bộ,Email,Vai trò,Lớp"


def staff_list(*rows: str) -> bytes:
    return csv_bytes([HEADER, *rows])


def meet_after_first_write(monkeypatch) -> None:
    """Each importing thread stops after its first profile write until the
    other thread has written too (or 2 s have passed)."""
    barrier = threading.Barrier(2, timeout=2)
    local = threading.local()
    real_update = importing.profile_update

    def update_then_meet(**kwargs):
        profile = real_update(**kwargs)
        if not getattr(local, "met", False):
            local.met = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return profile

    monkeypatch.setattr(importing, "profile_update", update_then_meet)


def without_lock_order(monkeypatch):
    """Leave only the retry: the imports lock people in file order."""
    real_plan = importing._entries_plan

    def plan(*args, lock=False, **kwargs):
        return real_plan(*args, lock=False, **kwargs)

    monkeypatch.setattr(importing, "_entries_plan", plan)


@pytest.mark.parametrize(
    "defence", ["lock order", "retry of the deadlock victim"], ids=["order", "retry"]
)
def test_two_imports_sharing_people_in_opposite_order_both_succeed(
    monkeypatch, caplog, defence
):
    if defence != "lock order":
        without_lock_order(monkeypatch)
    year = SchoolYearFactory()
    schools = [SchoolFactory(code="BACHDANG"), SchoolFactory(code="CHILANG")]
    teachers = [
        UserFactory(username="gv01", full_name="Phan Văn Thành", student_code="GV01"),
        UserFactory(username="gv02", full_name="Lý Văn Sơn", student_code="GV02"),
    ]
    for school in schools:
        for teacher in teachers:
            MembershipFactory(
                user=teacher,
                role=Role.TEACHER,
                school=school,
                school_class=None,
                school_year=year,
            )
    files = [
        staff_list(
            "Phan Văn Thành Một,GV01,,Giáo viên,", "Lý Văn Sơn Một,GV02,,Giáo viên,"
        ),
        staff_list(
            "Lý Văn Sơn Hai,GV02,,Giáo viên,", "Phan Văn Thành Hai,GV01,,Giáo viên,"
        ),
    ]

    # Each import stops after its first write until the other has made its
    # own (or 2 s have passed: with a lock order, the second one waits on
    # the first before writing anything).
    meet_after_first_write(monkeypatch)
    reports, errors = [], []

    def worker(school, data):
        try:
            reports.append(
                importing.roster_import(
                    data=data,
                    filename="gv.csv",
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

    threads = [
        threading.Thread(target=worker, args=pair)
        for pair in zip(schools, files, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Without the lock order, PostgreSQL did abort one of them.
    assert ("lock conflict" in caplog.text) is (defence != "lock order")
    assert [len(report.updated) for report in reports] == [2, 2]
    names = {
        profile_of(User.objects.get(pk=teacher.pk)).full_name for teacher in teachers
    }
    # Whichever import came second wrote both names.
    assert names in (
        {"Phan Văn Thành Một", "Lý Văn Sơn Một"},
        {"Phan Văn Thành Hai", "Lý Văn Sơn Hai"},
    )

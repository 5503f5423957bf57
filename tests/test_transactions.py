"""atomic_retrying_once: a deadlock victim runs once more, from the start."""

import pytest
from django.db import OperationalError, transaction

from lms.people.models import School
from lms.transactions import atomic_retrying_once
from tests.people.factories import SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


class _Deadlock(Exception):
    pgcode = "40P01"  # what psycopg2 sets on DeadlockDetected


def deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _Deadlock()
    return error


def renamer(failures: list[Exception]):
    calls = []

    @atomic_retrying_once
    def rename(school):
        calls.append(1)
        School.objects.filter(pk=school.pk).update(name=f"Lần {len(calls)}")
        if failures:
            raise failures.pop(0)
        return len(calls)

    return rename, calls


def test_a_deadlocked_transaction_is_rolled_back_and_run_again():
    school = SchoolFactory(name="Trước")
    rename, calls = renamer([deadlock()])
    assert rename(school) == 2
    school.refresh_from_db()
    assert school.name == "Lần 2"


def test_a_second_deadlock_reaches_the_caller_with_nothing_written():
    school = SchoolFactory(name="Trước")
    rename, calls = renamer([deadlock(), deadlock()])
    with pytest.raises(OperationalError):
        rename(school)
    assert len(calls) == 2
    school.refresh_from_db()
    assert school.name == "Trước"


def test_other_errors_are_not_retried():
    school = SchoolFactory(name="Trước")
    rename, calls = renamer([OperationalError("disk full")])
    with pytest.raises(OperationalError):
        rename(school)
    assert len(calls) == 1


def test_inside_an_outer_transaction_the_deadlock_goes_to_the_caller():
    school = SchoolFactory(name="Trước")
    rename, calls = renamer([deadlock()])
    with pytest.raises(OperationalError), transaction.atomic():
        rename(school)
    assert len(calls) == 1

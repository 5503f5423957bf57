"""The ledger that judges the access suite by the requests it made."""

from types import SimpleNamespace

from .coverage import ACCESS, RequestLedger
from .test_requests import ACCESS_REQUESTS


def _report(nodeid, request=None, when="call"):
    properties = [("access_request", request)] if request else []
    return SimpleNamespace(nodeid=nodeid, when=when, user_properties=properties)


def test_an_access_test_that_made_no_request_is_reported():
    ledger = RequestLedger()
    ledger.logreport(_report(f"{ACCESS}[a-anonymous-GET]", "a|anonymous|GET"))
    ledger.logreport(_report(f"{ACCESS}[b-anonymous-GET]"))
    assert ledger.problems() == [f"{ACCESS}[b-anonymous-GET] made no request"]


def test_a_full_run_must_have_requested_every_case_and_relation():
    ledger = RequestLedger()
    keys = sorted(ACCESS_REQUESTS)
    for index, key in enumerate(keys):
        # The last test item requested the first case again, not its own.
        made = keys[0] if index == len(keys) - 1 else key
        ledger.logreport(_report(f"{ACCESS}[{index}]", made))
    assert ledger.problems() == [f"never requested: {keys[-1]}"]


def test_other_tests_are_not_counted():
    ledger = RequestLedger()
    ledger.logreport(_report("tests/quizzes/test_bank.py::test_x"))
    ledger.logreport(_report(f"{ACCESS}[a-anonymous-GET]", when="setup"))
    assert ledger.problems() == []

import pytest
from django.db import connection

from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def school_factory(db):
    return SchoolFactory


@pytest.fixture
def school_year_factory(db):
    return SchoolYearFactory


@pytest.fixture
def class_factory(db):
    return SchoolClassFactory


@pytest.fixture
def membership_factory(db):
    return MembershipFactory


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests when the suite runs on SQLite."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", is_superuser=True, is_staff=True)


@pytest.fixture
def axes_on(settings):
    """Sign-in throttling as in production (off elsewhere in the tests)."""
    settings.AXES_ENABLED = True


# The access suite's coverage is judged by the requests it made
# (tests/security/access/coverage.py); these hooks also run on the xdist
# controller, which receives every worker's reports.
def pytest_configure(config):
    from tests.security.access.coverage import RequestLedger

    config._access_ledger = RequestLedger()


def pytest_sessionstart(session):
    _LEDGER[:] = [session.config._access_ledger]


def pytest_runtest_logreport(report):
    for ledger in _LEDGER:
        ledger.logreport(report)


_LEDGER: list = []


def pytest_sessionfinish(session, exitstatus):
    problems = session.config._access_ledger.problems()
    if problems:
        print("\nAccess suite coverage by requests:\n  " + "\n  ".join(problems[:50]))
        session.exitstatus = 1

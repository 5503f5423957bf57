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


_SIGNING_KEY_POOL = []


@pytest.fixture(autouse=True, scope="session")
def _signing_key_pool():
    """Certificate signing keys from a small pool made once per test process:
    an RSA key takes a quarter of a second to make, and every test that
    issues a certificate makes a root, a time-stamping and a school key."""
    import threading
    from types import SimpleNamespace
    from unittest import mock

    from certificates import keystore, signing

    made = signing.new_private_key
    turn = iter(range(10**9))
    # Concurrency tests issue from several threads at once: the pool fills
    # under a lock, up to the key asked for.
    lock = threading.Lock()

    def pooled():
        with lock:
            index = next(turn) % 4
            while index >= len(_SIGNING_KEY_POOL):
                _SIGNING_KEY_POOL.append(made())
            return _SIGNING_KEY_POOL[index]

    # Unsealing re-checks an RSA key (a quarter of a second); the keys a test
    # sealed are handed back as they were (test_signing unseals for real).
    sealed_keys = {}

    def seal(key):
        sealed = keystore.seal(key)
        sealed_keys[sealed] = key
        return sealed

    def unseal(sealed):
        return sealed_keys.get(bytes(sealed)) or keystore.unseal(sealed)

    fast_keystore = SimpleNamespace(seal=seal, unseal=unseal)
    with (
        mock.patch.object(signing, "new_private_key", pooled),
        mock.patch.object(signing, "keystore", fast_keystore),
    ):
        yield


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


@pytest.fixture
def fresh_sqlcache():
    """No compiled SQL shape (lms.sqlcache) before or after the test."""
    from lms import sqlcache

    sqlcache.clear()
    yield
    sqlcache.clear()

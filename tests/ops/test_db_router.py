"""Report reads go to the optional read replica; everything else to default."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connections, router
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from lms.db_router import read_alias, reading_from_replica
from lms.people.models import School, User
from tests.people.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    """A replica configured; in tests it mirrors the test database (TEST MIRROR)."""
    settings.LMS_REPLICA_DATABASE = "replica"


@contextmanager
def capture():
    """The queries sent to each connection while the block runs."""
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections["replica"]) as replica_,
    ):
        yield {"default": default, "replica": replica_}


def test_reads_inside_reading_from_replica_go_to_the_replica(replica):
    SchoolFactory(code="HS")
    with capture() as queries, reading_from_replica():
        counts = list(School.objects.annotate(class_count=Count("classes")))
    assert [school.code for school in counts] == ["HS"]
    assert len(queries["replica"]) == 1
    assert len(queries["default"]) == 0


def test_writes_inside_reading_from_replica_go_to_default(replica):
    with capture() as queries, reading_from_replica():
        user = UserFactory(username="giaovien")
        user.lms_profile.full_name = "Phan Văn Thành"
        user.lms_profile.save()
    assert len(queries["replica"]) == 0
    written = " ".join(q["sql"] for q in queries["default"].captured_queries)
    assert "INSERT" in written and "UPDATE" in written


def test_an_object_read_from_the_replica_is_saved_to_default(replica):
    UserFactory(username="hs01")
    with capture() as queries:
        with reading_from_replica():
            user = User.objects.get(username="hs01")
        assert user._state.db == "replica"
        user.lms_profile.full_name = "Nguyễn Thị Ánh Tuyết"
        user.lms_profile.save()
        # Outside the context, related reads go to default again.
        list(user.memberships.all())
    assert len(queries["replica"]) == 1
    assert len(queries["default"]) == 3  # the profile read, its save, memberships
    assert (
        User.objects.get(username="hs01").lms_profile.full_name
        == "Nguyễn Thị Ánh Tuyết"
    )


def test_reads_outside_the_context_go_to_default(replica):
    with capture() as queries:
        list(School.objects.all())
    assert len(queries["default"]) == 1
    assert len(queries["replica"]) == 0


def test_the_decorator_form_routes_the_whole_call(replica):
    @reading_from_replica()
    def report():
        return School.objects.count()

    with capture() as queries:
        assert report() == 0
    assert len(queries["replica"]) == 1
    assert read_alias() == "default"


def test_without_a_replica_everything_uses_default():
    with capture() as queries, reading_from_replica():
        list(School.objects.all())
        assert read_alias() == "default"
    assert len(queries["default"]) == 1
    assert len(queries["replica"]) == 0


def test_another_thread_is_not_routed_by_this_threads_context(replica):
    seen = []
    with reading_from_replica():
        worker = threading.Thread(target=lambda: seen.append(read_alias()))
        worker.start()
        worker.join()
        assert read_alias() == "replica"
    assert seen == ["default"]


def test_only_default_is_ever_migrated(replica):
    assert router.allow_migrate("default", "lms_people")
    assert not router.allow_migrate("replica", "lms_people")

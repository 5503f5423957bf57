"""lms.sqlcache.cached_instances / cached_get: model instances (with their
select_related objects) made from SQL compiled once per shape, exactly as the
ORM makes them, or by the ORM itself. Run under PostgreSQL too
(DATABASE_URL, docs/testing.md)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Length
from django.utils import timezone

from lms import sqlcache
from lms.people.models import Guardian, PersonProfile
from tests.people.factories import GuardianFactory, MembershipFactory, UserFactory
from tests.sqlcache_support import compiles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sqlcache")]

User = get_user_model()


@pytest.fixture
def people():
    """A student with a profile, a parent with a guardian contact (and a
    school), and an account without profile."""
    student = MembershipFactory(user=UserFactory(username="hs1")).user
    school = student.memberships.get().school
    parent = UserFactory(username="ph1")
    GuardianFactory(school=school, user=parent, children=[student])
    bare = UserFactory(username="bare")
    PersonProfile.objects.filter(user=bare).delete()
    User.objects.filter(pk=student.pk).update(
        date_joined=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC),
        last_login=timezone.now(),
    )
    return {"student": student, "parent": parent, "bare": bare}


def _fields(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname not in obj.get_deferred_fields()
    }


def _same(cached, orm, seen=None) -> None:
    """`cached` is what the ORM made: class, fields and their types, the
    deferred fields, state, annotations and select_related objects."""
    seen = set() if seen is None else seen
    if id(orm) in seen:  # a related object's link back
        return
    seen.add(id(orm))
    assert type(cached) is type(orm)
    assert _fields(cached) == _fields(orm)
    for name, value in _fields(orm).items():
        assert type(getattr(cached, name)) is type(value), name
    assert cached.get_deferred_fields() == orm.get_deferred_fields()
    assert (cached._state.db, cached._state.adding) == (orm._state.db, False)
    assert cached._state.fields_cache.keys() == orm._state.fields_cache.keys()
    for name, related in orm._state.fields_cache.items():
        if related is None:
            assert cached._state.fields_cache[name] is None
        else:
            _same(cached._state.fields_cache[name], related, seen)
    extra = set(vars(orm)) - {"_state"} - set(_fields(orm))
    for name in extra:
        assert getattr(cached, name) == getattr(orm, name), name


def _users(values):
    return (
        User.objects.select_related("lms_profile", "guardian_contact__school")
        .filter(pk__in=values["ids"], username__startswith=values["start"])
        .annotate(name_length=Length("username"))
        .order_by("username")
    )


def test_instances_with_select_related_equal_the_orms(people):
    ids = [user.pk for user in people.values()]
    values = {"ids": ids, "start": ""}
    orm = list(_users(values))
    assert [u.username for u in orm] == ["bare", "hs1", "ph1"]
    first = sqlcache.cached_instances("users", _users, model=User, values=values)
    cached, compiled = compiles(
        lambda: sqlcache.cached_instances("users", _users, model=User, values=values)
    )
    assert compiled == 0
    for objects in (first, cached):
        assert len(objects) == len(orm)
        for one, other in zip(objects, orm, strict=True):
            _same(one, other)
    bare, student, parent = cached
    assert timezone.is_aware(student.date_joined)
    assert student.date_joined == datetime.datetime(
        2026, 3, 1, 23, 30, tzinfo=datetime.UTC
    )
    assert timezone.is_aware(student.last_login)
    assert student.name_length == 3
    with connection.execute_wrapper(_no_query):
        assert student.lms_profile.user is student
        assert (
            parent.guardian_contact.school.pk
            == student.memberships.model(
                school=parent.guardian_contact.school
            ).school_id
        )
        with pytest.raises(PersonProfile.DoesNotExist):
            bare.lms_profile  # noqa: B018 (known absent, no query)
        with pytest.raises(Guardian.DoesNotExist):
            student.guardian_contact  # noqa: B018


def _no_query(execute, sql, params, many, context):
    raise AssertionError(f"a query: {sql}")


def test_a_second_call_with_other_values_runs_one_query_and_compiles_nothing(
    people, django_assert_num_queries
):
    student, parent = people["student"], people["parent"]
    values = {"ids": [student.pk, parent.pk], "start": "h"}
    assert [
        u.pk
        for u in sqlcache.cached_instances("users", _users, model=User, values=values)
    ] == [student.pk]
    values = {"ids": [parent.pk, student.pk], "start": "p"}
    with django_assert_num_queries(1):
        again, compiled = compiles(
            lambda: sqlcache.cached_instances(
                "users", _users, model=User, values=values
            )
        )
    assert compiled == 0
    assert [u.pk for u in again] == [parent.pk]


def _only(values):
    return (
        User.objects.only("username", "lms_profile__full_name")
        .select_related("lms_profile")
        .filter(pk=values["pk"])
    )


def test_deferred_fields_stay_deferred(people):
    values = {"pk": people["student"].pk}
    orm = list(_only(values))
    sqlcache.cached_instances("only", _only, model=User, values=values)
    cached = sqlcache.cached_instances("only", _only, model=User, values=values)
    _same(cached[0], orm[0])
    assert "email" in cached[0].get_deferred_fields()
    assert "phone" in cached[0].lms_profile.get_deferred_fields()


def _by_pk(values):
    return User.objects.select_related("lms_profile", "guardian_contact").filter(
        pk=values["pk"]
    )


def _since(values):
    return User.objects.filter(
        date_joined__gte=values["since"], pk__in=values["ids"]
    ).order_by("pk")


def test_cached_get_answers_as_get_does(people, django_assert_num_queries):
    student = people["student"]
    orm = _by_pk({"pk": student.pk}).get()
    sqlcache.cached_get("by pk", _by_pk, model=User, values={"pk": student.pk})
    with django_assert_num_queries(1):
        cached, compiled = compiles(
            lambda: sqlcache.cached_get(
                "by pk", _by_pk, model=User, values={"pk": student.pk}
            )
        )
    assert compiled == 0
    _same(cached, orm)
    with pytest.raises(User.DoesNotExist) as cached_error:
        sqlcache.cached_get("by pk", _by_pk, model=User, values={"pk": 10**9})
    with pytest.raises(User.DoesNotExist) as orm_error:
        _by_pk({"pk": 10**9}).get()
    assert str(cached_error.value) == str(orm_error.value)
    since = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    values = {"since": since, "ids": [u.pk for u in people.values()]}
    with pytest.raises(User.MultipleObjectsReturned) as cached_error:
        sqlcache.cached_get("since", _since, model=User, values=values)
    with pytest.raises(User.MultipleObjectsReturned) as orm_error:
        _since(values).get()
    assert str(cached_error.value) == str(orm_error.value)
    assert "it returned 3" in str(cached_error.value)


def test_aware_datetimes_are_adapted_as_the_orm_does(people):
    ids = [u.pk for u in people.values()]
    for since in (
        datetime.datetime(2026, 3, 1, 23, 29, tzinfo=datetime.UTC),
        # The same instant in Hà Nội's time: 2 March, 06:31.
        datetime.datetime(
            2026, 3, 2, 6, 31, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
        ),
        timezone.now() + datetime.timedelta(days=1),
    ):
        values = {"since": since, "ids": ids}
        orm = list(_since(values))
        cached = sqlcache.cached_instances("since", _since, model=User, values=values)
        assert [u.pk for u in cached] == [u.pk for u in orm]
    assert sqlcache._shapes  # kept, not run through the ORM
    assert all(v is not sqlcache._UNCACHEABLE for v in sqlcache._shapes.values())
    with pytest.raises(TypeError):
        sqlcache.cached_instances(
            "since",
            _since,
            model=User,
            values={"since": datetime.datetime(2026, 1, 1), "ids": ids},
        )


def _prefetched(values):
    return User.objects.prefetch_related("memberships").filter(pk=values["pk"])


def _derived(values):
    return User.objects.filter(
        pk__gte=values["pk"] - 0 + 0 * 1, pk__lt=values["pk"] + 1
    )


def _counted(values):
    return User.objects.annotate(n=Count("memberships")).filter(n__gte=values["pk"])


def _values_list(values):
    return User.objects.filter(pk=values["pk"]).values_list("pk", flat=True)


@pytest.mark.parametrize("build", [_prefetched, _derived, _values_list])
def test_what_cannot_be_kept_runs_through_the_orm(people, build, caplog):
    values = {"pk": people["student"].pk}
    orm = list(build(values))
    cached = sqlcache.cached_instances(build.__name__, build, model=User, values=values)
    assert "run through the ORM" in caplog.text
    assert cached == orm
    again, compiled = compiles(
        lambda: sqlcache.cached_instances(
            build.__name__, build, model=User, values=values
        )
    )
    assert again == orm
    assert compiled > 0
    if build is _prefetched:
        with connection.execute_wrapper(_no_query):
            assert list(again[0].memberships.all()) == list(orm[0].memberships.all())


def test_an_annotation_filtered_on_an_input_is_kept_when_it_maps(people):
    # HAVING COUNT(...) >= %s: the parameter is the input itself.
    values = {"pk": 1}
    orm = list(_counted(values).order_by("pk"))
    cached = sqlcache.cached_instances(
        "counted", lambda v: _counted(v).order_by("pk"), model=User, values=values
    )
    assert [(u.pk, u.n) for u in cached] == [(u.pk, u.n) for u in orm]


def test_rows_and_instances_of_one_key_are_apart(people):
    pk = people["student"].pk
    assert sqlcache.cached_rows("k", _values_list, model=User, values={"pk": pk}) == [
        pk
    ]
    assert [
        u.pk
        for u in sqlcache.cached_instances("k", _by_pk, model=User, values={"pk": pk})
    ] == [pk]
    assert [
        u.pk
        for u in sqlcache.cached_instances("k", _by_pk, model=User, values={"pk": pk})
    ] == [pk]


def test_a_related_managers_queryset_runs_through_the_orm(people, caplog):
    # Its objects know their user (known_related_objects), set by Django.
    student = people["student"]
    membership = student.memberships.get()

    def build(values):
        return student.memberships.filter(pk__gte=values["pk"])

    values = {"pk": membership.pk}
    for _ in range(2):
        cached = sqlcache.cached_instances(
            "manager", build, model=type(membership), values=values
        )
        assert cached == [membership]
        assert cached[0].user is student
    assert "run through the ORM" in caplog.text


def _restricted(values):
    return User.objects.filter(pk__in=values["ids"]).order_by("username")


def test_a_cached_queryset_reads_cached_sql_and_its_clones_are_the_orms(
    people, django_assert_num_queries
):
    ids = [u.pk for u in people.values()]
    values = {"ids": ids}
    expected = list(_restricted(values))
    first = sqlcache.cached_queryset("qs", _restricted, model=User, values=values)
    assert list(first) == expected
    queryset = sqlcache.cached_queryset("qs", _restricted, model=User, values=values)
    with django_assert_num_queries(1):
        rows, compiled = compiles(lambda: list(queryset))
        assert list(queryset) == rows  # evaluated once
        assert bool(queryset) and len(queryset) == 3
    assert compiled == 0
    assert rows == expected
    for one, other in zip(rows, expected, strict=True):
        _same(one, other)
    fresh = sqlcache.cached_queryset("qs", _restricted, model=User, values=values)
    assert list(fresh.order_by("-username")) == expected[::-1]
    assert fresh.filter(username="hs1").exists()
    assert fresh.count() == 3
    assert isinstance(fresh, type(_restricted(values)))

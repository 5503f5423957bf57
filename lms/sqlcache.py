"""Compile a hot ORM query once per process and query shape, then reuse its SQL.

Building a queryset and compiling it to SQL costs far more Python than the
database spends running a small query. For a query a learner request runs
every time (the learner's state in courses.selectors), `cached_rows` keeps the
ORM as the one place that defines the query, but compiles it only once per
*shape*:

- `build(values)` makes the queryset from plain `values` (ints, strings,
  dates, or lists of them). The first call for a shape builds and compiles it
  twice with two sets of unique stand-in values, and keeps the SQL text with a
  template of its parameters: which parameter is which input, and how Django
  adapted it (a date as the backend wants it, a string escaped for LIKE with
  its `%`). Later calls only fill the template with the real values and run
  the SQL, reading rows as `values_list` would (the backend's converters).
- The shape is the caller's `key` (what changes the SQL besides the values,
  e.g. which step models exist), the database alias, and the length of each
  list. Only SQL text is kept, which depends on code and schema alone, so
  nothing needs invalidating.
- `cached_instances` and `cached_get` do the same for a queryset of model
  instances (`select_related`, `only`/`defer` and annotations included): the
  rows are turned into instances exactly as Django's ModelIterable does, with
  the columns, `klass_info` and related populators of the first compilation
  and the backend's converters of the connection at hand. Querysets Django
  post-processes (prefetch_related, objects known to a related manager,
  select_for_update, `specific()` and other iterables) always go through the
  ORM.
- On PostgreSQL (psycopg2) the kept SQL is also a prepared statement of
  each connection (`_statement`): PostgreSQL parses and plans a statement
  like the learner's state query (a UNION of a dozen parts) in more time
  than it runs it, on every call. The statement is prepared with the same
  parameter types the plain SQL's literals have, in the same round trip as
  its first EXECUTE, so no query is added. `DB_PREPARED_STATEMENTS=0`
  (`LMS_SQLCACHE_PREPARED_STATEMENTS`) turns it off: behind a pooler that
  hands a client another server connection mid-session (PgBouncer's
  transaction pooling), prepared statements are not where they were made.
- When the two compilations disagree (a value written into the SQL text, a
  parameter derived from an input, a value Django changed in a way this module
  does not know), the shape is marked and always goes through the plain ORM:
  the cache never sends parameters the ORM would not have sent.
"""

import datetime
import decimal
import logging
import re
import threading
import weakref
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, DataError, ProgrammingError, connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (
    MAX_GET_RESULTS,
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

logger = logging.getLogger(__name__)

# Kept SQL per process; more shapes than this means something varies that
# should not, so the oldest is dropped rather than growing for ever.
MAX_SHAPES = 512

_INT_BASES = (1_900_000_000, 1_950_000_000)  # inside a 32-bit integer column
# The real date and datetime classes, in a mapping: while a test freezes time,
# freezegun puts its fakes in their place on the datetime module and on every
# module attribute that holds one, and an input's kind must not depend on
# whether time was frozen when its shape was compiled.
_REAL = {"date": datetime.date, "datetime": datetime.datetime}
_DATE_BASES = (datetime.date(1111, 1, 1), datetime.date(1333, 1, 1))
_DATETIME_BASES = (
    datetime.datetime(1111, 1, 1, 1, 1, 1, 111111, tzinfo=datetime.UTC),
    datetime.datetime(1333, 3, 3, 3, 3, 3, 333333, tzinfo=datetime.UTC),
)


@dataclass(frozen=True)
class _Slot:
    """Where one parameter of the SQL comes from: a constant, or the input
    `name` (item `index` of a list) turned into a parameter by `kind`."""

    const: Any = None
    name: str | None = None
    index: int | None = None
    kind: str = ""  # "raw", "date", "datetime", "like" (escaped) or "text"
    prefix: str = ""
    suffix: str = ""
    input_type: type | None = None  # _kind_of the input, checked each call


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple[_Slot, ...]
    query: Any  # the compiled Query, to ask for the converters per connection
    fields: tuple  # the selected expressions, in order
    flat: bool
    instances: "_Instances | None" = None


@dataclass(frozen=True)
class _Instances:
    """How ModelIterable makes instances of this query's rows."""

    model: type[Model]  # the queryset's model (its DoesNotExist)
    model_cls: type[Model]  # the model the rows are made into
    init_list: tuple[str, ...]
    start: int
    end: int
    related_populators: tuple
    annotation_col_map: tuple[tuple[str, int], ...]


_UNCACHEABLE = object()
_EMPTY = object()  # a shape the ORM answers without a query
_shapes: dict[Hashable, Any] = {}
_lock = threading.Lock()


def _sentinel(kind: type, round_: int, n: int):
    if kind is int:
        return _INT_BASES[round_] + n
    if kind is _REAL["datetime"]:
        return _DATETIME_BASES[round_] + datetime.timedelta(days=n)
    if kind is str:
        # Set A is plain letters and digits; set B holds a LIKE wildcard, so
        # comparing the two shows whether Django escaped the value for LIKE.
        return f"zqsentinel{n}x" if round_ == 0 else f"zq_sentinel{n}x"
    return _DATE_BASES[round_] + datetime.timedelta(days=n)


def _kind_of(value) -> type:
    if isinstance(value, bool) or value is None:
        raise TypeError("booleans and None change the SQL: put them in the key")
    for kind in (int, str):
        if isinstance(value, kind):
            return kind
    if isinstance(value, _REAL["datetime"]):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TypeError("cached_rows takes aware datetimes only")
        return _REAL["datetime"]
    if isinstance(value, _REAL["date"]):
        return _REAL["date"]
    raise TypeError(f"cached_rows cannot stand in for {type(value).__name__}")


def _stand_ins(values: Mapping[str, Any], round_: int):
    """`values` with each int, string and date replaced by a unique stand-in,
    and {(type, stand-in): (name, index in the list or None)}."""
    out, where, n = {}, {}, 0
    for name, value in values.items():
        many = isinstance(value, list | tuple)
        subs = []
        for index, item in enumerate(value if many else [value]):
            sub = _sentinel(_kind_of(item), round_, n)
            n += 1
            subs.append(sub)
            where[(type(sub), sub)] = (name, index if many else None)
        out[name] = subs if many else subs[0]
    return out, where


def _compile(queryset: QuerySet):
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def _slot(param_a, param_b, where_a, where_b, ops) -> _Slot | None:
    """The slot that explains a parameter of both compilations, or None."""
    subs_b = {place: sub for (_kind, sub), place in where_b.items()}
    for (kind, sub_a), (name, index) in where_a.items():
        sub_b = subs_b[(name, index)]
        if kind is int and type(param_a) is int and param_a == sub_a:
            if type(param_b) is int and param_b == sub_b:
                return _Slot(name=name, index=index, kind="raw", input_type=kind)
            return None
        if kind is _REAL["date"] or kind is _REAL["datetime"]:
            if type(param_a) is type(sub_a) and param_a == sub_a:
                return (
                    _Slot(name=name, index=index, kind="raw", input_type=kind)
                    if (type(param_b) is type(sub_b) and param_b == sub_b)
                    else None
                )
            slot_kind, adapt = (
                ("date", ops.adapt_datefield_value)
                if kind is _REAL["date"]
                else ("datetime", ops.adapt_datetimefield_value)
            )
            adapted = adapt(sub_a)
            if type(param_a) is type(adapted) and param_a == adapted:
                if param_b == adapt(sub_b):
                    return _Slot(
                        name=name, index=index, kind=slot_kind, input_type=kind
                    )
                return None
        if kind is str and isinstance(param_a, str) and sub_a in param_a:
            if param_a.count(sub_a) != 1 or not isinstance(param_b, str):
                return None
            prefix, suffix = param_a.split(sub_a)
            if param_b == prefix + sub_b + suffix:
                return _Slot(
                    name=name,
                    index=index,
                    kind="text",
                    prefix=prefix,
                    suffix=suffix,
                    input_type=kind,
                )
            if param_b == prefix + ops.prep_for_like_query(sub_b) + suffix:
                return _Slot(
                    name=name,
                    index=index,
                    kind="like",
                    prefix=prefix,
                    suffix=suffix,
                    input_type=kind,
                )
            return None
    return None


def _prepare(build, values, alias) -> _Compiled | None:
    (subs_a, where_a), (subs_b, where_b) = _stand_ins(values, 0), _stand_ins(values, 1)
    qs_a, qs_b = build(subs_a), build(subs_b)
    if qs_a.db != alias or qs_b.db != alias:
        return None
    iterable = qs_a._iterable_class
    if iterable is ModelIterable:
        if (
            qs_a._prefetch_related_lookups
            or qs_a._known_related_objects
            or qs_a.query.select_for_update
            or qs_b._iterable_class is not ModelIterable
        ):
            return None
    elif iterable not in (ValuesListIterable, FlatValuesListIterable):
        return None
    try:
        compiler, sql_a, params_a = _compile(qs_a)
        _compiler_b, sql_b, params_b = _compile(qs_b)
    except EmptyResultSet:  # e.g. an empty list: no query to keep
        return _EMPTY
    except Exception:  # the ORM knows best
        return None
    if not sql_a or sql_a != sql_b or len(params_a) != len(params_b):
        return None
    if compiler.has_extra_select or any(
        str(sub) in sql_a for _kind, sub in (*where_a, *where_b)
    ):
        return None
    fields = tuple(s[0] for s in compiler.select[0 : compiler.col_count])
    if compiler.has_composite_fields(fields):
        return None
    ops = connections[alias].ops
    slots = []
    for param_a, param_b in zip(params_a, params_b, strict=True):
        slot = _slot(param_a, param_b, where_a, where_b, ops)
        if slot is None:
            if type(param_a) is not type(param_b) or param_a != param_b:
                return None  # derived from an input in a way we do not know
            if any(
                isinstance(param_a, str) and str(sub) in param_a
                for _kind, sub in where_a
            ):
                return None
            slot = _Slot(const=param_a)
        slots.append(slot)
    return _Compiled(
        sql=sql_a,
        slots=tuple(slots),
        query=qs_a.query,
        fields=fields,
        flat=iterable is FlatValuesListIterable,
        instances=(
            _instances(qs_a.model, compiler, alias)
            if iterable is ModelIterable
            else None
        ),
    )


def _instances(model, compiler, alias) -> _Instances:
    """What ModelIterable.__iter__ reads from the compiler, kept."""
    select, klass_info = compiler.select, compiler.klass_info
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    return _Instances(
        model=model,
        model_cls=klass_info["model"],
        init_list=tuple(f[0].target.attname for f in select[start:end]),
        start=start,
        end=end,
        related_populators=tuple(get_related_populators(klass_info, select, alias)),
        annotation_col_map=tuple((compiler.annotation_col_map or {}).items()),
    )


def _params(compiled: _Compiled, values: Mapping[str, Any], ops) -> list:
    params = []
    for slot in compiled.slots:
        if slot.name is None:
            params.append(slot.const)
            continue
        value = values[slot.name]
        if slot.index is not None:
            value = value[slot.index]
        if _kind_of(value) is not slot.input_type:
            raise TypeError(
                f"{slot.name} is not a {slot.input_type.__name__} this time"
            )
        if slot.kind == "date":
            value = ops.adapt_datefield_value(value)
        elif slot.kind == "datetime":
            value = ops.adapt_datetimefield_value(value)
        elif slot.kind == "text":
            value = slot.prefix + value + slot.suffix
        elif slot.kind == "like":
            value = slot.prefix + ops.prep_for_like_query(value) + slot.suffix
        params.append(value)
    return params


def _run(key, build, model, values, *, instances: bool):
    """The compiled shape of `build(values)` and its converted rows, or
    (None, None) when the ORM must answer."""
    alias = router.db_for_read(model)
    shape = (
        key,
        alias,
        instances,
        tuple(
            (name, len(v) if isinstance(v, list | tuple) else -1)
            for name, v in values.items()
        ),
    )
    compiled = _shapes.get(shape)
    if compiled is None:
        compiled = _prepare(build, values, alias) or _UNCACHEABLE
        if compiled is not _UNCACHEABLE and compiled is not _EMPTY:
            if (compiled.instances is not None) is not instances:
                compiled = _UNCACHEABLE  # the wrong kind of queryset
        if compiled is _UNCACHEABLE:
            logger.warning("sqlcache: %r is run through the ORM each time", key)
        elif compiled is _EMPTY:
            compiled = _UNCACHEABLE
        with _lock:
            if len(_shapes) >= MAX_SHAPES:
                _shapes.pop(next(iter(_shapes)), None)
            _shapes[shape] = compiled
    if compiled is _UNCACHEABLE:
        return None, None
    connection = connections[alias]
    params = _params(compiled, values, connection.ops)
    with connection.cursor() as cursor:
        _execute(connection, cursor, compiled.sql, params)
        rows = cursor.fetchall()
    # A compiler of this thread's connection, for its converters only: the
    # query is not set up nor compiled again.
    compiler = compiled.query.get_compiler(connection=connection)
    converters = compiler.get_converters(compiled.fields)
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return compiled, rows


def cached_rows(
    key: Hashable,
    build: Callable[[dict[str, Any]], QuerySet],
    *,
    model: type[Model],
    values: Mapping[str, Any],
) -> list:
    """The rows of `build(values)` (a `values_list` queryset on `model`), with
    its SQL compiled once per process for `key` and the lengths of the lists
    in `values` (see the module's docstring)."""
    compiled, rows = _run(key, build, model, values, instances=False)
    if compiled is None:
        return list(build(dict(values)))
    if compiled.flat:
        return [row[0] for row in rows]
    return [tuple(row) for row in rows]


def cached_instances(
    key: Hashable,
    build: Callable[[dict[str, Any]], QuerySet],
    *,
    model: type[Model],
    values: Mapping[str, Any],
) -> list[Model]:
    """The model instances of `build(values)` (a queryset of `model`
    instances, `select_related` included), as `list(build(values))` makes
    them, with its SQL compiled once per process and shape (see the module's
    docstring)."""
    compiled, rows = _run(key, build, model, values, instances=True)
    if compiled is None:
        return list(build(dict(values)))
    return _make_instances(compiled.instances, rows, router.db_for_read(model))


def _make_instances(spec: _Instances, rows, db: str) -> list[Model]:
    """ModelIterable.__iter__ on rows already read and converted."""
    objects = []
    from_db, start, end = spec.model_cls.from_db, spec.start, spec.end
    for row in rows:
        obj = from_db(db, spec.init_list, row[start:end])
        for populator in spec.related_populators:
            populator.populate(row, obj)
        for attr_name, col_pos in spec.annotation_col_map:
            setattr(obj, attr_name, row[col_pos])
        objects.append(obj)
    return objects


def cached_first(
    key: Hashable,
    build: Callable[[dict[str, Any]], QuerySet],
    *,
    model: type[Model],
    values: Mapping[str, Any],
) -> Model | None:
    """`build(values).first()`, with its SQL compiled once per process and
    shape."""
    return next(
        iter(
            cached_instances(("first", key), _first(build), model=model, values=values)
        ),
        None,
    )


def cached_queryset(
    key: Hashable,
    build: Callable[[dict[str, Any]], QuerySet],
    *,
    model: type[Model],
    values: Mapping[str, Any],
) -> QuerySet:
    """`build(values)` itself, for callers that may chain it: evaluated as it
    is (iterated, `len`, `bool`, `list`), it reads its instances with
    `cached_instances`; anything chained on it (`order_by`, `exists`,
    `filter`...) is a clone that the ORM answers as usual."""
    values = dict(values)
    queryset = build(values)
    queryset.__class__ = _cached_class(type(queryset))
    queryset._sqlcache_call = (key, build, model, values)
    return queryset


_cached_classes: dict[type, type] = {}


def _cached_class(cls: type) -> type:
    cached = _cached_classes.get(cls)
    if cached is None:

        def _fetch_all(self):
            call, self._sqlcache_call = self._sqlcache_call, None
            if call is not None and self._result_cache is None:
                key, build, model, values = call
                self._result_cache = cached_instances(
                    key, build, model=model, values=values
                )
            cls._fetch_all(self)  # prefetching, as Django does

        cached = type(
            cls.__name__,
            (cls,),
            {
                "_fetch_all": _fetch_all,
                "_sqlcache_call": None,  # clones: the ORM's
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
            },
        )
        with _lock:
            cached = _cached_classes.setdefault(cls, cached)
    return cached


def _first(build):
    def first(values):
        # QuerySet.first(): by primary key unless ordered, one row.
        queryset = build(values)
        return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]

    return first


def _for_get(queryset: QuerySet) -> QuerySet:
    """The queryset `queryset.get()` runs (QuerySet.get: no ordering, at
    most MAX_GET_RESULTS rows)."""
    clone = queryset._chain()
    if clone.query.can_filter() and not clone.query.distinct_fields:
        clone = clone.order_by()
    clone.query.set_limits(high=MAX_GET_RESULTS)
    return clone


def cached_get(
    key: Hashable,
    build: Callable[[dict[str, Any]], QuerySet],
    *,
    model: type[Model],
    values: Mapping[str, Any],
) -> Model:
    """`build(values).get()`, with its SQL compiled once per process and
    shape: the one instance, or the model's DoesNotExist or
    MultipleObjectsReturned with Django's own message."""
    compiled, rows = _run(
        ("get", key), lambda v: _for_get(build(v)), model, values, instances=True
    )
    if compiled is None:
        return build(dict(values)).get()
    spec = compiled.instances
    objects = _make_instances(spec, rows, router.db_for_read(model))
    if len(objects) == 1:
        return objects[0]
    name = spec.model._meta.object_name
    if not objects:
        raise spec.model.DoesNotExist(f"{name} matching query does not exist.")
    num = len(objects)
    raise spec.model.MultipleObjectsReturned(
        f"get() returned more than one {name} -- it returned "
        f"{num if num < MAX_GET_RESULTS else f'more than {MAX_GET_RESULTS - 1}'}!"
    )


def clear() -> None:
    """Forget every compiled shape (tests)."""
    _shapes.clear()


# --- prepared statements (PostgreSQL with psycopg2) -------------------------

_INT4 = range(-(2**31), 2**31)
_INT8 = range(-(2**63), 2**63)
# (sql, parameter types) -> statement name, for the whole process.
_names: dict[tuple[str, tuple[str, ...]], str] = {}
# Statements PostgreSQL took once in this process (so they may be prepared
# inside a transaction, where a refusal would abort it), and those it refused.
_proven: set[str] = set()
_refused: set[str] = set()
# The names prepared on each driver connection; None: none on this one (a
# statement failed there, so what it holds is not known).
_prepared_on: "weakref.WeakKeyDictionary[Any, set[str] | None]" = (
    weakref.WeakKeyDictionary()
)
_PLACEHOLDER = re.compile(r"%[s%]")


def _param_type(value) -> str | None:
    """The type PostgreSQL gives `value` as psycopg2 writes it into the SQL
    (a string or NULL untyped, so inferred from where it stands, as for a
    literal); None for a value whose literal type is not sure."""
    if value is None or isinstance(value, str):
        return "unknown"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if value in _INT4 else "bigint" if value in _INT8 else None
    if isinstance(value, datetime.datetime):
        return "timestamp" if value.tzinfo is None else "timestamp with time zone"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, decimal.Decimal):
        return "numeric"
    return None


def _prepares(connection) -> bool:
    if connection.vendor != "postgresql" or not getattr(
        settings, "LMS_SQLCACHE_PREPARED_STATEMENTS", True
    ):
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    # psycopg 3 returns the first result of several statements, not the last.
    return not is_psycopg3


def _statement(connection, sql: str, params: list) -> tuple[str, str] | None:
    """(SQL to send with `params`, statement name) running `sql` as this
    connection's prepared statement, preparing it in the same round trip the
    first time; None to send `sql` itself."""
    if not _prepares(connection):
        return None
    types = tuple(_param_type(value) for value in params)
    if None in types:
        return None
    raw = connection.connection
    with _lock:
        name = _names.get((sql, types))
        if name is None:
            if len(_names) >= 4 * MAX_SHAPES:
                return None
            name = _names[(sql, types)] = f"lms_sqlcache_{len(_names) + 1}"
        prepared = _prepared_on.get(raw, set())
        if prepared is None or name in _refused:
            return None
        _prepared_on[raw] = prepared
    if name not in _proven and not _outside_transaction(connection):
        return None  # not tried yet: first outside a transaction
    execute = f"EXECUTE {name}" + (
        f"({', '.join(['%s'] * len(params))})" if params else ""
    )
    if name in prepared:
        return execute, name
    numbers = iter(range(1, len(params) + 1))
    body = _PLACEHOLDER.sub(
        lambda m: "%%" if m.group() == "%%" else f"${next(numbers)}", sql
    )
    return f"PREPARE {name} ({', '.join(types)}) AS {body}; {execute}", name


def _outside_transaction(connection) -> bool:
    """Whether a statement failing now would abort nothing."""
    return connection.get_autocommit() and not connection.in_atomic_block


def _execute(connection, cursor, sql: str, params: list) -> None:
    """`cursor.execute(sql, params)`, as a prepared statement where it can."""
    statement = _statement(connection, sql, params) if params is not None else None
    if statement is None:
        cursor.execute(sql, params)
        return
    text, name = statement
    raw = connection.connection
    try:
        cursor.execute(text, params)
    except DatabaseError as error:
        with _lock:
            # A statement PostgreSQL does not take (a parameter's type it
            # cannot infer, say) is a ProgrammingError or a DataError; a lost
            # connection or a cancelled query is not a refusal.
            refused = name not in _proven and isinstance(
                error, ProgrammingError | DataError
            )
            if refused:
                # Refused on its first try, outside a transaction (nothing to
                # roll back): the plain SQL from now on, and this name is
                # never executed again.
                _refused.add(name)
            else:
                # Whether it is still prepared here is not known.
                _prepared_on[raw] = None
        if refused:
            logger.warning("sqlcache: %s is not prepared: %s", name, sql)
            cursor.execute(sql, params)
            return
        raise
    with _lock:
        _proven.add(name)
        prepared = _prepared_on.get(raw)
        if prepared is not None:
            prepared.add(name)


def forget_prepared_statements(**kwargs) -> None:
    """Drop every connection's prepared statements (before and after
    migrations: a table that changes shape would fail a statement prepared
    on it)."""
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None or not _prepares(connection):
            continue
        with _lock:
            held = _prepared_on.pop(raw, None)
        if held and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")
        elif held:
            with _lock:
                _prepared_on[raw] = None  # unknown until this connection ends

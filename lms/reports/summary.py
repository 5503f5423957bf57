"""Writes for the completion summary: kept right as learners progress, rebuilt whole.

A summary row holds, for one report group (school, school year, class, role)
and one course, how many of the group's members enrolled, are in progress,
completed (and completed with no enrolment left) and hold a valid
certificate; the group row holds how many members it has. The reports add
these rows up instead of counting millions of progress rows (see
`selectors.completion_facts`).

Each event recounts the rows it touches from the live tables with
`selectors.group_counts` (the count the live reports make), rather than adding
or subtracting one:

- a bulk enrolment (a course assigned to classes) recounts that course for
  the groups the learners count in, in the event's own transaction;
- a membership added, moved or removed recounts every group the person is or
  was in (its members, and every course unless the person has no enrolment,
  completion or certificate), in the event's own transaction;
- an enrolment, a lesson opened, a quiz attempt started, a completion, a
  certificate issued, revoked or replaced recount that course just after the
  commit, through the task queue (a real queue takes it out of the learner's
  request; the embedded backend runs it at once after the commit): see
  `summary_recount_after_commit`. The request is an outbox row
  (`lms.outbox`) written in the change's own transaction, so a queue that is
  away or a process dying between commit and enqueue leaves the row, and
  `manage.py resume_outbox` (scheduled) enqueues it again. Requests add up:
  the job of one serves every pending one it can claim, each course
  recounted once for all its requesters' groups (`summary_run_recounts`).

A bulk writer (the demo seed) can defer every recount and rebuild the whole
summary once at its end instead: `summary_recounts_deferred`.

A recount is right whatever the row held before, so a repeated or late
recount does no harm, a lost one is mended by the next recount of that class
and course, and `summary_rebuild` can start afresh at any time. Concurrent
recounts are ordered by PostgreSQL advisory locks, held until commit:

- one per person, taken before reading which groups they count in, so a
  class change and that learner's activity never recount different groups
  from different views of their memberships;
- one per group, taken before recounting it: of two transactions changing one
  class, the second recounts after the first has committed, and sees both
  changes (READ COMMITTED reads what is committed when each statement starts);
- a shared lock that `summary_rebuild` takes exclusively, so a rebuild never
  interleaves with a recount.

Locks are taken in ascending order within a statement. SQLite needs none: it
lets one transaction write at a time, and an event writes its own row before
recounting.
"""

import inspect
import operator
import re
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CourseCompletion, CoursePage, Enrolment
from lms.models import PendingTask
from lms.outbox import outbox_add
from lms.people.models import Membership

from .models import CompletionSummary, ReportGroup, SummaryBuild
from .selectors import (
    GROUP_FIELDS,
    REPORTED_ROLES,
    ROLES_COUNTED_ONCE,
    SUMMARY_FIGURES,
    GroupKey,
    counted_memberships,
    group_count_querysets,
    group_counts,
    reporting_session,
)

User = get_user_model()

# First keys of pg_advisory_xact_lock(int, int): "LMR" + 1, 2, 3.
LOCK_REBUILD = 0x4C4D5201
LOCK_PERSON = 0x4C4D5202
LOCK_GROUP = 0x4C4D5203
BATCH = 5000


# Set inside `summary_recounts_deferred`: per-change recounts are skipped.
_deferred: ContextVar[bool] = ContextVar("lms_summary_recounts_deferred", default=False)


@contextmanager
def summary_recounts_deferred(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Skip the per-change recounts inside; rebuild the summary once at the end.

    For a writer of hundreds of changes in one transaction, where each
    recount would count again what the last one counted (the demo seed
    enrols, completes and certifies learner after learner). Use it inside
    the writer's transaction: the rebuild commits or rolls back with it. On
    an exception nothing is rebuilt (the transaction is rolled back anyway).
    """
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    summary_rebuild(using=using)


def group_key_of(obj) -> GroupKey:
    """The report group of a membership (or of a ReportGroup row)."""
    return (obj.school_id, obj.school_year_id, obj.school_class_id, obj.role)


def summary_learners_changed(
    *,
    user_ids: Iterable[int | None],
    course_ids: Iterable[int | None],
    using: str = DEFAULT_DB_ALIAS,
    figures: Iterable[str] = SUMMARY_FIGURES,
) -> None:
    """Recount these courses for the groups these learners count in.

    Call after an enrolment, lesson progress, quiz attempt, completion or
    certificate of theirs was written or deleted, in the same transaction.
    `figures`: only those that event can change (a certificate changes only
    "certificates"); rows not in the summary yet are counted whole.
    """
    if _deferred.get():
        return
    users = sorted({pk for pk in user_ids if pk})
    courses = sorted({pk for pk in course_ids if pk})
    if not users or not courses:
        return
    with transaction.atomic(using=using, savepoint=False):
        _lock_people(users, using=using)
        keys = _keys(counted_memberships(user_ids=users).using(using))
        if keys:
            _recount(
                keys,
                members=False,
                course_ids=courses,
                using=using,
                figures=tuple(figures),
            )


def summary_recount_after_commit(
    *,
    user_id: int,
    course_id: int,
    using: str,
    figures: Iterable[str] = SUMMARY_FIGURES,
) -> None:
    """Recount one learner's groups for one course after commit, in a worker.

    For what a learner's own request writes: an enrolment, a first lesson or
    quiz attempt, a completion (every learner at the start of a class period,
    where a whole class would also queue on its group's lock; with a real
    queue no recount runs in the learner's request), and certificates
    (issued one task each, in bulk). One request asks once per learner and
    course, whatever it wrote. The request goes to the outbox
    (`lms.outbox`) in the caller's transaction, so it commits or rolls back
    with the change; once committed, it is handed to the task queue
    (in-process with the default immediate backend). If the queue is away,
    the process dies before the hand-over, or the queue loses the job, the
    row stays and `manage.py resume_outbox` hands it over again.
    """
    from .tasks import summary_recount_task

    if _deferred.get():
        return
    figures = list(figures)
    outbox_add(
        summary_recount_task,
        [user_id, course_id, None if tuple(figures) == SUMMARY_FIGURES else figures],
        {"using": using},
        using=using,
        # A learner's first visit may enrol and open a lesson: one recount.
        once=True,
    )


def summary_run_recount(
    *,
    user_id: int,
    course_id: int,
    figures: Iterable[str] | None,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Run one requested recount."""
    with transaction.atomic(using=using):
        summary_learners_changed(
            user_ids=[user_id],
            course_ids=[course_id],
            figures=figures or SUMMARY_FIGURES,
            using=using,
        )


def summary_run_recounts(claim, *, using: str = DEFAULT_DB_ALIAS) -> list[PendingTask]:
    """Serve pending recount requests together (the outbox's batch runner).

    A class of forty opening a lesson asks forty recounts of one group and
    course; one recount run after them all gives the same rows, as a
    recount reads the live tables. The requests `claim()` returns are
    grouped by course: each course is recounted once for every group its
    requesting learners count in (the pairs the requests would have
    recounted one by one), with the figures any of them asked for, and
    courses with the same groups and figures share the counting queries.
    Runs inside the outbox's transaction, which deletes the rows served.

    Locks, as a single recount takes them: the rebuild's shared lock before
    the outbox's row locks (a rebuild holding it exclusively deletes the
    rows it settled), then every requester's person lock in one statement,
    then every group's lock in one statement, each in ascending order.
    """
    from .tasks import summary_recount_task

    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [LOCK_REBUILD])
    rows = claim()
    if _deferred.get():
        return rows  # the deferred rebuild counts them all
    asked = inspect.signature(summary_recount_task.func)
    users_of: dict[int, set[int]] = defaultdict(set)
    figures_of: dict[int, set[str]] = defaultdict(set)
    served = []
    for row in rows:
        try:
            request = asked.bind(*row.args, **row.kwargs).arguments
        except TypeError:
            continue  # left to its own job, which records the error
        served.append(row)
        user_id, course_id = request.get("user_id"), request.get("course_id")
        if user_id and course_id:
            users_of[course_id].add(user_id)
            figures_of[course_id].update(request.get("figures") or SUMMARY_FIGURES)
    users = sorted(set().union(*users_of.values()))
    if not users:
        return served
    _lock_people(users, using=using)
    keys_of: dict[int, set[GroupKey]] = defaultdict(set)
    for user_id, *key in (
        counted_memberships(user_ids=users)
        .using(using)
        .values_list("user_id", *GROUP_FIELDS)
        .distinct()
    ):
        keys_of[user_id].add(tuple(key))
    plans: dict[tuple[frozenset, tuple[str, ...]], list[int]] = defaultdict(list)
    for course_id, course_users in users_of.items():
        keys = frozenset().union(*(keys_of[pk] for pk in course_users))
        figures = tuple(
            name for name in SUMMARY_FIGURES if name in figures_of[course_id]
        )
        if keys:
            plans[keys, figures].append(course_id)
    if not plans:
        return served
    every_key = set().union(*(keys for keys, _figures in plans))
    _advisory_locks(LOCK_GROUP, [_lock_id(key) for key in every_key], using=using)
    for (keys, figures), course_ids in plans.items():
        _recount(
            set(keys),
            members=False,
            course_ids=sorted(course_ids),
            using=using,
            figures=figures,
        )
    return served


def _recount_requests(using: str):
    """The outbox rows that ask for a recount."""
    from .tasks import summary_recount_task

    return PendingTask.objects.using(using).filter(
        task=summary_recount_task.module_path
    )


def summary_memberships_changed(
    *,
    user_ids: Iterable[int | None],
    old_keys: Iterable[GroupKey] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Recount every group these people are in, or were in (`old_keys`).

    Call after a membership was added, changed or removed. All the person's
    groups are recounted, since whether one role counts depends on the others
    they hold in that school and year.
    """
    if _deferred.get():
        return
    users = sorted({pk for pk in user_ids if pk})
    if not users:
        return
    with transaction.atomic(using=using, savepoint=False):
        _lock_people(users, using=using)
        keys = _keys(
            Membership.objects.using(using).filter(
                user_id__in=users, role__in=REPORTED_ROLES, school__isnull=False
            )
        )
        keys |= {key for key in old_keys if key[0] and key[3] in REPORTED_ROLES}
        if keys:
            # Someone who never enrolled, completed or held a certificate
            # changes no course figure by moving: only the member counts.
            active = _have_learning_records(users, using=using)
            _recount(keys, members=True, course_ids=None if active else [], using=using)


def summary_rebuild(*, using: str = DEFAULT_DB_ALIAS) -> SummaryBuild:
    """Recount the whole summary in one transaction; readers see old or new."""
    started = time.monotonic()
    connection = connections[using]
    with reporting_session(using), transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_REBUILD])
        # Deleting first also takes SQLite's write lock before counting.
        # Plain DELETEs: nothing cascades from these rows, and the ORM's
        # delete() would load them all to send signals.
        with connection.cursor() as cursor:
            for model in (CompletionSummary, ReportGroup):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our table
        # Requests committed before now are for changes this rebuild counts.
        settled = list(_recount_requests(using).values_list("pk", flat=True))
        counted = _counted_once(using=using)
        members = Membership.objects.using(using).filter(counted)
        course_ids = list(CoursePage.objects.using(using).values_list("pk", flat=True))
        # Set-based: the database counts and writes every row itself, the
        # counting queries being group_counts' own.
        group_count = _insert_groups(members, using=using)
        row_count = _insert_summary_rows(counted, course_ids, using=using)
        for start in range(0, len(settled), BATCH):
            PendingTask.objects.using(using).filter(
                pk__in=settled[start : start + BATCH]
            ).delete()
        return SummaryBuild.objects.using(using).create(
            seconds=round(time.monotonic() - started, 3),
            groups=group_count,
            rows=row_count,
        )


def _sql(queryset, using: str) -> tuple[str, tuple]:
    return queryset.query.get_compiler(using).as_sql()


FIGURES_TABLE = "lms_reports_rebuild_figures"


def _counted_once(*, using: str) -> Q:
    """The counted memberships (`counted_memberships`), as a condition on a
    membership's own fields that the rebuild's queries check.

    A membership of a role that always counts is counted by its role alone;
    those of the roles `counted_memberships` may leave out
    (`ROLES_COUNTED_ONCE`: a homeroom teacher also teaching in the school, a
    school admin who also teaches) are worked out once, and the few counted
    are named by id. The rebuild's grouped queries then filter the
    memberships they join as they read them, instead of each evaluating the
    counting rule again (its subqueries) or matching 300,000 ids; and with no
    temporary table in them PostgreSQL may run them in parallel workers.
    Elsewhere (SQLite, with its limit on parameters) the rule's subquery.
    """
    counted = counted_memberships().using(using)
    if connections[using].vendor != "postgresql":
        return Q(pk__in=counted.values("pk"))
    some = list(
        counted.filter(role__in=ROLES_COUNTED_ONCE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    always = [role for role in REPORTED_ROLES if role not in ROLES_COUNTED_ONCE]
    return Q(role__in=always) | Q(pk__in=some)


def _insert_groups(members, *, using: str) -> int:
    """One report group per (school, year, class, role) of counted members."""
    connection = connections[using]
    quote = connection.ops.quote_name
    sql, params = _sql(
        members.values(*GROUP_FIELDS).annotate(n=Count("pk")).order_by(), using
    )
    columns = ", ".join(quote(name) for name in GROUP_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ReportGroup._meta.db_table)} "  # noqa: S608
            f"({columns}, {quote('members')}) "
            f"SELECT {columns}, n FROM ({sql}) AS counted",
            params,
        )
        return cursor.rowcount


def _insert_summary_rows(members, course_ids: list[int], *, using: str) -> int:
    """A summary row per group and course with anything counted, zeros included.

    The figures' grouped queries (`group_count_querysets`, what
    `group_counts` runs) joined to their groups and summed by figure.
    """
    if not course_ids:
        return 0
    connection = connections[using]
    quote = connection.ops.quote_name
    found = group_count_querysets(members=members, course_ids=course_ids, using=using)
    parts, params = [], []
    keys = ", ".join(f"g_{name}" for name in GROUP_FIELDS)
    for figure, name in enumerate(SUMMARY_FIGURES):
        for queryset in found[name]:
            sql, more = _sql(queryset.order_by(), using)
            sql = _memberships_joined_by_user_id(sql, using=using)
            parts.append(
                f"SELECT {figure} AS figure, course_id, {keys}, n FROM ({sql}) AS q"  # noqa: S608
            )
            params.extend(more)
    sums = ", ".join(
        f"SUM(CASE WHEN f.figure = {figure} THEN f.n ELSE 0 END) AS {quote(name)}"
        for figure, name in enumerate(SUMMARY_FIGURES)
    )
    group = quote(ReportGroup._meta.db_table)
    summary = quote(CompletionSummary._meta.db_table)
    union = " UNION ALL ".join(parts)
    columns = ", ".join(
        quote(name) for name in ("group_id", "course_id", *SUMMARY_FIGURES)
    )
    select = (
        f"SELECT g.{quote('id')} AS group_id, f.course_id, {sums} "  # noqa: S608
        f"FROM ({union}) AS f JOIN {group} AS g "
        f"ON g.{quote('school_id')} = f.g_school_id "
        f"AND g.{quote('school_year_id')} = f.g_school_year_id "
        f"AND g.{quote('role')} = f.g_role "
        # A class of None is "no class": COALESCE keeps the join hashable.
        f"AND COALESCE(g.{quote('school_class_id')}, 0) "
        f"= COALESCE(f.g_school_class_id, 0) "
        f"GROUP BY g.{quote('id')}, f.course_id"
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL plans no INSERT ... SELECT in parallel, but it does a
            # CREATE TABLE ... AS: the counting goes to a temporary table
            # first, and the 30,000 rows are copied from it.
            cursor.execute(f"DROP TABLE IF EXISTS {FIGURES_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {FIGURES_TABLE} ON COMMIT DROP AS {select}",
                params,
            )
            select, params = f"SELECT * FROM {FIGURES_TABLE}", []  # noqa: S608
        cursor.execute(
            f"INSERT INTO {summary} ({columns}, {quote('updated_at')}) "  # noqa: S608
            f"SELECT f.*, %s FROM ({select}) AS f",
            [now, *params],
        )
        return cursor.rowcount


def _memberships_joined_by_user_id(sql: str, *, using: str) -> str:
    """`sql` with each join through the users table to their memberships
    (the ORM's path `user__memberships`, `holder__memberships`) made a join
    of the memberships on the row's own user id.

    PostgreSQL keeps an inner join it reads no column of, and on the summary
    rebuild's grouped queries it hashes the 300,000 users and probes them
    once per enrolment or completion (a million), for nothing: the row's
    user id is the membership's (a foreign key, so the user exists). The
    same rows either way. If the users table is read anywhere else in
    `sql`, it is left as it is.
    """
    quote = connections[using].ops.quote_name
    users = quote(User._meta.db_table)
    memberships = quote(Membership._meta.db_table)
    user_id = quote(Membership._meta.get_field("user").column)
    pk = quote(User._meta.pk.column)
    through_users = re.compile(
        rf"INNER JOIN {re.escape(users)} "
        rf'ON \(("[^"]+"\."[^"]+") = {re.escape(f"{users}.{pk}")}\) '
        rf"INNER JOIN {re.escape(memberships)} "
        rf"ON \({re.escape(f'{users}.{pk} = {memberships}.{user_id}')}\)"
    )
    direct, found = through_users.subn(
        lambda match: (
            f"INNER JOIN {memberships} ON ({match.group(1)} = {memberships}.{user_id})"
        ),
        sql,
    )
    if not found or users in direct:
        return sql
    return direct


def _have_learning_records(user_ids: list[int], *, using: str) -> bool:
    """Whether any of these people has a row the course figures count."""
    mine = {"user_id": OuterRef("pk")}
    return (
        User.objects.using(using)
        .filter(pk__in=user_ids)
        .filter(
            Exists(Enrolment.objects.filter(**mine))
            | Exists(CourseCompletion.objects.filter(**mine))
            | Exists(Certificate.objects.filter(holder_id=OuterRef("pk")))
        )
        .exists()
    )


def _keys(memberships) -> set[GroupKey]:
    return set(memberships.values_list(*GROUP_FIELDS).distinct())


def _keys_q(keys: Iterable[GroupKey]) -> Q:
    """Memberships (or groups) of these groups; a class of None is "no class"."""
    return reduce(
        operator.or_,
        (
            Q(school_id=school, school_year_id=year, role=role)
            & (Q(school_class_id=klass) if klass else Q(school_class__isnull=True))
            for school, year, klass, role in keys
        ),
    )


def _lock_id(key: GroupKey) -> int:
    """A stable 32-bit number for a group; a collision only serializes more."""
    return zlib.crc32(repr(key).encode()) - 2**31


def _advisory_locks(namespace: int, ids: Iterable[int], *, using: str) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, 0), pg_advisory_xact_lock(%s, k) "
            "FROM unnest(%s::integer[]) AS k",
            [LOCK_REBUILD, namespace, sorted(set(ids))],
        )


def _lock_people(user_ids: list[int], *, using: str) -> None:
    _advisory_locks(LOCK_PERSON, user_ids, using=using)


def summary_lock_people(user_ids: Iterable[int], *, using: str) -> None:
    """Take now, in ascending order, the person locks later recounts of these
    people would take one at a time (held until the transaction ends)."""
    _lock_people(sorted(set(user_ids)), using=using)


def _recount(
    keys: set[GroupKey],
    *,
    members: bool,
    course_ids: list[int] | None,
    using: str,
    figures: tuple[str, ...] = SUMMARY_FIGURES,
) -> None:
    """Recount the groups: their members if `members`, and `course_ids` (None:
    every course), the `figures` named. A group new to the summary, or empty
    there, is recounted whole whatever the arguments say; so are all figures
    when a (group, course) row is missing.
    """
    _advisory_locks(LOCK_GROUP, [_lock_id(key) for key in keys], using=using)
    groups = {
        group_key_of(group): group
        for group in ReportGroup.objects.using(using).filter(_keys_q(keys))
    }
    new = {key for key in keys if key not in groups or not groups[key].members}
    if figures != SUMMARY_FIGURES and (
        new
        or course_ids is None
        or CompletionSummary.objects.using(using)
        .filter(group__in=groups.values(), course_id__in=course_ids)
        .count()
        < len(groups) * len(course_ids)
    ):
        figures = SUMMARY_FIGURES
    schools = {key[0] for key in keys}
    if members or new:
        _recount_members(keys if members else new, groups, schools, using=using)
    every_course = None
    if new or course_ids is None:
        every_course = list(
            CoursePage.objects.using(using).values_list("pk", flat=True)
        )
    plans: dict[tuple[int, ...], list[GroupKey]] = defaultdict(list)
    for key in keys:
        if groups.get(key) and groups[key].members:
            wanted = every_course if key in new or course_ids is None else course_ids
            if wanted:
                plans[tuple(wanted)].append(key)
    for wanted, planned in plans.items():
        counts = group_counts(
            members=counted_memberships(school_ids=schools)
            .using(using)
            .filter(_keys_q(planned)),
            course_ids=list(wanted),
            using=using,
            figures=figures,
        )
        rows = _summary_rows(
            counts, [(groups[key], key) for key in planned], course_ids=wanted
        )
        CompletionSummary.objects.using(using).bulk_create(
            sorted(rows, key=lambda row: (row.group.pk, row.course_id)),
            update_conflicts=True,
            unique_fields=["group", "course"],
            update_fields=[*figures, "updated_at"],
        )
    emptied = [
        groups[key].pk for key in keys if key in groups and not groups[key].members
    ]
    if emptied:
        CompletionSummary.objects.using(using).filter(group_id__in=emptied).delete()


def _summary_rows(counts, groups, *, course_ids) -> list[CompletionSummary]:
    """Rows for each (group, key) and course, zeros included."""
    now = timezone.now()
    return [
        CompletionSummary(
            group=group,
            course_id=course_id,
            updated_at=now,
            **{
                name: getattr(counts, name).get((key, course_id), 0)
                for name in SUMMARY_FIGURES
            },
        )
        for group, key in groups
        for course_id in course_ids
    ]


def _recount_members(
    keys: set[GroupKey], groups: dict[GroupKey, ReportGroup], school_ids, *, using
) -> None:
    """Set the groups' member counts; adds new groups to `groups`."""
    counts = {
        row[:4]: row[4]
        for row in counted_memberships(school_ids=school_ids)
        .using(using)
        .filter(_keys_q(keys))
        .values(*GROUP_FIELDS)
        .annotate(n=Count("pk"))
        .values_list(*GROUP_FIELDS, "n")
    }
    new, changed = [], []
    for key in keys:
        members = counts.get(key, 0)
        group = groups.get(key)
        if group is None:
            if members:
                group = ReportGroup(
                    **dict(zip(GROUP_FIELDS, key, strict=True)), members=members
                )
                groups[key] = group
                new.append(group)
        elif group.members != members:
            group.members = members
            changed.append(group)
    if new:
        ReportGroup.objects.using(using).bulk_create(new)
    if changed:
        ReportGroup.objects.using(using).bulk_update(changed, ["members"])

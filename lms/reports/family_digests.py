"""Family digests: what happened in each child's training, once per period.

Run by ``manage.py send_family_digests`` (daily, from cron or the task
queue's scheduler). Nothing is collected while learners work: the events are
read at digest time from the records they already leave.

- **assigned**: an enrolment made by a class assignment (courses'
  `course_assign_to_classes`);
- **overdue**: the deadline of a course the child must or chose to take
  (`CourseStatus.deadline`, the first closing time of a step still to do)
  passed and the course is not complete, as `courses.selectors` says;
- **completed**: a course completion, with the certificate's public
  verification link when one is valid.

Each guardian gets at most one digest per period (``LMS_FAMILY_DIGEST_PERIOD``,
weekly by default; a `FamilyDigest` row per guardian and period, unique in the
database), covering every child's events since the previous digest. A family
that opted out, or that no notifier reaches (no e-mail), gets nothing and has
nothing queued; the latter get printed letters (`family_letters`).
"""

import datetime
import logging
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from certificates.models import Certificate, CertificateStatus
from courses import progress
from courses.models import CourseCompletion, CoursePage, Enrolment
from courses.selectors import course_statuses_for, step_models
from lms.people.models import (
    FamilyDigest,
    Guardian,
    GuardianChild,
    Membership,
    Role,
)
from lms.people.notify import (
    ChildNews,
    CourseNews,
    FamilyNotice,
    family_notify,
    notifier_for,
)
from lms.people.profiles import full_name_of

from .conf import site_url
from .selectors import current_school_year

logger = logging.getLogger(__name__)

PERIODS = ("daily", "weekly", "monthly")
# Guardians read and written per round: memory stays flat at any size.
CHUNK = 500


def digest_period() -> str:
    period = getattr(settings, "LMS_FAMILY_DIGEST_PERIOD", "weekly")
    if period not in PERIODS:
        raise ImproperlyConfigured(
            f"LMS_FAMILY_DIGEST_PERIOD must be one of {', '.join(PERIODS)}"
        )
    return period


def period_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the digest period containing `day`."""
    period = digest_period()
    if period == "daily":
        return day, day
    if period == "weekly":
        start = day - datetime.timedelta(days=day.weekday())  # Monday
        return start, start + datetime.timedelta(days=6)
    last = monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def events_floor(period_start: datetime.date) -> datetime.datetime:
    """The earliest event a digest reports: the previous period's start, so
    a first digest (or one after a quiet spell) never digs up old news."""
    previous_start, _end = period_bounds(period_start - datetime.timedelta(days=1))
    return _local_midnight(previous_start)


@dataclass
class DigestLine:
    guardian: Guardian
    notice: FamilyNotice
    channel: str = ""


@dataclass
class DigestRun:
    period_start: datetime.date
    sent: list[DigestLine] = field(default_factory=list)
    failed: list[DigestLine] = field(default_factory=list)
    # Guardians no notifier reaches (no e-mail): they get printed letters.
    unreachable: int = 0
    # Guardians with no news for this period: nothing sent, nothing recorded.
    quiet: int = 0


def _guardians_due(period_start: datetime.date):
    """Guardians who have not opted out, have a child, and had no digest for
    this period yet."""
    return (
        Guardian.objects.filter(notices_opt_out=False, child_links__isnull=False)
        .exclude(digests__period_start=period_start)
        .distinct()
        .order_by("pk")
    )


def _courses_closing(start, end) -> list[CoursePage]:
    """Live courses with a step (of any step type that has a closing time)
    closing in (start, end]: the only ones that can have become overdue."""
    paths: set[str] = set()
    for model in step_models():
        if not any(f.name == "closes_at" for f in model._meta.get_fields()):
            continue
        paths.update(
            path[: -Page.steplen]
            for path in model.objects.live()
            .filter(closes_at__gt=start, closes_at__lte=end)
            .values_list("path", flat=True)
        )
    if not paths:
        return []
    return list(
        CoursePage.objects.live()
        .filter(path__in=paths)
        .prefetch_related("school_years")
        .annotate(owner_school_id=progress.owner_school_subquery())
        .order_by("path")
    )


def _link(path: str) -> str:
    return site_url() + (path or "")


class _Collector:
    """Every child's events since `floor` for one chunk of guardians, read in
    a fixed number of queries (plus the progress selector's, per child with
    a course that closed in the window)."""

    def __init__(self, guardians: list[Guardian], *, floor, now, school_year):
        self.floor, self.now = floor, now
        self.children = {
            link.learner_id: link.learner
            for guardian in guardians
            for link in guardian.child_links.all()
        }
        ids = list(self.children)
        memberships = list(
            Membership.objects.filter(user_id__in=ids)
            .select_related("school_class")
            .order_by("pk")
        )
        self.class_name = {
            m.user_id: m.school_class.name
            for m in memberships
            if m.role == Role.STUDENT
            and m.school_class_id
            and school_year is not None
            and m.school_year_id == school_year.pk
        }
        self.memberships = defaultdict(list)
        for m in memberships:
            self.memberships[m.user_id].append(
                {
                    "school_id": m.school_id,
                    "role": m.role,
                    "school_year_id": m.school_year_id,
                    "school_class_id": m.school_class_id,
                }
            )
        self.assigned = self._assigned(ids)
        self.completed = self._completed(ids)
        self.overdue = self._overdue(ids)

    def _assigned(self, ids) -> dict[int, list[CourseNews]]:
        found = defaultdict(list)
        enrolments = (
            Enrolment.objects.filter(
                user_id__in=ids,
                source=Enrolment.Source.ASSIGNED,
                enrolled_at__gt=self.floor,
                enrolled_at__lte=self.now,
                course__live=True,
            )
            .select_related("course")
            .order_by("enrolled_at", "pk")
        )
        for enrolment in enrolments:
            found[enrolment.user_id].append(
                CourseNews(
                    title=enrolment.course.title,
                    url=_link(enrolment.course.url),
                    when=enrolment.enrolled_at,
                )
            )
        return found

    def _completed(self, ids) -> dict[int, list[CourseNews]]:
        completions = list(
            CourseCompletion.objects.filter(
                user_id__in=ids,
                completed_at__gt=self.floor,
                completed_at__lte=self.now,
            ).order_by("completed_at", "pk")
        )
        codes = {
            (holder_id, course_id): code
            for holder_id, course_id, code in Certificate.objects.filter(
                holder_id__in={c.user_id for c in completions},
                course_id__in={c.course_id for c in completions if c.course_id},
                status=CertificateStatus.VALID,
            ).values_list("holder_id", "course_id", "code")
        }
        found = defaultdict(list)
        for completion in completions:
            code = codes.get((completion.user_id, completion.course_id))
            found[completion.user_id].append(
                CourseNews(
                    title=completion.course_title,
                    when=completion.completed_at,
                    certificate_url=_link(
                        reverse("lms_certificates:verify", args=[code])
                    )
                    if code
                    else "",
                )
            )
        return found

    def _overdue(self, ids) -> dict[int, list[CourseNews]]:
        closing = _courses_closing(self.floor, self.now)
        if not closing:
            return {}
        class_ids = {
            m["school_class_id"]
            for rows in self.memberships.values()
            for m in rows
            if m["school_class_id"]
        }
        requirement = progress.Requirement(closing, class_ids=class_ids)
        enrolled = set(
            Enrolment.objects.filter(user_id__in=ids, course__in=closing).values_list(
                "user_id", "course_id"
            )
        )
        found = defaultdict(list)
        for child_id in ids:
            theirs = [
                course
                for course in closing
                if (child_id, course.pk) in enrolled
                or any(
                    requirement.required(course.pk, **m)
                    for m in self.memberships[child_id]
                )
            ]
            if not theirs:
                continue
            statuses = course_statuses_for(user=self.children[child_id], courses=theirs)
            for course in theirs:
                status = statuses[course.pk]
                deadline = status.deadline
                if (
                    status.standing in (progress.COMPLETED, "")
                    or deadline is None
                    or not (self.floor < deadline <= self.now)
                ):
                    continue
                found[child_id].append(
                    CourseNews(title=course.title, url=_link(course.url), when=deadline)
                )
        return found

    def notice_for(self, guardian: Guardian, *, since) -> FamilyNotice:
        def after(items):
            return [item for item in items if item.when and item.when > since]

        children = []
        for link in guardian.child_links.all():
            child_id = link.learner_id
            news = ChildNews(
                name=full_name_of(link.learner),
                class_name=self.class_name.get(child_id, ""),
                assigned=after(self.assigned.get(child_id, [])),
                overdue=after(self.overdue.get(child_id, [])),
                completed=after(self.completed.get(child_id, [])),
            )
            if news.count:
                children.append(news)
        return FamilyNotice(
            period_start=timezone.localdate(since),
            period_end=timezone.localdate(self.now),
            children=children,
            site_url=site_url(),
        )


class _NotSent(Exception):
    pass


def family_digests_send(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> DigestRun:
    """Queue this period's digest for every family that has news and none yet.

    With `dry_run`, say who would get one; record and queue nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    period_start, _period_end = period_bounds(today)
    floor = events_floor(period_start)
    school_year = current_school_year(today=today)
    run = DigestRun(period_start=period_start)
    last_digest = FamilyDigest.objects.order_by("-covered_until")
    after_pk = 0
    while True:
        chunk = list(
            _guardians_due(period_start)
            .filter(pk__gt=after_pk)
            .select_related("user")
            .prefetch_related(
                Prefetch(
                    "child_links",
                    queryset=GuardianChild.objects.select_related(
                        "learner__lms_profile"
                    ).order_by("learner__lms_profile__sort_name", "pk"),
                ),
                Prefetch("digests", queryset=last_digest, to_attr="past_digests"),
            )[:CHUNK]
        )
        if not chunk:
            break
        after_pk = chunk[-1].pk
        reachable = [g for g in chunk if notifier_for(g) is not None]
        run.unreachable += len(chunk) - len(reachable)
        if not reachable:
            continue
        collector = _Collector(reachable, floor=floor, now=now, school_year=school_year)
        for guardian in reachable:
            since = max([floor, *(d.covered_until for d in guardian.past_digests[:1])])
            notice = collector.notice_for(guardian, since=since)
            if not notice.count:
                run.quiet += 1
                continue
            line = DigestLine(guardian=guardian, notice=notice)
            if dry_run or _deliver(
                line, period_start=period_start, since=since, now=now
            ):
                run.sent.append(line)
            else:
                run.failed.append(line)
    return run


def _deliver(line: DigestLine, *, period_start, since, now) -> bool:
    """Record the digest and queue it, together; False if either failed.

    The record comes first: a second run (or one running alongside) meets
    the unique constraint and its transaction, queued message and all, rolls
    back.
    """
    try:
        with transaction.atomic():
            record = FamilyDigest.objects.create(
                guardian=line.guardian,
                period_start=period_start,
                events=line.notice.count,
                covered_from=since,
                covered_until=now,
                sent_at=now,
            )
            line.channel = family_notify(guardian=line.guardian, notice=line.notice)
            if not line.channel:
                raise _NotSent
            record.channel = line.channel
            record.save(update_fields=["channel"])
    except IntegrityError:
        logger.info("Family digest for guardian %s sent already", line.guardian.pk)
        return False
    except _NotSent:
        return False
    except Exception:
        # One bad row must not stop the others; it is tried next run.
        logger.exception("Family digest for guardian %s failed", line.guardian.pk)
        return False
    return True

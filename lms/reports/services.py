"""Reminders: learners with required courses to finish, homeroom teachers' digest.

Run by `manage.py send_reminders` from cron or the task queue's scheduler.
Each person gets at most one email of each kind per
``settings.LMS_REMINDER_PERIOD_DAYS``; every email is written in the
recipient's language.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import CourseCompletion
from lms.mail.services import email_queue
from lms.people.models import Membership, Role, SchoolYear
from lms.people.voice import voice_of_user, voices_of_users_prefetch

from .conf import reminder_period_days, site_url
from .models import ReminderKind, ReminderLog
from .selectors import (
    REPORTED_ROLES,
    ReportFilters,
    Requirement,
    completion_facts_for,
    courses_for_report,
    current_school_year,
)

logger = logging.getLogger(__name__)


def recipient_language(user) -> str:
    """The language the person chose in their Wagtail profile, else Vietnamese.

    Learners have no language preference of their own (the user model has
    none), so they get the site's default language, Vietnamese.
    """
    supported = {code for code, _name in settings.LANGUAGES}
    try:
        chosen = user.wagtail_userprofile.preferred_language
    except user._meta.model.wagtail_userprofile.RelatedObjectDoesNotExist:
        chosen = ""
    return chosen if chosen in supported else settings.LANGUAGE_CODE


@dataclass
class Reminder:
    kind: str
    user: object
    subject: str
    text: str
    html: str


@dataclass
class ReminderRun:
    sent: list[Reminder] = field(default_factory=list)
    failed: list[Reminder] = field(default_factory=list)


def _not_reminded_since(members: QuerySet, kind: str, since) -> QuerySet:
    return members.exclude(
        Exists(
            ReminderLog.objects.filter(
                user_id=OuterRef("user_id"), kind=kind, sent_at__gte=since
            )
        )
    )


def _recipients(
    school_year: SchoolYear, kind: str, since, roles, school_id
) -> QuerySet:
    members = Membership.objects.filter(
        school_year=school_year,
        school_id=school_id,
        role__in=roles,
        user__is_active=True,
    ).exclude(user__email="")
    return _not_reminded_since(members, kind, since).select_related(
        "user__wagtail_userprofile", "school", "school_class"
    )


def _render(kind: str, user, context: dict) -> Reminder:
    with translation.override(recipient_language(user)):
        context = {
            **context,
            "user": user,
            "site_url": site_url(),
            "voice": voice_of_user(user),
        }
        subject = render_to_string(f"lms_reports/email/{kind}_subject.txt", context)
        return Reminder(
            kind=kind,
            user=user,
            subject=" ".join(subject.split()),
            text=render_to_string(f"lms_reports/email/{kind}.txt", context),
            html=render_to_string(f"lms_reports/email/{kind}.html", context),
        )


def learner_reminders(
    *, school_year: SchoolYear, school_id: int, since, courses
) -> list[Reminder]:
    """One email per learner of a school with required courses not yet complete."""
    memberships = list(
        _recipients(
            school_year, ReminderKind.LEARNER, since, REPORTED_ROLES, school_id
        ).order_by("user_id", "pk")
    )
    requirement = Requirement(
        courses, class_ids={m.school_class_id for m in memberships if m.school_class_id}
    )
    completed = set(
        CourseCompletion.objects.filter(
            user_id__in=[m.user_id for m in memberships],
            course_id__in=[course.pk for course in courses],
        ).values_list("user_id", "course_id")
    )
    todo: dict[int, tuple[object, list]] = {}
    for membership in memberships:
        for course in courses:
            if (membership.user_id, course.pk) in completed:
                continue
            if not requirement.required(
                course.pk,
                school_id=membership.school_id,
                role=membership.role,
                school_year_id=membership.school_year_id,
                school_class_id=membership.school_class_id,
            ):
                continue
            user, pending = todo.setdefault(membership.user_id, (membership.user, []))
            if course not in pending:
                pending.append(course)
    links = {course.pk: site_url() + (course.url or "") for course in courses}
    voices_of_users_prefetch(user for user, _pending in todo.values())
    return [
        _render(
            ReminderKind.LEARNER,
            user,
            {
                "courses": [
                    {"title": course.title, "url": links[course.pk]}
                    for course in pending
                ]
            },
        )
        for user, pending in todo.values()
    ]


def homeroom_digests(
    *, school_year: SchoolYear, school_id: int, since, courses
) -> list[Reminder]:
    """One email per homeroom teacher: their classes' progress in each course."""
    teachers = list(
        _recipients(
            school_year,
            ReminderKind.HOMEROOM_DIGEST,
            since,
            [Role.HOMEROOM_TEACHER],
            school_id,
        ).order_by("user_id", "school_class__name")
    )
    if not teachers:
        return []
    class_ids = {m.school_class_id for m in teachers}
    students = Membership.objects.filter(
        role=Role.STUDENT, school_class_id__in=class_ids, school_year=school_year
    )
    facts = completion_facts_for(
        members=students,
        filters=ReportFilters(school_year=school_year),
        courses=courses,
    )
    figures = facts.by_course_class()
    classes: dict[int, tuple[object, list]] = {}
    for membership in teachers:
        rows = [
            {"course": course.title, "figures": figures[(course.pk, class_id)]}
            for class_id in [membership.school_class_id]
            for course in facts.courses
            if (course.pk, class_id) in figures
        ]
        user, sections = classes.setdefault(membership.user_id, (membership.user, []))
        sections.append({"class_name": membership.school_class.name, "rows": rows})
    return [
        _render(ReminderKind.HOMEROOM_DIGEST, user, {"sections": sections})
        for user, sections in classes.values()
    ]


def reminders_send(*, dry_run: bool = False, now=None) -> ReminderRun:
    """Send what is due now and record it; with `dry_run`, only say what would go."""
    now = now or timezone.now()
    run = ReminderRun()
    today = timezone.localdate(now)
    school_year = current_school_year(today=today)
    if school_year is None or not (
        school_year.starts_on <= today <= school_year.ends_on
    ):
        return run  # no reminders in the summer holidays
    since = now - timedelta(days=reminder_period_days())
    courses = courses_for_report(filters=ReportFilters())
    school_ids = (
        Membership.objects.filter(school_year=school_year, school__isnull=False)
        .order_by("school_id")
        .values_list("school_id", flat=True)
        .distinct()
    )
    # School by school, so a Department's 300,000 learners never sit in memory.
    for school_id in school_ids:
        scope = {
            "school_year": school_year,
            "school_id": school_id,
            "since": since,
            "courses": courses,
        }
        due = learner_reminders(**scope) + homeroom_digests(**scope)
        _deliver(due, run=run, dry_run=dry_run, now=now)
    return run


def _deliver(due: list[Reminder], *, run: ReminderRun, dry_run: bool, now) -> None:
    for reminder in due:
        sent = dry_run or _send(reminder, now=now)
        # The run keeps who got what; the bodies would fill memory at scale.
        reminder.text = reminder.html = ""
        (run.sent if sent else run.failed).append(reminder)


def _send(reminder: Reminder, *, now) -> bool:
    """Queue one reminder and record it, together; False if that failed.

    The queue sends it (lms/mail): a mail server that is down delays the
    reminder, it does not lose it, and the log keeps it from being queued
    twice in the period.
    """
    try:
        with transaction.atomic():
            email_queue(
                to=reminder.user.email,
                user=reminder.user,
                kind=f"reminder:{reminder.kind}",
                subject=reminder.subject,
                body=reminder.text,
                html=reminder.html,
                send_soon=False,
            )
            ReminderLog.objects.create(
                user=reminder.user, kind=reminder.kind, sent_at=now
            )
    except Exception:
        # One bad row must not stop the others; it is tried next run.
        logger.exception("Reminder to user %s failed", reminder.user.pk)
        return False
    return True


def describe(reminder: Reminder) -> str:
    return _("%(kind)s to %(email)s: %(subject)s") % {
        "kind": ReminderKind(reminder.kind).label,
        "email": reminder.user.email,
        "subject": reminder.subject,
    }

"""Notices to families, and the senders ("notifiers") that carry them.

A caller builds a `FamilyNotice` (plain data: names, titles, links, dates)
and hands it to `family_notify`, which asks the notifiers named by the
setting ``LMS_FAMILY_NOTIFIERS``, in order, and lets the first one that can
reach the guardian send it. E-mail is the only notifier shipped
(``lms.mail.notifiers.EmailNotifier``); an SMS or Zalo ZNS sender is one
class with the same two methods, added to the setting. Callers never name a
notifier, so adding one changes no caller.

A guardian who opted out of notices is reached by no notifier: nothing is
sent and nothing is queued for them, whatever the setting lists.

This module imports no other app: notifiers are loaded by their dotted path.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .models import Guardian

DEFAULT_NOTIFIERS = ("lms.mail.notifiers.EmailNotifier",)


@dataclass(frozen=True)
class CourseNews:
    """One thing that happened in one course of one child."""

    title: str
    url: str = ""
    # When it happened: assigned at, the deadline passed, completed at.
    when: datetime.datetime | None = None
    # For a completion with a certificate: the public verification link.
    certificate_url: str = ""


@dataclass
class ChildNews:
    """What happened to one child in the period, by kind."""

    name: str
    class_name: str = ""
    assigned: list[CourseNews] = field(default_factory=list)
    overdue: list[CourseNews] = field(default_factory=list)
    completed: list[CourseNews] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.assigned) + len(self.overdue) + len(self.completed)


@dataclass
class FamilyNotice:
    """A digest: every child's news of one period, for one guardian."""

    period_start: datetime.date
    period_end: datetime.date
    children: list[ChildNews]
    site_url: str = ""
    kind: str = "digest"

    @property
    def count(self) -> int:
        return sum(child.count for child in self.children)


@runtime_checkable
class Notifier(Protocol):
    """A way of reaching a family: e-mail, SMS, Zalo ZNS...

    `name` is recorded with each digest sent. `reaches` says whether this
    notifier has what it needs for the guardian (an address, a phone
    number); `send` queues the notice in the caller's transaction (so a
    rolled-back run sends nothing) and returns whether it did.
    """

    name: str

    def reaches(self, guardian: Guardian) -> bool: ...

    def send(self, *, guardian: Guardian, notice: FamilyNotice) -> bool: ...


@cache
def _load(paths: tuple[str, ...]) -> tuple[Notifier, ...]:
    notifiers = []
    for path in paths:
        try:
            notifier = import_string(path)()
        except ImportError as error:
            raise ImproperlyConfigured(
                f"LMS_FAMILY_NOTIFIERS names {path!r}, which cannot be imported"
            ) from error
        if not isinstance(notifier, Notifier):
            raise ImproperlyConfigured(
                f"LMS_FAMILY_NOTIFIERS: {path!r} has no name, reaches() and send()"
            )
        notifiers.append(notifier)
    return tuple(notifiers)


def family_notifiers() -> tuple[Notifier, ...]:
    """The notifiers ``LMS_FAMILY_NOTIFIERS`` names, in order (loaded once)."""
    paths = getattr(settings, "LMS_FAMILY_NOTIFIERS", DEFAULT_NOTIFIERS)
    return _load(tuple(paths))


def notifier_for(guardian: Guardian) -> Notifier | None:
    """The first notifier that reaches `guardian`; None if they opted out or
    none does (no e-mail and no other channel: they get printed letters)."""
    if guardian.notices_opt_out:
        return None
    return next((n for n in family_notifiers() if n.reaches(guardian)), None)


def family_notify(*, guardian: Guardian, notice: FamilyNotice) -> str:
    """Send `notice` to `guardian` by the first notifier that reaches them.

    Returns the notifier's name, or "" when nothing was sent (opted out, no
    way to reach them, or the notifier declined).
    """
    notifier = notifier_for(guardian)
    if notifier is None or not notifier.send(guardian=guardian, notice=notice):
        return ""
    return notifier.name

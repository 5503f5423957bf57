"""Importing class and staff rosters: the writes.

Who is who: a row with a code (Mã học sinh, or Mã cán bộ for staff) is the
person of the school with that code (``PersonProfile.student_code``); a staff
row without a code is the person of the school with that email address. Only
people who already belong to the school (any year) are matched, so a file can
never touch another school's accounts.
"""

import datetime
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from lms.transactions import atomic_retrying_once

from ..models import (
    ROLES_WITH_CLASS,
    GuardianChild,
    Membership,
    PersonProfile,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from ..profiles import profile_of, profile_update
from ..services import guardian_ensure, membership_ensure, user_create
from ..signals import people_changing
from ..text import fold_for_search
from .credentials import Credential, initial_password_generate, initial_password_hash
from .parsing import (
    RosterFileError,
    RosterRow,
    RowProblem,
    roster_parse,
    row_label,
)

logger = logging.getLogger(__name__)

User = get_user_model()
CODE_MAX_LENGTH = PersonProfile._meta.get_field("student_code").max_length
NAME_MAX_LENGTH = PersonProfile._meta.get_field("full_name").max_length
CLASS_MAX_LENGTH = SchoolClass._meta.get_field("name").max_length


@dataclass
class RosterEntry:
    """One person of the file and what the import does (or did) to them."""

    row: int
    sheet: str
    full_name: str
    code: str
    class_name: str
    role: str
    email: str = ""
    # Stored: it is the one way to know who is under 16 and so needs a parent's
    # or guardian's consent (Decree 13/2023/NĐ-CP art. 20). Data minimisation
    # is why nothing else optional in the file (gender, address…) is kept, and
    # why the date never appears on a public page or a certificate.
    birth_date: datetime.date | None = None
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    guardian_relation: str = ""
    username: str = ""
    changes: list[str] = field(default_factory=list)
    user: User | None = None

    @property
    def where(self) -> str:
        return row_label(self.row, self.sheet)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


@dataclass
class RosterReport:
    dry_run: bool
    created: list[RosterEntry] = field(default_factory=list)
    updated: list[RosterEntry] = field(default_factory=list)
    unchanged: list[RosterEntry] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    classes_created: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def username_base(full_name: str, code: str) -> str:
    """ASCII login from the name and code: "Nguyễn Văn An", HS01 -> annv.hs01."""
    words = [
        re.sub(r"[^a-z0-9]", "", word) for word in fold_for_search(full_name).split()
    ]
    words = [word for word in words if word]
    base = (words[-1] + "".join(word[0] for word in words[:-1])) if words else "user"
    code_part = re.sub(r"[^a-z0-9]", "", fold_for_search(code))
    return (f"{base}.{code_part}" if code_part else base)[:140]


def _usernames_allocate(entries: list[RosterEntry]) -> None:
    bases = [(entry, username_base(entry.full_name, entry.code)) for entry in entries]
    taken = set(
        User.objects.filter(username__in={base for _entry, base in bases}).values_list(
            "username", flat=True
        )
    )
    for entry, base in bases:
        candidate, number = base, 2
        while candidate in taken or (
            candidate != base and User.objects.filter(username=candidate).exists()
        ):
            candidate = f"{base}{number}"
            number += 1
        taken.add(candidate)
        entry.username = candidate


def _rows_check(
    rows: list[RosterRow], classes: dict[str, SchoolClass], create_classes: bool
) -> tuple[list[RowProblem], set[str]]:
    problems: list[RowProblem] = []
    new_classes: set[str] = set()
    seen: dict[tuple[str, str], RosterRow] = {}
    for row in rows:

        def refuse(message: str, row: RosterRow = row) -> None:
            problems.append(RowProblem(row.row, message, row.sheet))

        is_staff = row.role != Role.STUDENT
        if not row.full_name:
            refuse(_("The full name is missing."))
        elif len(row.full_name) > NAME_MAX_LENGTH:
            refuse(_("The full name is too long."))
        if not row.code and not is_staff:
            refuse(_("The student code is missing."))
        elif not row.code and not row.email:
            refuse(_("A member of staff needs a staff code or an email address."))
        elif len(row.code) > CODE_MAX_LENGTH:
            refuse(
                _("The code %(code)s is longer than %(max)d characters.")
                % {"code": row.code, "max": CODE_MAX_LENGTH}
            )
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                refuse(_('"%(email)s" is not an email address.') % {"email": row.email})
        if row.role in ROLES_WITH_CLASS:
            if not row.class_name:
                refuse(_("The class is missing."))
            elif len(row.class_name) > CLASS_MAX_LENGTH:
                refuse(_("The class name is too long."))
            elif row.class_name not in classes:
                if create_classes:
                    new_classes.add(row.class_name)
                else:
                    refuse(
                        _(
                            "There is no class %(class)s in this school year; create "
                            "it first or choose to create missing classes."
                        )
                        % {"class": row.class_name}
                    )
        key = ("code", row.code) if row.code else ("email", row.email)
        if key[1]:
            if key in seen:
                first = seen[key]
                if key[0] == "code":
                    message = _("The code %(code)s also appears in %(where)s.") % {
                        "code": row.code,
                        "where": row_label(first.row, first.sheet).lower(),
                    }
                else:
                    message = _("The email %(email)s also appears in %(where)s.") % {
                        "email": row.email,
                        "where": row_label(first.row, first.sheet).lower(),
                    }
                refuse(message)
            else:
                seen[key] = row
    return problems, new_classes


def _existing_people(
    rows: list[RosterRow], school: School
) -> tuple[dict[str, list[User]], dict[str, list[User]]]:
    in_school = (
        User.objects.filter(memberships__school=school)
        .select_related("lms_profile")
        .distinct()
    )
    by_code: dict[str, list[User]] = defaultdict(list)
    codes = {row.code for row in rows if row.code}
    for user in in_school.filter(lms_profile__student_code__in=codes):
        by_code[profile_of(user).student_code].append(user)
    by_email: dict[str, list[User]] = defaultdict(list)
    emails = {row.email for row in rows if not row.code and row.email}
    if emails:
        for user in in_school.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails
        ):
            by_email[user.email_lower].append(user)
    return by_code, by_email


def _membership_changes(
    entry: RosterEntry,
    memberships: list[Membership],
    school: School,
) -> list[str]:
    if entry.role == Role.STUDENT:
        current = next((m for m in memberships if m.role == Role.STUDENT), None)
        if current is None:
            return [_("joins class %(class)s") % {"class": entry.class_name}]
        if current.school_id != school.pk or (
            current.school_class.name != entry.class_name
        ):
            return [
                _("class: %(old)s → %(new)s")
                % {"old": current.school_class.name, "new": entry.class_name}
            ]
        return []
    if entry.role == Role.HOMEROOM_TEACHER:
        has_role = any(
            m.role == entry.role
            and m.school_id == school.pk
            and m.school_class is not None
            and m.school_class.name == entry.class_name
            for m in memberships
        )
    else:
        has_role = any(
            m.role == entry.role and m.school_id == school.pk and m.school_class is None
            for m in memberships
        )
    if has_role:
        return []
    if entry.class_name:
        return [
            _("new role: %(role)s of %(class)s")
            % {"role": entry.role_label, "class": entry.class_name}
        ]
    return [_("new role: %(role)s") % {"role": entry.role_label}]


def _guardian_changes(entry: RosterEntry, links: list[GuardianChild]) -> list[str]:
    """What the row's parent columns change for a known student."""
    if not entry.guardian_name:
        return []
    wanted = fold_for_search(entry.guardian_name)
    link = next(
        (x for x in links if fold_for_search(x.guardian.full_name) == wanted), None
    )
    if link is None:
        return [_("parent: %(name)s") % {"name": entry.guardian_name}]
    known = link.guardian
    changes = []
    if entry.guardian_relation and entry.guardian_relation != link.relation:
        changes.append(
            _("parent's relation: %(old)s → %(new)s")
            % {
                "old": link.get_relation_display(),
                "new": GuardianChild.Relation(entry.guardian_relation).label,
            }
        )
    if entry.guardian_phone and entry.guardian_phone != known.phone:
        changes.append(
            _("parent's phone: %(old)s → %(new)s")
            % {"old": known.phone or "–", "new": entry.guardian_phone}
        )
    if entry.guardian_email and entry.guardian_email != known.email:
        changes.append(
            _("parent's email: %(old)s → %(new)s")
            % {"old": known.email or "–", "new": entry.guardian_email}
        )
    return changes


def _entries_plan(
    rows: list[RosterRow],
    school: School,
    school_year: SchoolYear,
    report,
    *,
    lock: bool = False,
) -> None:
    by_code, by_email = _existing_people(rows, school)
    matched: dict[RosterRow, User] = {}
    for row in rows:
        found = by_code.get(row.code, []) if row.code else by_email.get(row.email, [])
        if len(found) > 1:
            report.refused.append(
                RowProblem(
                    row.row,
                    _(
                        "%(count)d accounts of this school share this code or "
                        "email; correct them in Users first."
                    )
                    % {"count": len(found)},
                    row.sheet,
                )
            )
        elif found:
            matched[row] = found[0]
    if report.refused:
        return
    if lock:
        # In ascending order, before any write: see `roster_import`.
        locked = list(
            User.objects.select_for_update()
            .filter(pk__in=[user.pk for user in matched.values()])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        people_changing.send(sender=Membership, user_ids=locked)
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.filter(
        user__in=[user.pk for user in matched.values()], school_year=school_year
    ).select_related("school_class"):
        memberships[membership.user_id].append(membership)
    guardians: dict[int, list[GuardianChild]] = defaultdict(list)
    for link in GuardianChild.objects.filter(
        learner__in=[user.pk for user in matched.values()]
    ).select_related("guardian"):
        guardians[link.learner_id].append(link)
    new_entries = []
    for row in rows:
        entry = RosterEntry(
            row=row.row,
            sheet=row.sheet,
            full_name=row.full_name,
            code=row.code,
            class_name=row.class_name if row.role in ROLES_WITH_CLASS else "",
            role=row.role,
            email=row.email,
            birth_date=row.birth_date,
            guardian_name=row.guardian_name,
            guardian_phone=row.guardian_phone,
            guardian_email=row.guardian_email,
            guardian_relation=row.guardian_relation,
        )
        user = matched.get(row)
        if user is None:
            new_entries.append(entry)
            report.created.append(entry)
            continue
        entry.user = user
        entry.username = user.username
        profile = profile_of(user)
        if profile.full_name != row.full_name:
            entry.changes.append(
                _("name: %(old)s → %(new)s")
                % {"old": profile.full_name, "new": row.full_name}
            )
        if row.birth_date and profile.birth_date != row.birth_date:
            entry.changes.append(
                _("date of birth: %(old)s → %(new)s")
                % {
                    "old": profile.birth_date.strftime("%d/%m/%Y")
                    if profile.birth_date
                    else "–",
                    "new": row.birth_date.strftime("%d/%m/%Y"),
                }
            )
        if row.email and user.email.lower() != row.email:
            entry.changes.append(
                _("email: %(old)s → %(new)s")
                % {"old": user.email or "–", "new": row.email}
            )
        entry.changes += _membership_changes(entry, memberships[user.pk], school)
        entry.changes += _guardian_changes(entry, guardians[user.pk])
        (report.updated if entry.changes else report.unchanged).append(entry)
    _usernames_allocate(new_entries)


@atomic_retrying_once
def roster_import(
    *,
    data: bytes,
    filename: str,
    school: School,
    school_year: SchoolYear,
    create_classes: bool,
    dry_run: bool,
    imported_by: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RosterReport:
    """Import a class or staff list into `school` for `school_year`.

    All or nothing: if any row is refused, `report.refused` says why (row by
    row) and nothing is written. Safe to repeat: people are matched by code
    (staff without a code by email) within the school. New accounts get a
    one-time password, returned in `report.credentials` and nowhere else.

    `progress(done, total)` is called as people are written, for a progress
    bar; it must not write to the database (the import is not committed yet).
    """
    report = RosterReport(dry_run=dry_run)
    try:
        parsed = roster_parse(data=data, filename=filename)
    except RosterFileError as error:
        report.refused.append(RowProblem(None, error.message))
        return report
    report.ignored_columns = parsed.ignored_columns
    report.refused.extend(parsed.problems)
    if not dry_run:
        # Two imports into one school wait for each other instead of both
        # creating the same new people.
        School.objects.select_for_update().filter(pk=school.pk).first()
    classes = {
        c.name: c
        for c in SchoolClass.objects.filter(school=school, school_year=school_year)
    }
    problems, new_classes = _rows_check(parsed.rows, classes, create_classes)
    report.refused.extend(problems)
    if not report.refused:
        _entries_plan(parsed.rows, school, school_year, report, lock=not dry_run)
    report.refused.sort(key=lambda p: (p.sheet, p.row or 0))
    report.classes_created = sorted(new_classes)
    if report.refused or dry_run:
        return report
    for name in report.classes_created:
        classes[name] = SchoolClass.objects.create(
            school=school, school_year=school_year, name=name
        )
    total, done = len(report.created) + len(report.updated), 0
    for entry in report.created:
        password = initial_password_generate()
        user = user_create(
            username=entry.username,
            full_name=entry.full_name,
            email=entry.email,
            student_code=entry.code,
            must_change_password=True,
        )
        user.password = initial_password_hash(password)
        user.save(update_fields=["password"])
        profile = profile_update(user=user, birth_date=entry.birth_date)
        entry.user = user
        _membership_apply(entry, school, school_year, classes)
        report.credentials.append(
            Credential(
                class_name=entry.class_name,
                full_name=profile.full_name,
                code=entry.code,
                username=user.username,
                password=password,
            )
        )
        done += 1
        if progress is not None:
            progress(done, total)
    for entry in report.updated:
        user = entry.user
        if entry.email:
            user.email = entry.email
            user.save(update_fields=["email"])
        profile_update(
            user=user,
            full_name=entry.full_name,
            birth_date=entry.birth_date or profile_of(user).birth_date,
        )
        _membership_apply(entry, school, school_year, classes)
        done += 1
        if progress is not None:
            progress(done, total)
    logger.info(
        "Roster import into %s %s by %s: %d created, %d updated, %d unchanged",
        school.code,
        school_year.name,
        imported_by.username if imported_by else "-",
        len(report.created),
        len(report.updated),
        len(report.unchanged),
    )
    return report


def _membership_apply(
    entry: RosterEntry,
    school: School,
    school_year: SchoolYear,
    classes: dict[str, SchoolClass],
) -> None:
    if entry.guardian_name:
        guardian_ensure(
            learner=entry.user,
            school=school,
            full_name=entry.guardian_name,
            phone=entry.guardian_phone,
            email=entry.guardian_email,
            relation=entry.guardian_relation,
        )
    membership_ensure(
        user=entry.user,
        role=entry.role,
        school_year=school_year,
        school=school,
        school_class=classes[entry.class_name] if entry.class_name else None,
    )


@transaction.atomic
def initial_passwords_reissue(*, school_class: SchoolClass) -> list[Credential]:
    """New one-time passwords for the class's students who never signed in.

    "Never signed in" means still bound to change their initial password;
    people who chose their own password keep it.
    """
    students = User.objects.filter(
        memberships__school_class=school_class, memberships__role=Role.STUDENT
    )
    return _passwords_reissue(students, sheet=school_class.name)


@transaction.atomic
def staff_initial_passwords_reissue(*, people: QuerySet[User]) -> list[Credential]:
    """New one-time passwords for the staff among `people` who never signed in.

    `people` is who the caller may reset (`policies.staff_passwords_reissuable`).
    Everyone goes on the one "Staff" sheet, homeroom teachers included.
    """
    return _passwords_reissue(people, sheet="")


def _passwords_reissue(people: QuerySet[User], *, sheet: str) -> list[Credential]:
    """A new initial password for each active person in `people` who never
    signed in, in name order, as credentials for the sheet named `sheet`."""
    credentials = []
    for user in (
        people.filter(lms_profile__must_change_password=True, is_active=True)
        .select_related("lms_profile")
        .distinct()
        .order_by("lms_profile__sort_name")
    ):
        password = initial_password_generate()
        user.password = initial_password_hash(password)
        user.save(update_fields=["password"])
        credentials.append(
            Credential(
                class_name=sheet,
                full_name=user.lms_profile.full_name,
                code=user.lms_profile.student_code,
                username=user.username,
                password=password,
            )
        )
    return credentials

"""Writes about people and organisations."""

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import (
    Guardian,
    GuardianActivationCode,
    GuardianChild,
    Membership,
    PersonErasure,
    PersonProfile,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from .policies import open_years_q, school_year_is_open
from .profiles import profile_of, profile_update
from .roles import (
    ROLE_GROUPS,
    SCHOOL_GROUP_NAMES,
    SCHOOL_GROUP_PREFIXES,
    content_author_group_name,
    school_admin_group_name,
)
from .text import fold_for_search, normalize_text

User = get_user_model()


def school_admin_group_ensure(*, school: School) -> Group:
    """The group of `school`'s admins, created when missing."""
    group, _created = Group.objects.get_or_create(name=school_admin_group_name(school))
    return group


def content_author_group_ensure(*, school: School) -> Group:
    """The group of `school`'s content authors, created when missing."""
    group, _created = Group.objects.get_or_create(
        name=content_author_group_name(school)
    )
    return group


def _school_group_ensure(*, role: str, school: School) -> Group:
    group, _created = Group.objects.get_or_create(name=SCHOOL_GROUP_NAMES[role](school))
    return group


def _managed_groups_q() -> Q:
    """The groups this module keeps in step with memberships."""
    where = Q(name__in=ROLE_GROUPS.values())
    for prefix in SCHOOL_GROUP_PREFIXES:
        where |= Q(name__startswith=prefix)
    return where


def user_groups_sync(*, user: User, today: datetime.date | None = None) -> None:
    """Make the user's LMS groups match the roles they hold.

    The role groups (admin access, read permissions) follow every membership,
    past years included, so a lapsed role still reads its own year's records;
    what one may *change* is decided per school and year by the policies. A
    school's own admin group and its content authors' group carry page rights
    on its catalogues, so only holders of a year not yet ended are in them.
    """
    # At each sign-in the groups are usually right already: the memberships
    # and the user's groups, two queries, show it; only a change reads and
    # writes more.
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("school", "school_year")
        .only("role", "school__code", "school_year__ends_on")
    )
    roles = {membership.role for membership in memberships}
    in_school_groups = [
        membership
        for membership in memberships
        if membership.role in SCHOOL_GROUP_NAMES
        and membership.school is not None
        and school_year_is_open(membership.school_year, today=today)
    ]
    wanted_names = {ROLE_GROUPS[r] for r in roles} | {
        SCHOOL_GROUP_NAMES[membership.role](membership.school)
        for membership in in_school_groups
    }
    current = set(user.groups.filter(_managed_groups_q()))
    if {group.name for group in current} == wanted_names:
        return
    wanted = set(Group.objects.filter(name__in=[ROLE_GROUPS[r] for r in roles]))
    for membership in in_school_groups:
        wanted.add(_school_group_ensure(role=membership.role, school=membership.school))
    if to_add := wanted - current:
        user.groups.add(*to_add)
    if to_remove := current - wanted:
        user.groups.remove(*to_remove)


def _group_members_set(group: Group, user_ids: set[int]) -> tuple[int, int]:
    through = User.groups.through
    current = set(through.objects.filter(group=group).values_list("user_id", flat=True))
    added = user_ids - current
    removed = current - user_ids
    through.objects.bulk_create(
        [through(user_id=pk, group=group) for pk in sorted(added)],
        ignore_conflicts=True,
    )
    if removed:
        through.objects.filter(group=group, user_id__in=removed).delete()
    return len(added), len(removed)


@transaction.atomic
def role_groups_sync_all(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Bring every LMS group in step with the memberships (see user_groups_sync).

    For the daily scheduler (``manage.py sync_role_groups``): the day after a
    school year ends, its school admins leave their school's group and so lose
    its page rights. A few queries per group, whatever the number of people.
    Returns (memberships added, removed).
    """
    open_memberships = Membership.objects.filter(
        open_years_q(today=today, prefix="school_year__")
    )
    added = removed = 0
    targets: list[tuple[Group, set[int]]] = []
    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        users = set(
            Membership.objects.filter(role=role).values_list("user_id", flat=True)
        )
        targets.append((group, users))
    holders: dict[tuple[str, int], set[int]] = {}
    for role, school_id, user_id in open_memberships.filter(
        role__in=list(SCHOOL_GROUP_NAMES), school__isnull=False
    ).values_list("role", "school_id", "user_id"):
        holders.setdefault((role, school_id), set()).add(user_id)
    school_groups = {}
    for school in School.objects.only("code"):
        for role in SCHOOL_GROUP_NAMES:
            group = _school_group_ensure(role=role, school=school)
            school_groups[group.pk] = group
            targets.append((group, holders.get((role, school.pk), set())))
    # Groups of schools renamed or gone keep nobody.
    prefixes = Q(pk__in=[])
    for prefix in SCHOOL_GROUP_PREFIXES:
        prefixes |= Q(name__startswith=prefix)
    for group in Group.objects.filter(prefixes):
        if group.pk not in school_groups:
            targets.append((group, set()))
    for group, users in targets:
        plus, minus = _group_members_set(group, users)
        added += plus
        removed += minus
    return added, removed


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    phone: str = "",
    student_code: str = "",
    must_change_password: bool = False,
) -> User:
    User = get_user_model()
    user = User(**{User.USERNAME_FIELD: normalize_text(username)})
    if User.get_email_field_name() in {f.name for f in User._meta.fields}:
        setattr(user, User.get_email_field_name(), email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    profile = PersonProfile(
        full_name=full_name,
        phone=phone,
        student_code=student_code,
        must_change_password=must_change_password,
    )
    user.full_clean(exclude=["password"])
    profile.full_clean(exclude=["user"])
    user.save()
    profile_update(
        user=user,
        full_name=profile.full_name,
        phone=phone,
        student_code=student_code,
        must_change_password=must_change_password,
    )
    return user


@transaction.atomic
def membership_ensure(
    *,
    user: User,
    role: str,
    school_year: SchoolYear,
    school: School | None = None,
    school_class: SchoolClass | None = None,
    department=None,
) -> Membership:
    """Give `user` the role; safe to call again with the same arguments."""
    if school_class is not None and school is None:
        school = school_class.school
    if role == Role.DEPARTMENT_OFFICER:
        lookup = {"department": department, "school": None, "school_class": None}
    else:
        lookup = {"school": school, "school_class": school_class, "department": None}
    if role == Role.STUDENT:
        # A student has one class a year; moving them updates that membership.
        membership = Membership.objects.filter(
            user=user, role=role, school_year=school_year
        ).first()
        if membership is not None:
            for field, value in lookup.items():
                setattr(membership, field, value)
            membership.full_clean()
            membership.save()
            return membership
    membership = Membership.objects.filter(
        user=user, role=role, school_year=school_year, **lookup
    ).first()
    if membership is None:
        membership = Membership(user=user, role=role, school_year=school_year, **lookup)
        membership.full_clean()
        membership.save()
    return membership


def password_changed(*, user: User) -> None:
    """Called after a person sets their own password."""
    if profile_of(user).must_change_password:
        profile_update(user=user, must_change_password=False)


# Children's data protection: a person's data export and erasure.
#
# Each app contributes its part through Wagtail hooks, so this app imports none
# of the others:
#   PERSON_EXPORT_HOOK: fn(*, person) -> (section, json_data, [(filename, bytes)])
#       or None; the files go into the ZIP under files/<section>/.
#   PERSON_ERASE_HOOK: fn(*, person, erasure) -> None; anonymises that app's
#       rows of `person` in the caller's transaction, before the profile
#       itself is emptied (the name is still there to find copies of it).

PERSON_EXPORT_HOOK = "lms_person_data_export"
PERSON_ERASE_HOOK = "lms_person_erase"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def person_profile_export(*, person: User) -> tuple[str, dict, list]:
    """The people app's own section: profile, roles and consents."""
    from .models import Consent

    profile = profile_of(person)
    data = {
        "id": person.pk,
        "username": person.get_username(),
        "full_name": profile.full_name,
        "email": getattr(person, "email", ""),
        "phone": profile.phone,
        "student_code": profile.student_code,
        "birth_date": _iso(profile.birth_date),
        "is_active": person.is_active,
        "date_joined": _iso(person.date_joined),
        "last_login": _iso(person.last_login),
        "memberships": [
            {
                "role": membership.role,
                "school_year": membership.school_year.name,
                "school": membership.school.name if membership.school else None,
                "class": membership.school_class.name
                if membership.school_class
                else None,
                "department": membership.department.name
                if membership.department
                else None,
            }
            for membership in Membership.objects.filter(user=person).select_related(
                "school_year", "school", "school_class", "department"
            )
        ],
        "consents": [
            {
                "given_by": consent.given_by,
                "giver_name": consent.giver_name,
                "method": consent.method,
                "given_on": _iso(consent.given_on),
                "recorded_at": _iso(consent.recorded_at),
                "withdrawn_on": _iso(consent.withdrawn_on),
                "note": consent.note,
            }
            for consent in Consent.objects.filter(learner=person)
        ],
    }
    return "profile", data, []


def person_data_export(*, person: User) -> bytes:
    """Everything the LMS holds about `person`, as a ZIP (data.json + files)."""
    import io
    import json
    import zipfile

    from django.utils import timezone
    from wagtail import hooks

    sections: dict[str, object] = {}
    files: list[tuple[str, bytes]] = []
    contributors = [person_profile_export, *hooks.get_hooks(PERSON_EXPORT_HOOK)]
    for contribute in contributors:
        result = contribute(person=person)
        if not result:
            continue
        name, data, section_files = result
        sections[name] = data
        files += [
            (f"files/{name}/{filename}", content)
            for filename, content in (section_files or [])
        ]
    document = {"exported_at": timezone.now().isoformat(), "sections": sections}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(document, ensure_ascii=False, indent=2, default=str).encode(
                "utf-8"
            ),
        )
        for path, content in files:
            archive.writestr(path, content)
    return buffer.getvalue()


def erased_name(*, user_id: int) -> str:
    # Not translated: it is stored, and reads the same for every viewer.
    return f"Người học đã xóa #{user_id}"


def _log_labels_scrub(*, person: User) -> None:
    """Audit log entries about the person's own rows keep the action, not the name."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    from .models import Consent

    label = erased_name(user_id=person.pk)
    for model, ids in [
        (User, [person.pk]),
        (
            Membership,
            Membership.objects.filter(user=person).values_list("pk", flat=True),
        ),
        (Consent, Consent.objects.filter(learner=person).values_list("pk", flat=True)),
    ]:
        object_ids = [str(pk) for pk in ids]
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=object_ids,
        ).update(label=label)


@transaction.atomic
def person_erase(
    *, person: User, erased_by: User | None, reason: str, source: str
) -> PersonErasure:
    """Anonymise `person` everywhere; keep anonymous statistics and an audit record.

    The account stays (so completions, scores and certificate records keep
    counting) but nothing in it identifies the person any more.
    """
    import secrets

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from wagtail import hooks
    from wagtail.users.models import UserProfile

    from .models import Consent

    person = User.objects.select_for_update().get(pk=person.pk)
    erasure = PersonErasure.objects.create(
        erased_user_id=person.pk,
        erased_by=erased_by,
        reason=normalize_text(reason)[:255],
        source=source,
    )
    for erase in hooks.get_hooks(PERSON_ERASE_HOOK):
        erase(person=person, erasure=erasure)

    _log_labels_scrub(person=person)
    Consent.objects.filter(learner=person).delete()
    # The child's parents are the child's data too: a contact left with no
    # child goes, and so does the contact of an erased parent account.
    guardian_ids = list(
        Guardian.objects.filter(child_links__learner=person).values_list(
            "pk", flat=True
        )
    )
    GuardianChild.objects.filter(learner=person).delete()
    Guardian.objects.filter(pk__in=guardian_ids, child_links__isnull=True).delete()
    Guardian.objects.filter(user=person).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=person.get_username()).delete()
    for profile in UserProfile.objects.filter(user=person):
        if profile.avatar:
            profile.avatar.delete(save=False)
        profile.delete()

    profile_update(
        user=person,
        full_name=erased_name(user_id=person.pk),
        phone="",
        student_code="",
        birth_date=None,
        must_change_password=False,
    )
    setattr(person, User.USERNAME_FIELD, f"deleted-{secrets.token_hex(8)}")
    for name in ("email", "first_name", "last_name"):
        if hasattr(person, name):
            setattr(person, name, "")
    person.is_active = False
    person.is_staff = False
    person.last_login = None
    person.set_unusable_password()
    person.save()
    return erasure


def person_is_erased(*, person: User) -> bool:
    return PersonErasure.objects.filter(erased_user_id=person.pk).exists()


def people_for_retention(*, school_years: int, today=None):
    """People with a learner role but none in the last `school_years` school years.

    The school years counted are the most recent ones that have started;
    superusers, staff and people already erased are never selected.
    """
    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from .models import LEARNER_ROLES

    today = today or timezone.localdate()
    recent = list(
        SchoolYear.objects.filter(starts_on__lte=today)
        .order_by("-starts_on")
        .values_list("pk", flat=True)[:school_years]
    )
    if len(recent) < school_years:
        # Fewer school years on record than the period: nobody is old enough.
        return User.objects.none()
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(is_superuser=False, is_staff=False)
        .filter(Exists(memberships.filter(role__in=LEARNER_ROLES)))
        .exclude(
            Exists(
                memberships.filter(
                    Q(school_year_id__in=recent) | Q(school_year__starts_on__gt=today)
                )
            )
        )
        .exclude(Exists(PersonErasure.objects.filter(erased_user_id=OuterRef("pk"))))
        .order_by("pk")
    )


# Families: guardian contacts, their links to children, one-time activation
# codes and the parent accounts they open.

ACTIVATION_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
ACTIVATION_CODE_LENGTH = 12  # 60 bits


@dataclasses.dataclass(frozen=True)
class IssuedActivationCode:
    """A code just issued: `code` is the only copy of it in clear text."""

    code: str
    record: GuardianActivationCode

    @property
    def expires_at(self) -> datetime.datetime:
        return self.record.expires_at


class ActivationRefused(ValueError):
    """A code cannot open an account; the message says why, to the person."""


def activation_code_normalise(code: str) -> str:
    """The code as issued, whatever spaces, hyphens or case it was typed with."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def activation_code_hash(code: str) -> str:
    """The keyed hash stored for a code (SECRET_KEY-keyed: a leaked table
    alone does not let anyone try codes offline)."""
    return salted_hmac(
        "lms.people.GuardianActivationCode",
        activation_code_normalise(code),
        algorithm="sha256",
    ).hexdigest()


def _activation_code_new() -> str:
    raw = "".join(
        secrets.choice(ACTIVATION_CODE_ALPHABET)
        for _position in range(ACTIVATION_CODE_LENGTH)
    )
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def guardian_activation_code_issue(
    *,
    guardian: Guardian,
    issued_by: User | None = None,
    now: datetime.datetime | None = None,
) -> IssuedActivationCode:
    """Issue a new one-time code for `guardian`, revoking their earlier ones.

    The clear code is returned once (print it, e-mail it) and never stored.
    """
    now = now or timezone.now()
    Guardian.objects.select_for_update().filter(pk=guardian.pk).first()
    GuardianActivationCode.objects.filter(
        guardian=guardian, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    code = _activation_code_new()
    record = GuardianActivationCode.objects.create(
        guardian=guardian,
        code_hash=activation_code_hash(code),
        issued_at=now,
        issued_by=issued_by,
        expires_at=now
        + datetime.timedelta(days=settings.LMS_PARENT_ACTIVATION_CODE_DAYS),
    )
    return IssuedActivationCode(code=code, record=record)


@transaction.atomic
def parent_account_activate(
    *,
    code: str,
    username: str,
    password: str,
    now: datetime.datetime | None = None,
) -> User:
    """Open the parent account of the guardian `code` was issued to.

    The code is used up; the new account has no role, no staff flag and no
    admin access: it sees the guardian's children's learning only.
    Raises ActivationRefused (nothing changed) when the code is unknown,
    used, revoked or expired, or the guardian already has an account.
    """
    now = now or timezone.now()
    record = (
        GuardianActivationCode.objects.select_for_update()
        .select_related("guardian")
        .filter(code_hash=activation_code_hash(code))
        .first()
    )
    if record is None or record.revoked_at is not None:
        raise ActivationRefused(
            _("This code is not valid. Check it, or ask the school for a new one.")
        )
    if record.used_at is not None:
        raise ActivationRefused(_("This code has already been used."))
    if now >= record.expires_at:
        raise ActivationRefused(
            _("This code has expired. Ask the school for a new one.")
        )
    guardian = record.guardian
    if guardian.user_id is not None:
        raise ActivationRefused(
            _(
                "This family already has an account. Sign in, or ask the "
                "school to reset its password."
            )
        )
    user = user_create(
        username=username,
        full_name=guardian.full_name,
        password=password,
        email=guardian.email,
        phone=guardian.phone,
    )
    guardian.user = user
    guardian.save(update_fields=["user"])
    record.used_at = now
    record.save(update_fields=["used_at"])
    return user


def guardian_consents_link(*, guardian: Guardian) -> int:
    """Point the consents this guardian gave for their children at them.

    Only consents given by a parent or guardian whose recorded name is the
    guardian's name (compared folded, as Vietnamese search does) and that
    point at nobody yet; anything that does not match stays as it was.
    """
    from .models import Consent

    wanted = fold_for_search(guardian.full_name)
    candidates = Consent.objects.filter(
        learner__guardian_links__guardian=guardian,
        given_by__in=[Consent.GivenBy.PARENT, Consent.GivenBy.GUARDIAN],
        guardian__isnull=True,
    )
    ids = [c.pk for c in candidates if fold_for_search(c.giver_name) == wanted]
    return Consent.objects.filter(pk__in=ids).update(guardian=guardian)


@transaction.atomic
def guardian_ensure(
    *,
    learner: User,
    school: School,
    full_name: str,
    phone: str = "",
    email: str = "",
    relation: str = "",
) -> Guardian:
    """Create or update `learner`'s guardian named `full_name`; safe to repeat.

    A guardian is matched among the learner's own guardians by name, then
    among the school's by name and phone or e-mail (a sibling's parent); a
    blank phone, e-mail or relation leaves what is known (a new link is
    "parent"). Matching consents are linked.
    """
    full_name = normalize_text(full_name)
    wanted = fold_for_search(full_name)
    guardian = next(
        (
            g
            for g in Guardian.objects.filter(child_links__learner=learner)
            if fold_for_search(g.full_name) == wanted
        ),
        None,
    )
    same_contact = (Q(phone=phone) if phone else Q(pk__in=[])) | (
        Q(email__iexact=email) if email else Q(pk__in=[])
    )
    if guardian is None and (phone or email):
        guardian = next(
            (
                g
                for g in Guardian.objects.filter(same_contact, school=school)
                if fold_for_search(g.full_name) == wanted
            ),
            None,
        )
    if guardian is None:
        guardian = Guardian(school=school, full_name=full_name)
    if phone:
        guardian.phone = phone
    if email:
        guardian.email = email
    guardian.full_name = full_name
    guardian.full_clean(exclude=["user"])
    guardian.save()
    link, created = GuardianChild.objects.get_or_create(
        guardian=guardian,
        learner=learner,
        defaults={"relation": relation or GuardianChild.Relation.PARENT},
    )
    if relation and not created and link.relation != relation:
        link.relation = relation
        link.save(update_fields=["relation"])
    guardian_consents_link(guardian=guardian)
    return guardian


ACTIVATION_EMAIL_KIND = "parent_activation_code"


@transaction.atomic
def guardian_activation_code_send(
    *, guardian: Guardian, issued_by: User | None = None
) -> tuple[IssuedActivationCode, bool]:
    """Issue `guardian` a new code (see `guardian_activation_code_issue`) and,
    when they have an e-mail address, queue it to them in their language.

    Returns the code and whether it was e-mailed; the queued message holds
    the code until it is sent, like any e-mail would.
    """
    from django.urls import reverse
    from django.utils import translation

    from lms.conf import site_url
    from lms.mail.services import email_queue

    issued = guardian_activation_code_issue(guardian=guardian, issued_by=issued_by)
    if not guardian.email:
        return issued, False
    with translation.override(guardian.language):
        children = ", ".join(c.get_full_name() for c in guardian.children.all())
        subject = _("Your parent account at %(school)s") % {
            "school": guardian.school.name
        }
        body = _(
            "Dear %(name)s,\n\n"
            "%(school)s invites you to follow the learning of %(children)s "
            "online: courses, progress and certificates.\n\n"
            "Open %(url)s, enter the activation code %(code)s and choose a "
            "username and a password. The code works once, until %(expires)s.\n\n"
            "If you did not ask for this, you can ignore this e-mail."
        ) % {
            "name": guardian.full_name,
            "school": guardian.school.name,
            "children": children,
            "url": site_url() + reverse("lms_people:parent_activate"),
            "code": issued.code,
            "expires": timezone.localtime(issued.expires_at).strftime("%d/%m/%Y"),
        }
    email_queue(
        to=guardian.email,
        subject=subject,
        body=body,
        kind=ACTIVATION_EMAIL_KIND,
        user=guardian.user,
    )
    return issued, True


@transaction.atomic
def guardian_children_set(*, guardian: Guardian, children: list[User]) -> None:
    """Make `children` the guardian's children (new links as "parent"), then
    link the consents the guardian gave for them."""
    wanted = {child.pk for child in children}
    GuardianChild.objects.filter(guardian=guardian).exclude(learner__in=wanted).delete()
    have = set(
        GuardianChild.objects.filter(guardian=guardian).values_list(
            "learner_id", flat=True
        )
    )
    GuardianChild.objects.bulk_create(
        GuardianChild(guardian=guardian, learner_id=pk) for pk in wanted - have
    )
    guardian_consents_link(guardian=guardian)

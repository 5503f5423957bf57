"""Writes for certificates: issue, render, revoke, reissue, bulk batches, audit.

Issuing happens in two steps so that serials stay gapless and workers still
render in parallel:

1. a short transaction locks the school-and-year counter row, takes the next
   number and inserts the certificate; if anything fails the transaction rolls
   back and the number is given back;
2. the PDF is rendered outside that lock, once, and stored with a conditional
   update, so a repeated job (a retried or re-enqueued task) never stores a
   second rendition.
"""

import errno
import logging
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from courses.models import CourseCompletion, CoursePage
from lms import conf
from lms.mail.services import email_queue
from lms.people.models import Membership, SchoolYear
from lms.people.profiles import profile_of
from lms.people.selectors import learning_year_for
from lms.people.voice import vgettext, voice_of_user

from . import rendering
from .eligibility import eligibility_for, eligibility_for_many
from .models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CertificateTemplate,
    CourseCertificateSetting,
    IssueBatch,
    IssueBatchItem,
    SerialCounter,
)

User = get_user_model()

logger = logging.getLogger(__name__)

CODE_BYTES = 16  # 128 bits; the issue asks for at least 80.
DEFAULT_SCHOOL_CODE = "LMS"


class CertificateRefused(Exception):
    """Issuing was refused; `check` names the check, `message` says why."""

    def __init__(self, check: str, message: str):
        super().__init__(message)
        self.check = check
        self.message = message


@dataclass
class IssueResult:
    certificate: Certificate
    created: bool


def new_code() -> str:
    """128 random bits, URL-safe; never starting with "-", which a command line
    (``verify_certificate CODE``) would take for an option."""
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if not code.startswith("-"):
            return code


def format_serial(*, school_code: str, year: int, number: int) -> str:
    return f"{school_code}-{year}-{number:06d}"


def verification_url(code: str) -> str:
    return conf.site_url() + reverse("lms_certificates:verify", args=[code])


def _vn_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _issuing_membership(user) -> Membership | None:
    """The school membership of the latest school year (as eligibility picks it)."""
    return (
        Membership.objects.filter(user=user, school__isnull=False)
        .select_related("school", "school_year")
        .order_by("-school_year__starts_on", "-pk")
        .first()
    )


def _holder_context(membership: Membership | None) -> dict:
    """The school and school year the certificate is issued under."""
    if membership is None:
        return {"school": None, "school_code": DEFAULT_SCHOOL_CODE, "year_obj": None}
    return {
        "school": membership.school,
        "school_code": membership.school.code,
        "year_obj": membership.school_year,
    }


# PostgreSQL: the transaction's commit does not wait for its WAL record to
# reach the disk (see _allocate's `flush_later`).
_COMMIT_WITHOUT_FLUSH = "SET LOCAL synchronous_commit TO OFF; "


def _counter_increment(
    *, school_code: str, year: int, flush_later: bool = False
) -> int | None:
    """Add one to the counter row and return the new value (None: no row yet).

    A single UPDATE ... RETURNING both locks the row until the caller's
    transaction ends and reads the number: one round trip instead of a
    SELECT ... FOR UPDATE and an UPDATE (PostgreSQL, and SQLite >= 3.35).
    With `flush_later` (PostgreSQL), the same round trip also tells the
    transaction not to wait for the disk when it commits.
    """
    table = connection.ops.quote_name(SerialCounter._meta.db_table)
    prefix = (
        _COMMIT_WITHOUT_FLUSH
        if flush_later and connection.vendor == "postgresql"
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 - our table name
            "WHERE school_code = %s AND year = %s RETURNING last_number",
            [school_code, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _counter_next(*, school_code: str, year: int, flush_later: bool = False) -> int:
    """Take the next number; the caller's transaction holds the row lock."""
    number = _counter_increment(
        school_code=school_code, year=year, flush_later=flush_later
    )
    if number is None:
        try:
            with transaction.atomic():
                SerialCounter.objects.create(school_code=school_code, year=year)
        except IntegrityError:
            pass  # created by a concurrent issue a moment ago
        number = _counter_increment(
            school_code=school_code, year=year, flush_later=flush_later
        )
    return number


def build_snapshot(
    *,
    certificate: Certificate,
    template: CertificateTemplate,
    school_year_name: str,
    school_name: str,
    completion: CourseCompletion | None,
    score: str | None = None,
) -> dict:
    issued_local = timezone.localtime(certificate.issued_at)
    completed = (
        timezone.localtime(completion.completed_at).date() if completion else None
    )
    return {
        "schema": 1,
        "serial": certificate.serial,
        "code": certificate.code,
        "name": certificate.name_as_printed,
        "course": certificate.course_title,
        "course_id": certificate.course_id,
        "audience": certificate.audience,
        "completion_date": _vn_date(completed),
        "issue_date": _vn_date(issued_local.date()),
        "issue_date_iso": issued_local.date().isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "school": school_name,
        "school_code": certificate.school_code,
        "school_year": school_year_name,
        "score": score,
        "expires_on": _vn_date(certificate.expires_on),
        "template": {
            "id": template.pk,
            "name": template.name,
            "version": template.version,
        },
        "verification_url": verification_url(certificate.code),
        "replaces": certificate.replaces.serial if certificate.replaces else None,
    }


def score_text(percent: Decimal | None) -> str | None:
    """A percentage on the 10-point scale Vietnamese schools use: "9,5/10"."""
    if percent is None:
        return None
    mark = (Decimal(percent) / 10).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{mark:f}".removesuffix(".0").replace(".", ",")
    return f"{text}/10"


def course_score(*, user, course: CoursePage, school_year=None) -> str | None:
    """The learner's mean grade over the course's live quizzes (each under its
    own grading method), or None when the course has no graded quiz; for a
    course required every school year, the grades of `school_year`."""
    from quizzes.models import QuizGrade

    grades = QuizGrade.objects.filter(
        user=user,
        quiz__live=True,
        quiz__path__startswith=course.path,
        quiz__depth=course.depth + 1,
    )
    if course.required_every_year and school_year is not None:
        grades = grades.filter(school_year=school_year)
    mean = grades.aggregate(mean=Avg("percent"))["mean"]
    return score_text(mean)


def _log(certificate: Certificate, action: str, actor=None, detail: str = ""):
    CertificateEvent.objects.create(
        certificate=certificate, action=action, actor=actor, detail=detail
    )


def _learning_year(*, user, completion, replaces) -> SchoolYear | None:
    """The school year a certificate belongs to: its completion's, else the
    replaced certificate's, else the holder's year now."""
    if completion is not None and completion.school_year_id:
        return completion.school_year
    if replaces is not None and replaces.school_year_id:
        return replaces.school_year
    return learning_year_for(user=user)


def _allocate(
    *,
    user,
    course: CoursePage,
    setting: CourseCertificateSetting,
    audience: str,
    completion: CourseCompletion | None,
    issued_by,
    replaces: Certificate | None,
    membership: Membership | None,
    notify_pending: bool = False,
    flush_later: bool = False,
) -> Certificate:
    """Step 1: number and insert, atomically. Raises IntegrityError on a race.

    With `notify_pending`, the holder's e-mail is owed: it is queued with the
    first stored PDF (certificate_render).

    `flush_later`: the caller stores the PDF right after (certificate_render),
    whose commit waits for the disk. On PostgreSQL this commit then does not
    wait too: the write-ahead log is flushed in order, so the PDF's durable
    commit makes this one durable as well, and an issue waits for one disk
    flush instead of two. Should the database server itself crash within
    that moment, this transaction is lost whole (counter, certificate, audit
    row, outbox row), as if the issue had not begun: no gap, no half-record.
    Without a following commit, the server's WAL writer flushes it within a
    fraction of a second."""
    where = _holder_context(membership)
    now = timezone.now()
    year_obj = where["year_obj"]
    year = year_obj.starts_on.year if year_obj else timezone.localdate(now).year
    template = setting.template
    learning_year = _learning_year(user=user, completion=completion, replaces=replaces)
    cycle = 0
    expires_on = (
        timezone.localdate(now) + timezone.timedelta(days=setting.valid_days)
        if setting.valid_days
        else None
    )
    if course.required_every_year and learning_year is not None:
        # One valid certificate per school year, valid until the year ends.
        cycle = learning_year.pk
        expires_on = min(filter(None, [expires_on, learning_year.ends_on]))
    with transaction.atomic():
        number = _counter_next(
            school_code=where["school_code"], year=year, flush_later=flush_later
        )
        certificate = Certificate(
            serial=format_serial(
                school_code=where["school_code"], year=year, number=number
            ),
            school_code=where["school_code"],
            year=year,
            number=number,
            code=new_code(),
            holder=user,
            course=course,
            completion=completion,
            school=where["school"],
            template=template,
            audience=audience,
            name_as_printed=profile_of(user).full_name,
            course_title=course.title,
            issued_at=now,
            issued_by=issued_by,
            replaces=replaces,
            notify_pending=notify_pending,
            expires_on=expires_on,
            school_year=learning_year,
            cycle=cycle,
        )
        certificate.snapshot = build_snapshot(
            certificate=certificate,
            template=template,
            school_year_name=year_obj.name if year_obj else "",
            school_name=where["school"].name if where["school"] else "",
            completion=completion,
            score=course_score(user=user, course=course, school_year=learning_year)
            if template.show_score
            else None,
        )
        certificate.save()
        _log(
            certificate,
            CertificateEvent.Action.REISSUED
            if replaces
            else CertificateEvent.Action.ISSUED,
            issued_by,
            _("Replaces %(serial)s") % {"serial": replaces.serial} if replaces else "",
        )
    return certificate


def certificate_issue(
    *,
    user,
    course: CoursePage,
    issued_by=None,
    render: bool = True,
    notify: bool = True,
) -> IssueResult:
    """Issue `user`'s certificate for `course`, or return the one they hold.

    Safe to call twice or at once: the database allows one valid certificate
    per person and course, and the loser of a race gets the winner's.
    """
    eligibility = eligibility_for(user=user, course=course)
    if eligibility.holds:
        certificate = eligibility.certificate
        if render:
            certificate_render(certificate=certificate)
        return IssueResult(certificate, created=False)
    if not eligibility.eligible:
        raise CertificateRefused(eligibility.refusal.check, eligibility.refusal.message)
    try:
        certificate = _allocate(
            user=user,
            course=course,
            setting=eligibility.setting,
            audience=eligibility.audience,
            completion=eligibility.completion,
            issued_by=issued_by,
            replaces=None,
            membership=eligibility.membership,
            notify_pending=render and notify,
            # Only a transaction of its own: inside a caller's, the setting
            # would hold for the caller's whole transaction and its commit.
            flush_later=render and not connection.in_atomic_block,
        )
    except IntegrityError:
        existing = (
            Certificate.objects.filter(
                holder=user, course=course, status=CertificateStatus.VALID
            )
            .order_by("-issued_at")
            .first()
        )
        if existing is None:
            raise
        if render:
            certificate_render(certificate=existing)
        return IssueResult(existing, created=False)
    if render:
        # The "certificate ready" e-mail is queued with the stored PDF.
        certificate_render(certificate=certificate, notify=notify)
    elif notify:
        certificate_notify(certificate=certificate)
    return IssueResult(certificate, created=True)


def certificate_render(
    *, certificate: Certificate, notify: bool = False
) -> Certificate:
    """Render and store the PDF once; never replace a stored one.

    With `notify`, the holder's e-mail is queued in the transaction that
    records the PDF. So is it for a certificate whose issue owes it
    (`notify_pending`: the issue's own render did not get that far) and one
    whose PDF the storage refused earlier: its issue could not notify.
    """
    if certificate.pdf:
        return certificate
    template = certificate.template or CertificateTemplate.objects.get(
        pk=certificate.snapshot["template"]["id"]
    )
    # Imported here: pyHanko's helpers and the X.509 code stay out of web
    # processes, which only queue issues.
    from . import signing

    data = rendering.render_pdf(template=template, snapshot=certificate.snapshot)
    # Signed before it is hashed and stored: the ledger holds the signed file.
    data = signing.sign_pdf(data, school_code=certificate.school_code)
    digest = rendering.sha256_hex(data)
    filename = rendering.pdf_filename(
        name=certificate.name_as_printed, serial=certificate.serial
    )
    field = certificate.pdf.field
    try:
        stored = _pdf_store(
            field.storage,
            field.generate_filename(certificate, filename),
            data,
            max_length=field.max_length,
        )
    except OSError as exc:
        _render_failed(certificate, exc)
        return certificate
    now = timezone.now()
    # The record and its audit row together: a worker killed in between must
    # not leave a stored PDF that the log never saw.
    if connection.vendor == "postgresql" and not (
        notify or certificate.notify_pending or certificate.render_error
    ):
        updated = _rendition_record(
            certificate=certificate, stored=stored, digest=digest, now=now
        )
    else:
        with transaction.atomic():
            updated = Certificate.objects.filter(pk=certificate.pk, pdf="").update(
                pdf=stored,
                pdf_sha256=digest,
                rendered_at=now,
                render_error="",
                notify_pending=False,
            )
            if updated:
                _log(certificate, CertificateEvent.Action.RENDERED, None, digest)
                if notify or certificate.notify_pending or certificate.render_error:
                    certificate_notify(certificate=certificate)
    if not updated:
        # Another worker stored its rendition first; keep that one.
        field.storage.delete(stored)
        certificate.refresh_from_db()
        return certificate
    certificate.pdf.name = stored
    certificate.pdf_sha256 = digest
    certificate.rendered_at = now
    certificate.render_error = ""
    certificate.notify_pending = False
    return certificate


def _rendition_record(
    *, certificate: Certificate, stored: str, digest: str, now
) -> int:
    """PostgreSQL: record the stored PDF and its audit row in one statement
    (a data-modifying WITH), so both or neither are written, in one round
    trip instead of four (BEGIN, UPDATE, INSERT, COMMIT). Returns 1 when
    this rendition was recorded, 0 when another worker's was first.

    The same writes as the transaction in certificate_render: the UPDATE
    only matches a certificate without a PDF, and the INSERT adds the
    "rendered" event only for the row the UPDATE changed."""
    quote = connection.ops.quote_name
    table = quote(Certificate._meta.db_table)
    events = quote(CertificateEvent._meta.db_table)
    column = {
        name: quote(Certificate._meta.get_field(name).column)
        for name in ("pdf", "pdf_sha256", "rendered_at", "render_error")
    }
    event_column = {
        name: quote(CertificateEvent._meta.get_field(name).column)
        for name in ("certificate", "action", "actor", "at", "detail")
    }
    pk = quote(Certificate._meta.pk.column)
    notify_pending = quote(Certificate._meta.get_field("notify_pending").column)
    sql = (
        f"WITH stored AS (UPDATE {table} SET {column['pdf']} = %s, "  # noqa: S608 - our names
        f"{column['pdf_sha256']} = %s, {column['rendered_at']} = %s, "
        f"{column['render_error']} = '', {notify_pending} = false "
        f"WHERE {pk} = %s AND {column['pdf']} = '' RETURNING {pk}) "
        f"INSERT INTO {events} ({event_column['certificate']}, "
        f"{event_column['action']}, {event_column['actor']}, "
        f"{event_column['at']}, {event_column['detail']}) "
        f"SELECT {pk}, %s, NULL, %s, %s FROM stored"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                stored,
                digest,
                now,
                certificate.pk,
                CertificateEvent.Action.RENDERED.value,
                now,
                digest,
            ],
        )
        return cursor.rowcount


def _pdf_store(storage, name: str, data: bytes, *, max_length: int) -> str:
    """Save `data` under `name` (or a free variant); on failure, remove what a
    half-written file left behind, so no file claims a certificate."""
    name = storage.get_available_name(name, max_length=max_length)
    try:
        return storage.save(name, ContentFile(data), max_length=max_length)
    except OSError:
        try:
            if storage.exists(name):
                storage.delete(name)
        except OSError:
            logger.warning("Could not remove the partial file %s", name)
        raise


def storage_error_text(exc: OSError) -> str:
    """Why a file could not be written, for staff, in the site's language."""
    reasons = {
        errno.ENOSPC: _("The disk is full."),
        errno.EDQUOT: _("The storage quota is used up."),
        errno.EROFS: _("The storage is read-only."),
        errno.EACCES: _("The server may not write to the storage."),
        errno.EPERM: _("The server may not write to the storage."),
    }
    with override(settings.LANGUAGE_CODE):
        reason = reasons.get(exc.errno) or _("The storage refused the file.")
        return f"{reason} ({exc.strerror or exc})"


def _render_failed(certificate: Certificate, exc: OSError) -> None:
    """Keep the certificate issued, without a PDF, and say why.

    Its serial stays taken (no gap, no reuse); the resume command renders it
    again once the storage works, and only then is the holder told.
    """
    logger.warning(
        "Certificate %s: PDF not stored (%s); the resume command will retry",
        certificate.serial,
        exc,
    )
    text = storage_error_text(exc)
    with transaction.atomic():
        changed = (
            Certificate.objects.filter(pk=certificate.pk, pdf="")
            .exclude(render_error=text)
            .update(render_error=text)
        )
        if changed:
            _log(certificate, CertificateEvent.Action.RENDER_FAILED, None, text)
    certificate.render_error = text


def certificate_notify(*, certificate: Certificate) -> None:
    """Queue the e-mail telling the holder the certificate is ready (if they
    have an address); call it in the transaction that makes it ready."""
    holder = certificate.holder
    if holder is None or not holder.email:
        return
    voice = voice_of_user(holder)
    with override(settings.LANGUAGE_CODE):
        subject = vgettext(voice, "Your certificate is ready: %(course)s") % {
            "course": certificate.course_title
        }
        body = vgettext(
            voice,
            "Dear %(name)s,\n\n"
            "Congratulations on completing the course “%(course)s”. Your "
            "certificate %(serial)s is ready.\n\n"
            "Download it from “My learning”: %(my_learning)s\n"
            "Anyone can check it at: %(verify)s\n",
        ) % {
            "name": certificate.name_as_printed,
            "course": certificate.course_title,
            "serial": certificate.serial,
            "my_learning": conf.site_url() + reverse("lms_courses:my_learning"),
            "verify": verification_url(certificate.code),
        }
    # Queued with the event; sent after the commit, retried if the mail
    # server is down, never twice (lms/mail/services.py).
    email_queue(
        to=holder.email,
        user=holder,
        kind="certificate_ready",
        subject=subject,
        body=body,
    )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a valid certificate; the record and its PDF are kept."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != CertificateStatus.VALID:
        raise CertificateRefused(
            "not_valid", _("Only a valid certificate can be revoked.")
        )
    locked.status = CertificateStatus.REVOKED
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = by
    locked.status_reason = reason
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_changed_by",
            "status_reason",
        ]
    )
    _log(locked, CertificateEvent.Action.REVOKED, by, reason)
    return locked


def certificate_reissue(
    *, certificate: Certificate, by, reason: str, render: bool = True
) -> Certificate:
    """Issue a new certificate (current name, current template) replacing the old.

    The old one keeps its PDF and reads "replaced by <new serial>". A revoked
    certificate may be issued again this way only, by an authorised admin
    with a stated reason: it stays revoked, and the audit log says who issued
    the new one and why.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        after_revocation = old.status == CertificateStatus.REVOKED
        if after_revocation and not reason:
            raise CertificateRefused(
                "reason", _("State why a revoked certificate is issued again.")
            )
        if old.status not in (CertificateStatus.VALID, CertificateStatus.REVOKED):
            raise CertificateRefused(
                "not_valid", _("Only a valid certificate can be reissued.")
            )
        if (
            after_revocation
            and Certificate.objects.filter(
                holder_id=old.holder_id,
                course_id=old.course_id,
                status=CertificateStatus.VALID,
                cycle=old.cycle,
            ).exists()
        ):
            raise CertificateRefused(
                "already_holds", _("This person already holds a valid certificate.")
            )
        if old.holder is None or old.course is None:
            raise CertificateRefused(
                "gone", _("The holder or the course no longer exists.")
            )
        setting = (
            CourseCertificateSetting.objects.filter(
                course=old.course, audience=old.audience
            )
            .select_related("template")
            .first()
        )
        if setting is None:
            raise CertificateRefused(
                "no_certificate",
                _("This course gives no certificate to this audience."),
            )
        if not after_revocation:
            old.status = CertificateStatus.REPLACED
            old.status_changed_at = timezone.now()
            old.status_changed_by = by
            old.status_reason = reason
            old.save(
                update_fields=[
                    "status",
                    "status_changed_at",
                    "status_changed_by",
                    "status_reason",
                ]
            )
        new = _allocate(
            user=old.holder,
            course=old.course,
            setting=setting,
            audience=old.audience,
            completion=old.completion,
            issued_by=by,
            replaces=old,
            membership=_issuing_membership(old.holder),
        )
        detail = (
            _("Issued again after revocation as %(serial)s: %(reason)s")
            if after_revocation
            else _("Replaced by %(serial)s: %(reason)s")
        )
        _log(
            old,
            CertificateEvent.Action.REISSUED,
            by,
            detail % {"serial": new.serial, "reason": reason},
        )
    if render:
        certificate_render(certificate=new)
    return new


def certificate_download_log(*, certificate: Certificate, by) -> None:
    """Staff downloads go into the audit log; a holder's own do not."""
    if by.pk != certificate.holder_id:
        _log(certificate, CertificateEvent.Action.DOWNLOADED, by)


def auto_issue_wanted(*, completion: CourseCompletion) -> bool:
    return CourseCertificateSetting.objects.filter(
        course_id=completion.course_id, auto_issue=True
    ).exists()


def certificate_auto_issue(*, user_id: int, course_id: int) -> Certificate | None:
    """The task behind automatic issuing; quietly does nothing when not eligible."""

    user = User.objects.filter(pk=user_id).first()
    course = CoursePage.objects.filter(pk=course_id).first()
    if user is None or course is None:
        return None
    eligibility = eligibility_for(user=user, course=course)
    if eligibility.holds:
        return eligibility.certificate
    if not eligibility.eligible or not eligibility.setting.auto_issue:
        return None
    return certificate_issue(user=user, course=course).certificate


def unfinished_work_enqueue(*, stale_seconds: int, since_hours: int) -> dict:
    """Enqueue again what a killed worker left undone outside batches.

    - certificates numbered but never rendered (killed between the two steps);
    - automatic issues that never happened: completions of the last
      `since_hours` of a course that issues automatically, where the learner
      has no certificate of that course at all (a revoked or replaced one
      counts, so nobody gets back a certificate taken away).

    Only work older than `stale_seconds` is touched, so a job still running is
    left alone; running a job twice is harmless because issuing is idempotent.
    """
    from .tasks import certificate_auto_issue_task, certificate_render_task

    now = timezone.now()
    cutoff = now - timezone.timedelta(seconds=stale_seconds)
    unrendered = list(
        Certificate.objects.filter(
            pdf="", status=CertificateStatus.VALID, issued_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for certificate_id in unrendered:
        certificate_render_task.enqueue(certificate_id)
    missing = list(
        CourseCompletion.objects.filter(
            course__in=CourseCertificateSetting.objects.filter(auto_issue=True).values(
                "course_id"
            ),
            completed_at__lt=cutoff,
            completed_at__gte=now - timezone.timedelta(hours=since_hours),
        )
        .exclude(
            Exists(
                Certificate.objects.filter(
                    holder_id=OuterRef("user_id"), course_id=OuterRef("course_id")
                )
            )
        )
        .values_list("user_id", "course_id")
    )
    for user_id, course_id in missing:
        certificate_auto_issue_task.enqueue(user_id, course_id)
    return {"unrendered": len(unrendered), "automatic": len(missing)}


# -- bulk ---------------------------------------------------------------------


@transaction.atomic
def batch_create(
    *,
    course: CoursePage,
    users,
    created_by,
    school=None,
    school_class=None,
    role: str = "",
) -> IssueBatch:
    """Record a batch of the eligible among `users`, then enqueue one task each."""
    batch = IssueBatch.objects.create(
        course=course,
        school=school,
        school_class=school_class,
        role=role,
        created_by=created_by,
    )
    from .policies import issue_filter

    allowed = issue_filter(user=created_by)
    eligible = [
        e.user
        for e in eligibility_for_many(course=course, users=users)
        if e.eligible and allowed(e)
    ]
    IssueBatchItem.objects.bulk_create(
        [IssueBatchItem(batch=batch, user=user) for user in eligible]
    )
    _batch_enqueue_after_commit(batch)
    return batch


def _batch_enqueue_after_commit(batch: IssueBatch) -> None:
    """Enqueue the batch's items once committed. The items are their own
    outbox: if the queue is unreachable, the failure is logged and
    ``certificate_batches_resume`` enqueues them once they are stale."""

    def enqueue_batch_items() -> None:
        batch_enqueue(batch=batch)

    transaction.on_commit(enqueue_batch_items, robust=True)


def batch_enqueue(*, batch: IssueBatch, only_stale_seconds: int | None = None) -> int:
    """Enqueue one task per item not yet issued. Returns how many were enqueued.

    With `only_stale_seconds`, only items enqueued longer ago than that (jobs
    a killed worker left behind) are enqueued again; re-running an item is
    harmless because issuing is idempotent.
    """
    from .tasks import batch_item_task

    items = IssueBatchItem.objects.filter(
        batch=batch, state=IssueBatchItem.State.PENDING
    )
    if only_stale_seconds is not None:
        cutoff = timezone.now() - timezone.timedelta(seconds=only_stale_seconds)
        items = items.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
    ids = list(items.values_list("pk", flat=True))
    IssueBatchItem.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
    for item_id in ids:
        batch_item_task.enqueue(item_id)
    return len(ids)


def batch_rerun(*, batch: IssueBatch, by) -> int:
    """Run the batch again: failed items retry, newly eligible people join.

    Only the missing certificates are issued: people who hold one are no
    longer eligible, so they are neither added nor issued twice.
    """
    from .selectors import batch_scope_users

    with transaction.atomic():
        IssueBatchItem.objects.filter(
            batch=batch, state=IssueBatchItem.State.FAILED
        ).update(state=IssueBatchItem.State.PENDING, error="", enqueued_at=None)
        if batch.course is not None:
            users = batch_scope_users(
                viewer=by,
                school=batch.school,
                school_class=batch.school_class,
                role=batch.role,
            )
            known = set(batch.items.values_list("user_id", flat=True))
            from .policies import issue_filter

            allowed = issue_filter(user=by)
            new = [
                e.user
                for e in eligibility_for_many(
                    course=batch.course, users=users.exclude(pk__in=known)
                )
                if e.eligible and allowed(e)
            ]
            IssueBatchItem.objects.bulk_create(
                [IssueBatchItem(batch=batch, user=user) for user in new]
            )
        _batch_enqueue_after_commit(batch)
    return batch.items.filter(state=IssueBatchItem.State.PENDING).count()


def batch_item_process(*, item_id: int) -> str:
    """Issue one item of a batch. Idempotent: a re-run job never issues twice."""
    item = (
        IssueBatchItem.objects.select_related(
            "batch__course", "batch__created_by", "user"
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None or item.state == IssueBatchItem.State.DONE:
        return "skipped"
    IssueBatchItem.objects.filter(pk=item_id).update(attempts=F("attempts") + 1)
    batch = item.batch
    try:
        if batch.course is None:
            raise CertificateRefused("gone", _("The course no longer exists."))
        result = certificate_issue(
            user=item.user, course=batch.course, issued_by=batch.created_by
        )
    except CertificateRefused as refusal:
        IssueBatchItem.objects.filter(pk=item_id).update(
            state=IssueBatchItem.State.FAILED,
            error=refusal.message,
            finished_at=timezone.now(),
        )
        return "failed"
    except Exception as exc:
        logger.exception("Certificate batch item %s failed", item_id)
        IssueBatchItem.objects.filter(pk=item_id).update(
            state=IssueBatchItem.State.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        return "failed"
    IssueBatchItem.objects.filter(pk=item_id).update(
        state=IssueBatchItem.State.DONE,
        certificate=result.certificate,
        error="",
        finished_at=timezone.now(),
    )
    return "done"


def batch_progress(*, batch: IssueBatch) -> dict:
    counts = dict(
        batch.items.values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    done = counts.get(IssueBatchItem.State.DONE, 0)
    failed = counts.get(IssueBatchItem.State.FAILED, 0)
    pending = counts.get(IssueBatchItem.State.PENDING, 0)
    total = done + failed + pending
    return {
        "id": batch.pk,
        "total": total,
        "done": done,
        "failed": failed,
        "pending": pending,
        "finished": pending == 0,
        "percent": round(100 * (done + failed) / total) if total else 100,
    }

"""Queue e-mail with the event that causes it; send it later, at most once.

Why a queue: a mail server that is down (or slow) must not fail the request
or task that wanted the e-mail, and nothing may be lost while it is down.
`email_queue` writes an `OutgoingEmail` row in the caller's transaction, so
the message exists exactly when the event does (a rolled-back issue sends
nothing). After the commit a task tries it at once; `send_queued_mail` (cron,
every minute) sends whatever is due, with exponential backoff between tries.

Never twice, so at-most-once: a row is marked "sending" (and committed)
before the SMTP conversation starts and "sent" right after the server accepts
it. Only errors that prove the server did not take the message (it could not
be reached, or it answered with a refusal) put the row back in the queue. Any
other failure in the middle, or a worker killed between handing the message
over and marking it sent, leaves the row "uncertain": it is shown to staff
and never retried by itself. Claiming is a conditional UPDATE, with
SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL so parallel senders do not
wait for each other; two senders never get the same row.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status

FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
# 1, 2, 4 ... 256 minutes, then every 6 hours: about a day and a half in all.
MAX_ATTEMPTS = 14
# A row left "sending" longer than this belongs to a sender that died.
STALE_SENDING = timedelta(minutes=15)
BATCH = 200

# The server answered and refused: the message was not taken.
REFUSALS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    html: str = "",
    kind: str = "",
    user=None,
    send_soon: bool = True,
) -> OutgoingEmail:
    """Queue one message in the current transaction.

    With `send_soon`, a task tries it once the transaction commits; bulk
    senders pass False and call `outgoing_send_due` when they are done.
    """
    now = timezone.now()
    row = OutgoingEmail.objects.create(
        to=to,
        user=user,
        kind=kind,
        subject=subject,
        body=body,
        html=html,
        created_at=now,
        next_try_at=now,
    )
    if send_soon:
        transaction.on_commit(lambda: _send_soon(row.pk))
    return row


def _send_soon(row_id: int) -> None:
    from .tasks import outgoing_email_send_task

    try:
        outgoing_email_send_task.enqueue(row_id)
    except Exception as exc:
        # The queue is down: the row waits for send_queued_mail.
        logger.warning("Outgoing e-mail %s left for cron: %s", row_id, exc)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


@dataclass
class SendRun:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    uncertain: int = 0
    unreachable: str = ""
    errors: list[str] = field(default_factory=list)


def _claim(*, ids: list[int] | None = None, limit: int = BATCH) -> list[int]:
    """Mark due rows "sending" and return their ids (committed on return)."""
    now = timezone.now()
    with transaction.atomic():
        due = OutgoingEmail.objects.filter(status=Status.PENDING, next_try_at__lte=now)
        if ids is not None:
            due = due.filter(pk__in=ids)
        chosen = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_try_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        claimed = []
        for pk in chosen:
            # The conditional update is what makes a row one sender's.
            if OutgoingEmail.objects.filter(pk=pk, status=Status.PENDING).update(
                status=Status.SENDING, claimed_at=now
            ):
                claimed.append(pk)
    return claimed


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _put_back(row: OutgoingEmail, exc: BaseException, *, counts: bool) -> str:
    """The message was not taken: try again later, or give up."""
    attempts = row.attempts + (1 if counts else 0)
    gave_up = attempts >= MAX_ATTEMPTS
    OutgoingEmail.objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=Status.FAILED if gave_up else Status.PENDING,
        attempts=attempts,
        next_try_at=timezone.now() + retry_delay(attempts),
        last_error=_error_text(exc),
    )
    return "failed" if gave_up else "retry"


def _message(row: OutgoingEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, to=[row.to], connection=connection
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _send_claimed(ids: list[int], run: SendRun) -> None:
    rows = list(OutgoingEmail.objects.filter(pk__in=ids, status=Status.SENDING))
    if not rows:
        return
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        # Nothing was handed over: every row goes back, one attempt counted.
        logger.warning("Mail server unreachable, %d e-mails wait: %s", len(rows), exc)
        run.unreachable = _error_text(exc)
        for row in rows:
            outcome = _put_back(row, exc, counts=True)
            setattr(run, outcome, getattr(run, outcome) + 1)
        return
    try:
        for index, row in enumerate(rows):
            try:
                connection.send_messages([_message(row, connection)])
            except REFUSALS as exc:
                outcome = _put_back(row, exc, counts=True)
                setattr(run, outcome, getattr(run, outcome) + 1)
                run.errors.append(_error_text(exc))
                continue
            except Exception as exc:
                # Cut off in the middle: it may have been delivered.
                logger.exception("E-mail %s: unknown whether it was sent", row.pk)
                OutgoingEmail.objects.filter(pk=row.pk).update(
                    status=Status.UNCERTAIN,
                    attempts=F("attempts") + 1,
                    last_error=_error_text(exc),
                )
                run.uncertain += 1
                run.errors.append(_error_text(exc))
                # The connection is broken: the rest were not tried.
                for rest in rows[index + 1 :]:
                    OutgoingEmail.objects.filter(
                        pk=rest.pk, status=Status.SENDING
                    ).update(status=Status.PENDING)
                break
            OutgoingEmail.objects.filter(pk=row.pk).update(
                status=Status.SENT,
                attempts=F("attempts") + 1,
                sent_at=timezone.now(),
                last_error="",
            )
            run.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: S110 - closing a dead connection
            pass


def outgoing_send(row_id: int) -> SendRun:
    """Send one queued message if it is due (the task after a commit)."""
    run = SendRun()
    _send_claimed(_claim(ids=[row_id], limit=1), run)
    return run


def stale_sending_settle(*, now=None) -> int:
    """Rows a dead sender left "sending" become "uncertain" (never resent)."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The sender stopped while sending; it may have arrived.")
    return OutgoingEmail.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(status=Status.UNCERTAIN, last_error=reason)


def outgoing_send_due(*, limit: int = 10_000) -> SendRun:
    """Send every due message, a batch at a time; stop if the server is down."""
    run = SendRun()
    stale_sending_settle()
    done = 0
    while done < limit:
        ids = _claim(limit=min(BATCH, limit - done))
        if not ids:
            break
        done += len(ids)
        _send_claimed(ids, run)
        if run.unreachable or run.uncertain:
            break
    return run


def outgoing_hurry() -> int:
    """Make every waiting message due now (the server is back, say)."""
    return OutgoingEmail.objects.filter(status=Status.PENDING).update(
        next_try_at=timezone.now()
    )


def outgoing_resend(*, row: OutgoingEmail) -> bool:
    """Staff ask to send a given-up or uncertain message again."""
    return bool(
        OutgoingEmail.objects.filter(
            pk=row.pk, status__in=[Status.FAILED, Status.UNCERTAIN]
        ).update(status=Status.PENDING, next_try_at=timezone.now(), attempts=0)
    )

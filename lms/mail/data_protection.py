"""The mail queue's part of a person's data export and erasure.

Registered in wagtail_hooks.py on the hooks lms.people defines. The queue
holds the person's address and the texts sent to them (their name inside).
"""

from .models import OutgoingEmail


def _rows_of(person):
    rows = OutgoingEmail.objects.filter(user=person)
    if person.email:
        rows = rows | OutgoingEmail.objects.filter(to__iexact=person.email)
    return rows


def person_mail_export(*, person):
    data = [
        {
            "to": row.to,
            "subject": row.subject,
            "body": row.body,
            "status": row.status,
            "queued_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in _rows_of(person).order_by("created_at", "pk")
    ]
    return "mail", data, []


def person_mail_erase(*, person, erasure) -> None:
    """Messages to the person go, sent or not: nothing is kept about them."""
    _rows_of(person).delete()

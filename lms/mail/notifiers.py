"""The e-mail notifier for families (see lms.people.notify for the interface).

Named in ``LMS_FAMILY_NOTIFIERS`` (the default). It writes the notice in the
guardian's language and queues it like every other message, in the caller's
transaction; the queue sends it (at most once) when the transaction commits.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from lms.people.models import Guardian
from lms.people.notify import FamilyNotice

from .services import email_queue


def guardian_language(guardian: Guardian) -> str:
    """The language the family chose, if the site offers it; else the default."""
    supported = {code for code, _name in settings.LANGUAGES}
    return (
        guardian.language if guardian.language in supported else settings.LANGUAGE_CODE
    )


class EmailNotifier:
    """Family notices by e-mail: plain text and HTML, Vietnamese or English."""

    name = "email"
    template_dir = "lms_mail/family"

    def reaches(self, guardian: Guardian) -> bool:
        return bool(guardian.email)

    def render(self, *, guardian: Guardian, notice: FamilyNotice) -> dict[str, str]:
        """Subject, text and HTML of `notice`, in the guardian's language."""
        context = {"guardian": guardian, "notice": notice}
        base = f"{self.template_dir}/{notice.kind}"
        with translation.override(guardian_language(guardian)):
            subject = render_to_string(f"{base}_subject.txt", context)
            return {
                "subject": " ".join(subject.split()),
                "body": render_to_string(f"{base}.txt", context),
                "html": render_to_string(f"{base}.html", context),
            }

    def send(self, *, guardian: Guardian, notice: FamilyNotice) -> bool:
        if not self.reaches(guardian):
            return False
        # Queued, not sent: the caller's command hands the queue to the mail
        # server once every digest of the run is recorded.
        email_queue(
            to=guardian.email,
            user=guardian.user,
            kind=f"family:{notice.kind}",
            send_soon=False,
            **self.render(guardian=guardian, notice=notice),
        )
        return True

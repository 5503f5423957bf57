from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.checks import check_site_url
from lms.mail.services import outgoing_send_due
from lms.reports.services import describe, reminders_send


class Command(BaseCommand):
    help = (
        "Email learners with required courses to finish and homeroom teachers their "
        "class's weekly progress; at most one of each per person per "
        "LMS_REMINDER_PERIOD_DAYS. Run it daily from cron or a scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get an email; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        # Every email links to the site: never send relative links.
        if not dry_run and check_site_url():
            raise CommandError(
                _(
                    "LMS_SITE_URL is not set to the site's public address, so the "
                    "emails cannot link to the site. Set it in the settings. "
                    "Nothing was sent."
                )
            )
        run = reminders_send(dry_run=dry_run)
        for reminder in run.sent:
            self.stdout.write(describe(reminder))
        for reminder in run.failed:
            self.stderr.write(_("Failed: %(line)s") % {"line": describe(reminder)})
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Would send %(count)d emails.") % {"count": len(run.sent)}
                )
            )
            return
        # Queued and recorded; now hand what is due to the mail server. What
        # it does not take waits in the queue (send_queued_mail retries it).
        delivery = outgoing_send_due()
        if run.failed:
            # Queued ones are recorded; the failed ones are tried on the next run.
            raise CommandError(
                _("Sent %(sent)d emails; %(failed)d could not be sent.")
                % {"sent": len(run.sent), "failed": len(run.failed)}
            )
        if delivery.unreachable:
            raise CommandError(
                _(
                    "Queued %(count)d emails, but the mail server could not be "
                    "reached (%(error)s). They wait in the queue and are sent "
                    "when it is back."
                )
                % {"count": len(run.sent), "error": delivery.unreachable}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Sent %(count)d emails.") % {"count": len(run.sent)})
        )

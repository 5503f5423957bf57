from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.checks import check_site_url
from lms.mail.services import outgoing_send_due
from lms.reports.family_digests import family_digests_send


class Command(BaseCommand):
    help = (
        "Send each family a digest of their children's training (courses "
        "assigned, deadlines passed, courses completed with their certificate), "
        "at most one per LMS_FAMILY_DIGEST_PERIOD; families who opted out get "
        "nothing, those without e-mail get printed letters. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get a digest; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if not dry_run and check_site_url():
            raise CommandError(
                _(
                    "LMS_SITE_URL is not set to the site's public address, so the "
                    "emails cannot link to the site. Set it in the settings. "
                    "Nothing was sent."
                )
            )
        run = family_digests_send(dry_run=dry_run)
        for line in run.sent:
            self.stdout.write(
                _("%(guardian)s: %(count)d notices")
                % {
                    "guardian": line.guardian.full_name,
                    "count": line.notice.count,
                }
            )
        for line in run.failed:
            self.stderr.write(
                _("Failed: %(guardian)s") % {"guardian": line.guardian.full_name}
            )
        summary = _(
            "%(sent)d family digests; %(quiet)d families had no news; "
            "%(unreachable)d have no e-mail (print letters for them)."
        ) % {"sent": len(run.sent), "quiet": run.quiet, "unreachable": run.unreachable}
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(_("Dry run: %(summary)s") % {"summary": summary})
            )
            return
        # Queued and recorded: hand what is due to the mail server; what it
        # does not take waits in the queue (send_queued_mail retries it).
        outgoing_send_due()
        if run.failed:
            raise CommandError(
                _("%(summary)s %(failed)d could not be sent; they are tried next run.")
                % {"summary": summary, "failed": len(run.failed)}
            )
        self.stdout.write(self.style.SUCCESS(summary))

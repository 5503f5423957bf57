from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

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
        run = reminders_send(dry_run=dry_run)
        for reminder in run.sent:
            self.stdout.write(describe(reminder))
        for reminder in run.failed:
            self.stderr.write(_("Failed: %(line)s") % {"line": describe(reminder)})
        summary = (
            _("Would send %(count)d emails.")
            if dry_run
            else _("Sent %(count)d emails.")
        )
        self.stdout.write(self.style.SUCCESS(summary % {"count": len(run.sent)}))

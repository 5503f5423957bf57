from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.reports.summary import summary_resume_recounts


class Command(BaseCommand):
    help = (
        "Enqueue again the report recounts that were recorded with a change but "
        "never ran (the process died before handing them to the queue, or the "
        "queue lost them). Schedule it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=300,
            help="Leave alone requests younger than this: their job may be running.",
        )

    def handle(self, *args, database, stale_seconds, **options):
        count = summary_resume_recounts(
            older_than=timezone.timedelta(seconds=stale_seconds), using=database
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Report recounts enqueued again: %(count)d.") % {"count": count}
            )
        )

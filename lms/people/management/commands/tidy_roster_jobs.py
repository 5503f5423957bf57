"""python manage.py tidy_roster_jobs [--stale-seconds N] [--days N]"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.cache import QueueUnavailable
from lms.people.roster.jobs import jobs_tidy

GIVE_UP_AFTER = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Background roster imports: enqueue again those a dead worker or a lost "
        "queue left waiting, fail those waiting for a day (dropping their file), "
        "and delete finished ones after --days. Schedule it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=600,
            help="Leave alone jobs waiting for less than this: they may be running.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=30,
            help="Keep a finished job's page (and its refused rows) this many days.",
        )

    def handle(self, *args, stale_seconds, days, **options):
        if days < 1 or stale_seconds < 1:
            raise CommandError("--days and --stale-seconds must be at least 1.")
        try:
            result = jobs_tidy(
                stale_after=datetime.timedelta(seconds=stale_seconds),
                give_up_after=GIVE_UP_AFTER,
                keep_for=datetime.timedelta(days=days),
            )
        except QueueUnavailable as error:
            raise CommandError(
                _(
                    "The task queue is unreachable; the waiting roster imports "
                    "stay queued until it is back (%(error)s)."
                )
                % {"error": error}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Roster import jobs: %(resumed)d enqueued again, %(given_up)d "
                    "given up, %(deleted)d deleted."
                )
                % {
                    "resumed": result.resumed,
                    "given_up": result.given_up,
                    "deleted": result.deleted,
                }
            )
        )

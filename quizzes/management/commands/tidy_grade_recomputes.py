"""python manage.py tidy_grade_recomputes [--stale-seconds N]"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.cache import QueueUnavailable
from quizzes.jobs import recomputes_tidy


class Command(BaseCommand):
    help = _(
        "Background grade recomputes: enqueue again those a lost queue or a "
        "dead worker left waiting. Schedule it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=600,
            help=_("Leave alone recomputes waiting for less than this."),
        )

    def handle(self, *args, stale_seconds, **options):
        if stale_seconds < 1:
            raise CommandError(_("--stale-seconds must be at least 1."))
        try:
            count = recomputes_tidy(
                stale_after=datetime.timedelta(seconds=stale_seconds)
            )
        except QueueUnavailable as error:
            raise CommandError(
                _(
                    "The task queue is unreachable; the waiting grade recomputes "
                    "stay queued until it is back (%(error)s)."
                )
                % {"error": error}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Grade recomputes: %(count)d enqueued again.") % {"count": count}
            )
        )

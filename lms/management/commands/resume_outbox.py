from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import PendingTask
from lms.outbox import outbox_resume


class Command(BaseCommand):
    help = (
        "Hand to the task queue again the background work recorded with a change "
        "but never done: the queue's Redis was away, the process died before the "
        "hand-over, or the queue lost the job. Schedule it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=300,
            help="Leave alone rows younger than this: their job may be waiting.",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Also hand over the rows whose task failed too often (after "
            "fixing the cause).",
        )

    def handle(self, *args, database, stale_seconds, retry_failed, **options):
        if retry_failed:
            PendingTask.objects.using(database).update(attempts=0)
        result = outbox_resume(
            older_than=timezone.timedelta(seconds=stale_seconds), using=database
        )
        self.stdout.write(
            _("Background tasks handed to the queue again: %(count)d.")
            % {"count": result.handed_over}
        )
        if result.stuck:
            self.stdout.write(
                _(
                    "Background tasks that failed too often and wait for a "
                    "person: %(count)d."
                )
                % {"count": result.stuck}
            )
        if result.error:
            raise CommandError(
                _(
                    "The task queue is unreachable; %(count)d tasks still wait "
                    "(%(error)s)."
                )
                % {"count": result.left_waiting, "error": result.error}
            )

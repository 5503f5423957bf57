from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.cache import QueueUnavailable

from ...models import IssueBatch, IssueBatchItem
from ...services import batch_enqueue, unfinished_work_enqueue


class Command(BaseCommand):
    help = _(
        "Enqueue again the certificate work a dead worker left behind: batch "
        "items still waiting, automatic issues that never happened and "
        "certificates without their PDF. Safe to run at any time (e.g. from "
        "cron): issuing is idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=300,
            help=_("Only work enqueued longer ago than this (default 300)."),
        )
        parser.add_argument(
            "--since-hours",
            type=int,
            default=72,
            help=_(
                "Look for missing automatic certificates among completions of "
                "the last this many hours (default 72)."
            ),
        )
        parser.add_argument("--batch", type=int, help=_("Only this batch."))

    def handle(self, *args, **options):
        try:
            self._resume(**options)
        except QueueUnavailable as error:
            raise CommandError(
                _(
                    "The task queue is unreachable; the certificate work left "
                    "waits until it is back (%(error)s)."
                )
                % {"error": error}
            ) from None

    def _resume(self, *, stale_seconds, since_hours, batch, **options):
        batches = IssueBatch.objects.filter(
            items__state=IssueBatchItem.State.PENDING
        ).distinct()
        if batch:
            batches = batches.filter(pk=batch)
        total = 0
        for each in batches:
            total += batch_enqueue(batch=each, only_stale_seconds=stale_seconds)
        self.stdout.write(_("%(count)d items enqueued again.") % {"count": total})
        if batch:
            return
        counts = unfinished_work_enqueue(
            stale_seconds=stale_seconds, since_hours=since_hours
        )
        self.stdout.write(
            _(
                "%(automatic)d automatic certificates and %(unrendered)d PDFs "
                "enqueued again."
            )
            % counts
        )

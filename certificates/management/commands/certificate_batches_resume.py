from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...models import IssueBatch, IssueBatchItem
from ...services import batch_enqueue


class Command(BaseCommand):
    help = _(
        "Enqueue again the batch items still waiting after a worker died. "
        "Safe to run at any time (e.g. from cron): issuing is idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=300,
            help=_("Only items enqueued longer ago than this (default 300)."),
        )
        parser.add_argument("--batch", type=int, help=_("Only this batch."))

    def handle(self, *args, stale_seconds, batch, **options):
        batches = IssueBatch.objects.filter(
            items__state=IssueBatchItem.State.PENDING
        ).distinct()
        if batch:
            batches = batches.filter(pk=batch)
        total = 0
        for each in batches:
            total += batch_enqueue(batch=each, only_stale_seconds=stale_seconds)
        self.stdout.write(_("%(count)d items enqueued again.") % {"count": total})

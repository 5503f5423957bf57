from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...services import outgoing_hurry, outgoing_send_due


class Command(BaseCommand):
    help = _(
        "Send the queued e-mails that are due. Run it every minute from cron: "
        "messages the mail server did not take are tried again later, with "
        "longer and longer waits; none is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=10_000,
            help=_("Send at most this many in this run (default 10000)."),
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help=_("Do not wait for the next try: send every waiting e-mail now."),
        )

    def handle(self, *args, limit, now=False, **options):
        if now:
            outgoing_hurry()
        run = outgoing_send_due(limit=limit)
        self.stdout.write(
            _(
                "%(sent)d sent, %(retry)d to try again later, %(failed)d given "
                "up, %(uncertain)d unknown whether sent."
            )
            % {
                "sent": run.sent,
                "retry": run.retry,
                "failed": run.failed,
                "uncertain": run.uncertain,
            }
        )
        if run.unreachable:
            # A non-zero exit, so cron's mail or the monitoring notices.
            raise CommandError(
                _("The mail server could not be reached: %(error)s")
                % {"error": run.unreachable}
            )

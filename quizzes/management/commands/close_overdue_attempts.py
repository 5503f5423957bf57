from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from quizzes.services import overdue_attempts_close


class Command(BaseCommand):
    help = _(
        "Submit attempts left open past their deadline, grading the answers saved "
        "before it. Run it every few minutes from cron or the task scheduler."
    )

    def handle(self, *args, **options):
        closed = overdue_attempts_close()
        self.stdout.write(_("%(count)d attempts closed.") % {"count": closed})

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from lms.reports.summary import summary_rebuild


class Command(BaseCommand):
    help = (
        "Recount the completion summary the reports read, from scratch, in one "
        "transaction (reports keep the old figures until it commits). Run it once "
        "after upgrading a database that already has learners, and after loading "
        "data in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        build = summary_rebuild(using=database)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Report summary rebuilt: %(groups)d groups, %(rows)d rows "
                    "in %(seconds).1f s."
                )
                % {"groups": build.groups, "rows": build.rows, "seconds": build.seconds}
            )
        )

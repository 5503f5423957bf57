from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS


class Command(BaseCommand):
    help = (
        "Kept for existing schedules: the report recounts now wait in the "
        "generic outbox, so this runs `resume_outbox`, which hands over all "
        "the background work left behind (recounts included)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--stale-seconds", type=int, default=300)

    def handle(self, *args, database, stale_seconds, **options):
        call_command(
            "resume_outbox",
            database=database,
            stale_seconds=stale_seconds,
            stdout=self.stdout,
            stderr=self.stderr,
        )

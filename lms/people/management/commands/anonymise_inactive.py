"""python manage.py anonymise_inactive [--school-years N] [--dry-run]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.people.models import PersonErasure
from lms.people.services import people_for_retention, person_erase

RETENTION_REASON = "Retention period over"


class Command(BaseCommand):
    help = (
        "Anonymise learners with no role in the last N school years "
        "(LMS_RETENTION_SCHOOL_YEARS, default 5), the same way as an erasure "
        "on request."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--school-years",
            type=int,
            default=getattr(settings, "LMS_RETENTION_SCHOOL_YEARS", 5),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List them; change nothing."
        )

    def handle(self, *args, **options):
        years = options["school_years"]
        if years < 1:
            raise CommandError("--school-years must be at least 1.")
        people = list(people_for_retention(school_years=years))
        for person in people:
            if options["dry_run"]:
                self.stdout.write(f"would anonymise user #{person.pk}")
                continue
            person_erase(
                person=person,
                erased_by=None,
                reason=f"{RETENTION_REASON} ({years} school years)",
                source=PersonErasure.Source.RETENTION,
            )
        verb = "Would anonymise" if options["dry_run"] else "Anonymised"
        self.stdout.write(f"{verb} {len(people)} people.")

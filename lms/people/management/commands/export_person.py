"""python manage.py export_person USERNAME --output PATH"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.people.services import person_data_export

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Write everything the LMS holds about one person to a ZIP file "
        "(data.json and their files), for a data-subject access request."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, **options):
        try:
            person = User.objects.get(username=options["username"])
        except User.DoesNotExist as error:
            raise CommandError(f"No user {options['username']!r}.") from error
        output: Path = options["output"]
        output.write_bytes(person_data_export(person=person))
        self.stdout.write(f"Wrote {output}")

"""python manage.py erase_person USERNAME --reason "..." [--yes]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.people.models import PersonErasure
from lms.people.profiles import full_name_of
from lms.people.services import person_erase, person_is_erased

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Anonymise one person on request: their name, contact details and free "
        "text go; anonymous scores and an audit record stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reason",
            required=True,
            help="Why (kept in the audit record; write no personal data).",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation."
        )

    def handle(self, *args, **options):
        try:
            person = User.objects.get(username=options["username"])
        except User.DoesNotExist as error:
            raise CommandError(f"No user {options['username']!r}.") from error
        if person_is_erased(person=person):
            raise CommandError("This person has already been erased.")
        if not options["yes"]:
            answer = input(
                f"Erase {full_name_of(person)} ({person.username})? This cannot be "
                "undone. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        erasure = person_erase(
            person=person,
            erased_by=None,
            reason=options["reason"],
            source=PersonErasure.Source.COMMAND,
        )
        self.stdout.write(f"Erased user #{erasure.erased_user_id}.")

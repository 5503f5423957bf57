"""python manage.py sync_role_groups"""

from django.core.management.base import BaseCommand

from lms.people.services import role_groups_sync_all


class Command(BaseCommand):
    help = (
        "Bring the LMS role groups and the per-school admin groups in step with "
        "the memberships of school years not yet ended (daily: roles lapse "
        "when their school year ends)."
    )

    def handle(self, *args, **options):
        added, removed = role_groups_sync_all()
        self.stdout.write(f"group memberships added: {added}, removed: {removed}")

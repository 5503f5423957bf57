import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ... import badges
from ...badge_models import BadgeSigningKey


class Command(BaseCommand):
    help = _(
        "The Open Badges signing key: create it, rotate it, or write the "
        "public keys file that offline verifiers trust."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help=_("Write the public keys (JSON) to this file.")
        )
        parser.add_argument(
            "--rotate",
            action="store_true",
            help=_("Retire the active key and create a new one."),
        )

    def handle(self, *args, output=None, rotate=False, **options):
        if rotate:
            key = badges.rotate_key()
            self.stdout.write(_("New signing key: %(key)s") % {"key": key})
        elif not BadgeSigningKey.objects.filter(active=True).exists():
            key = badges.create_key()
            self.stdout.write(_("New signing key: %(key)s") % {"key": key})
        if output:
            document = badges.trust_document()
            Path(output).write_text(
                json.dumps(document, ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
            self.stdout.write(
                _("Wrote %(count)d key(s) to %(path)s")
                % {"count": len(document["keys"]), "path": output}
            )
        for key in BadgeSigningKey.objects.order_by("created_at"):
            state = _("active") if key.active else _("retired")
            self.stdout.write(f"{key} ({state})")

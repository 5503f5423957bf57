from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ... import signing


class Command(BaseCommand):
    help = _(
        "Write the Department's root certificate (PEM): the trust anchor that "
        "checks every signed certificate PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help=_("Write to this file instead of the standard output.")
        )

    def handle(self, *args, output=None, **options):
        pem = "".join(signing.trust_root_pems())
        if output:
            Path(output).write_text(pem)
            written = _("Root certificate written to %(path)s") % {"path": output}
            self.stderr.write(written)
        else:
            self.stdout.write(pem, ending="")

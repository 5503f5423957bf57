import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...badge_check import verify_badge
from ...selectors import certificate_by_code, certificate_by_sha256
from ...views import public_record


class Command(BaseCommand):
    help = _("Check a certificate by its verification code or by its PDF file.")

    def add_arguments(self, parser):
        parser.add_argument("code_or_pdf", help=_("A verification code or a PDF path."))
        # Open Badges files (certificates/badge_check.py).
        parser.add_argument(
            "--trust",
            help=_("A badge issuer's keys file, as `certificate_badge_keys` writes."),
        )
        parser.add_argument(
            "--status-list", help=_("A saved status list credential for a badge.")
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help=_("Do not fetch a badge's status list from the network."),
        )

    def handle(self, *args, code_or_pdf, **options):
        path = Path(code_or_pdf)
        if path.suffix.lower() == ".json" and path.is_file():
            return verify_badge(
                self,
                path,
                trust=options.get("trust"),
                status_list=options.get("status_list"),
                offline=options.get("offline", False),
            )
        if path.suffix.lower() == ".pdf" or path.is_file():
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            certificate = certificate_by_sha256(digest=digest)
            if certificate is None:
                self.stdout.write(_("This file does not match any certificate."))
                raise SystemExit(1)
            self.stdout.write(
                _("This is the original file of a certificate we issued.")
            )
        else:
            code = code_or_pdf.rstrip("/").rsplit("/", 1)[-1]
            certificate = certificate_by_code(code=code)
            if certificate is None:
                self.stdout.write(_("No certificate has this code."))
                raise SystemExit(1)
        record = public_record(certificate)
        labels = {
            "status": _("Status"),
            "serial": _("Serial"),
            "name": _("Holder (as printed)"),
            "course": _("Course"),
            "school": _("School"),
            "issue_date": _("Issue date"),
            "expires_on": _("Valid until"),
            "revoked_on": _("Revoked on"),
            "replaced_by": _("Replaced by"),
        }
        record["status"] = record.pop("status_label")
        for key, label in labels.items():
            if record.get(key):
                self.stdout.write(f"{label}: {record[key]}")
        if certificate.effective_status != "valid":
            raise SystemExit(2)

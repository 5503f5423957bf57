import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import signing
from ...badge_check import verify_badge
from ...selectors import certificate_by_code, certificate_by_sha256
from ...views import public_record, signed_elsewhere

# Exit codes: 0 valid, 1 tampered or unknown, 2 revoked, replaced or expired.
TAMPERED = 1
NOT_VALID = 2


class Command(BaseCommand):
    help = _("Check a certificate by its verification code or by its PDF file.")

    def add_arguments(self, parser):
        parser.add_argument("code_or_pdf", help=_("A verification code or a PDF path."))
        parser.add_argument(
            "--root",
            help=_(
                "Check signatures against this trust root (PEM) instead of the "
                "site's own."
            ),
        )
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

    def handle(self, *args, code_or_pdf, root=None, **options):
        path = Path(code_or_pdf)
        if path.suffix.lower() == ".json" and path.is_file():
            return verify_badge(
                self,
                path,
                trust=options.get("trust"),
                status_list=options.get("status_list"),
                offline=options.get("offline", False),
            )
        suffix = path.suffix.lower()
        if suffix == ".pdf" or (path.is_file() and suffix != ".json"):
            certificate = self.check_pdf(path, root=root)
        else:
            code = code_or_pdf.rstrip("/").rsplit("/", 1)[-1]
            certificate = certificate_by_code(code=code)
            if certificate is None:
                self.stdout.write(_("No certificate has this code."))
                raise SystemExit(TAMPERED)
        if certificate is not None:
            self.write_record(public_record(certificate))
            if certificate.effective_status != "valid":
                raise SystemExit(NOT_VALID)

    def check_pdf(self, path: Path, *, root=None):
        """The signature (offline, against the trust root), then the ledger."""
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        data = path.read_bytes()
        roots = signing.trust_roots_from_file(Path(root)) if root else None
        check = signing.verify_pdf(data, trust_roots_pem=roots)
        self.stdout.write(signing.describe(check))
        if check.valid:
            self.stdout.write(
                _("Signature level: PAdES %(level)s") % {"level": check.level}
            )
        certificate = certificate_by_sha256(digest=hashlib.sha256(data).hexdigest())
        if certificate is not None:
            self.stdout.write(
                _("This is the original file of a certificate we issued.")
            )
        elif signed_elsewhere(check):
            # Signed by us, but this server's ledger does not hold it (moved,
            # restored, or checked elsewhere): the signed record inside speaks.
            self.stdout.write(
                _("This server has no record of this file; its signed record:")
            )
            self.write_record(signing.embedded_public_record(check))
        else:
            self.stdout.write(_("This file does not match any certificate."))
        if check.verdict in (
            signing.Verdict.TAMPERED,
            signing.Verdict.UNTRUSTED,
            signing.Verdict.UNREADABLE,
        ) or (certificate is None and not signed_elsewhere(check)):
            raise SystemExit(TAMPERED)
        return certificate

    def write_record(self, record: dict) -> None:
        labels = {
            "status_label": _("Status"),
            "serial": _("Serial"),
            "name": _("Holder (as printed)"),
            "course": _("Course"),
            "school": _("School"),
            "issue_date": _("Issue date"),
            "expires_on": _("Valid until"),
            "revoked_on": _("Revoked on"),
            "replaced_by": _("Replaced by"),
        }
        for key, label in labels.items():
            if record.get(key):
                self.stdout.write(f"{label}: {record[key]}")

"""Checking a badge file: shared by `verify_certificate` and the upload form."""

import json
from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import badges

# verify_certificate's exit codes, as for a PDF or a code.
EXIT_CODES = {
    "valid": 0,
    "unreadable": 1,
    "tampered": 1,
    "untrusted": 1,
    "revoked": 2,
    "expired": 2,
}


def load_json(data: bytes):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def check_uploaded_badge(data: bytes) -> badges.BadgeCheck:
    """The verification page's check: this site's keys and ledger."""
    credential = load_json(data)
    if not isinstance(credential, dict):
        return badges.BadgeCheck(
            "unreadable", _("This file is not an Open Badges credential.")
        )
    return badges.check_badge(credential, trusted=badges.site_trusted_keys())


def verify_badge(
    command,
    path: Path,
    *,
    trust: str | None = None,
    status_list: str | None = None,
    offline: bool = False,
) -> None:
    """`manage.py verify_certificate badge.json`: print the verdict, exit non-zero
    on tampering, an unknown key, revocation or expiry."""
    credential = load_json(path.read_bytes())
    if not isinstance(credential, dict):
        command.stdout.write(_("This file is not an Open Badges credential."))
        raise SystemExit(1)
    trusted = badges.site_trusted_keys()
    if trust:
        try:
            trusted.update(badges.trusted_keys_from_file(Path(trust)))
        except (OSError, ValueError, KeyError, TypeError):
            command.stdout.write(
                _("The trust file could not be read: %(path)s") % {"path": trust}
            )
            raise SystemExit(1) from None
    status = None
    if status_list:
        status = load_json(Path(status_list).read_bytes())
        if not isinstance(status, dict):
            command.stdout.write(_("The status list file is not JSON."))
            raise SystemExit(1)
    result = badges.check_badge(
        credential, trusted=trusted, status_list=status, fetch=not offline
    )
    command.stdout.write(result.message)
    if result.holder:
        command.stdout.write(f"{_('Holder (as printed)')}: {result.holder}")
    if result.course:
        command.stdout.write(f"{_('Course')}: {result.course}")
    if result.valid_from:
        command.stdout.write(f"{_('Issue date')}: {result.valid_from}")
    code = EXIT_CODES.get(result.verdict, 1)
    if code:
        raise SystemExit(code)


MAX_BADGE_BYTES = 1_000_000


class BadgeCheckForm(forms.Form):
    file = forms.FileField(label=_lazy("Digital certificate (.json)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BADGE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload

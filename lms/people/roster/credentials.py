"""One-time initial passwords and the sheet a homeroom teacher hands out.

Plain passwords exist only in memory and, between an import and the
download of its sheet, in the cache (see admin views); the database holds
their hashes alone.
"""

import io
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.urls import reverse
from django.utils.translation import gettext as _

from lms import conf
from lms.exports import neutralise

from ..text import vietnamese_sort_key

# No 0/o, 1/l/i: read aloud or copied from paper without mistakes.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 4  # 12 symbols of 31: about 59 bits


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, for random one-time initial passwords only.

    A school imports 1,500 students at once; a million rounds each would
    take many minutes. These passwords are random (about 59 bits), so the
    rounds add little, and Django re-hashes with the full count at the first
    sign-in (``must_update``), right before the forced change of password.
    """

    iterations = 20_000


@dataclass(frozen=True)
class Credential:
    class_name: str  # "" for staff without a class
    full_name: str
    code: str
    username: str
    password: str


def initial_password_generate() -> str:
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _group in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


# Defaults slow on purpose; a cheap one (tests use MD5) is kept as it is.
SLOW_DEFAULTS = {"argon2", PBKDF2PasswordHasher.algorithm}


def initial_password_hash(password: str) -> str:
    if get_hasher("default").algorithm in SLOW_DEFAULTS:
        return make_password(password, hasher=InitialPasswordHasher())
    return make_password(password)


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "-"
    base, number = title, 2
    while title.lower() in used:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title.lower())
    return title


def credentials_workbook(
    *, credentials: list[Credential], school_name: str, school_year: str
) -> bytes:
    """An XLSX with one sheet per class: STT, name, code, username, password."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    by_class: dict[str, list[Credential]] = {}
    for credential in credentials:
        by_class.setdefault(credential.class_name, []).append(credential)
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    sign_in = conf.site_url() + reverse("lms_people:login")
    for class_name in sorted(by_class, key=lambda name: (name == "", name)):
        label = class_name or _("Staff")
        sheet = workbook.create_sheet(_sheet_title(label, used))
        if class_name:
            title = _("Class %(class)s") % {"class": class_name}
        else:
            title = label
        sheet.append([neutralise(f"{school_name} – {title} – {school_year}")])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(
            [
                _(
                    "Sign in at %(url)s with the username and the initial "
                    "password below; you will be asked to choose a new password."
                )
                % {"url": sign_in}
            ]
        )
        sheet.append([])
        sheet.append(
            [
                _("No."),
                _("Full name"),
                _("Student code"),
                _("Username"),
                _("Initial password"),
            ]
        )
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        people = sorted(
            by_class[class_name], key=lambda c: vietnamese_sort_key(c.full_name)
        )
        for number, credential in enumerate(people, 1):
            sheet.append(
                [
                    number,
                    neutralise(credential.full_name),
                    neutralise(credential.code),
                    neutralise(credential.username),
                    neutralise(credential.password),
                ]
            )
        for letter, width in zip("ABCDE", (6, 32, 16, 24, 18), strict=True):
            sheet.column_dimensions[letter].width = width
    if not workbook.worksheets:
        workbook.create_sheet(_("Staff"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

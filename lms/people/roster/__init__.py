"""Class and staff roster import: parsing, the import service, credentials."""

from .credentials import Credential, credentials_workbook
from .importing import (
    RosterEntry,
    RosterReport,
    initial_passwords_reissue,
    roster_import,
)
from .parsing import MAX_ROSTER_BYTES, RosterFileError, RowProblem, roster_parse

__all__ = [
    "MAX_ROSTER_BYTES",
    "Credential",
    "RosterEntry",
    "RosterFileError",
    "RosterReport",
    "RowProblem",
    "credentials_workbook",
    "initial_passwords_reissue",
    "roster_import",
    "roster_parse",
]

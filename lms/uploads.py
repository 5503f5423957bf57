"""Checks on uploaded files, done before a parser touches them."""

import io
import zipfile

# An .xlsx of questions or a class list unpacks to a few MB at most.
MAX_WORKBOOK_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_WORKBOOK_PARTS = 500


def workbook_too_large(data: bytes) -> bool:
    """True when an .xlsx (a zip) would unpack to far more than any real workbook.

    Read from the zip directory before anything is inflated, so a zip bomb is
    refused in milliseconds. Python's zipfile never inflates a part beyond the
    size the directory declares, so the declared sizes can be trusted. Files
    that are not zips return False and are left to the parser to refuse.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    unpacked = sum(part.file_size for part in parts)
    return len(parts) > MAX_WORKBOOK_PARTS or unpacked > MAX_WORKBOOK_UNPACKED_BYTES

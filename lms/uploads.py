"""Checks on uploaded files, done before a parser touches them."""

import io
import logging
import zipfile

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


# -- a full temporary folder -------------------------------------------------
# Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) are spooled to a
# temporary file. When that disk is full, Django's handler raises OSError
# while the request is parsed (in the CSRF middleware, before any view), and
# the admin gets a server error. This handler ends the upload instead and
# notes why; the import views then refuse with a clear message.


class DiskSafeTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError as exc:
            self._refuse(exc)

    def receive_data_chunk(self, raw_data, start):
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as exc:
            self._refuse(exc)

    def file_complete(self, file_size):
        try:
            return super().file_complete(file_size)
        except OSError as exc:
            self._refuse(exc)

    def _refuse(self, exc: OSError):
        logger.warning("Upload not stored in the temporary folder: %s", exc)
        self.request.lms_upload_error = exc
        temporary = getattr(self, "file", None)
        if temporary is not None:
            try:
                temporary.close()  # removes the temporary file
            except OSError:
                pass
            del self.file
        raise StopUpload(connection_reset=False)


def upload_refusal(request) -> str:
    """Why the server could not take the uploaded file ("" if it could)."""
    if request.method != "POST":
        return ""
    request.POST  # noqa: B018 - parses the upload, once
    exc = getattr(request, "lms_upload_error", None)
    if exc is None:
        return ""
    return _(
        "The server could not store the uploaded file (%(reason)s). Nothing "
        "was imported. Try again later or tell the site's administrator that "
        "the disk is full."
    ) % {"reason": exc.strerror or exc}

"""Media storage that leaves no half-written file behind on a full disk."""

import logging
import os

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)


class DiskSafeFileSystemStorage(FileSystemStorage):
    """Django's file-system storage, minus the partial file a failed write
    leaves on the disk.

    When the volume fills (or turns read-only) part-way through a file,
    Django's storage raises OSError but keeps the bytes already written, so a
    truncated image or document sits in the media folder with no row naming
    it. Here the file is removed before the error goes on (to the caller, and
    for a request to `lms.db_faults`, which answers "the disk is full").

    Only a file this call created is removed: a name that existed before is
    left alone. If a concurrent upload took the name first, Django writes
    under another name this method does not learn; that rare leftover is
    only an orphan file, never a row pointing at a truncated one.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed and os.path.lexists(full_path):
                try:
                    os.remove(full_path)
                except OSError:
                    logger.warning("Could not remove the partial file %s", name)
            raise

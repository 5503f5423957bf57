"""python manage.py lms_restore ARCHIVE [--check] [--force] [--no-media]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.ops.services import (
    BackupRefused,
    RestoreMismatch,
    backup_check,
    backup_restore,
)


class Command(BaseCommand):
    help = _(
        "Restore an lms_backup archive into an empty database and media folder. "
        "Every checksum is verified first; a damaged or altered archive is refused "
        "and nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help=_(
                "Only verify the archive and that it fits this code; change nothing."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace a database and media folder that are not empty."),
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help=_("Restore the database only."),
        )
        parser.add_argument(
            "--workdir",
            type=Path,
            help=_("Scratch folder for unpacking (default: the system's temp folder)."),
        )
        parser.add_argument("--database", default="default", help=_("Database alias."))

    def handle(self, *args, **options):
        try:
            if options["check"]:
                manifest = backup_check(
                    archive=options["archive"],
                    alias=options["database"],
                    workdir=options["workdir"],
                )
                self.stdout.write(
                    _("Archive OK: made %(created)s, %(rows)d rows, checksums match.")
                    % {
                        "created": manifest.created_at,
                        "rows": sum(manifest.table_rows.values()),
                    }
                )
                return
            result = backup_restore(
                archive=options["archive"],
                force=options["force"],
                include_media=not options["no_media"],
                alias=options["database"],
                workdir=options["workdir"],
            )
        except BackupRefused as error:
            raise CommandError(str(error)) from error
        except RestoreMismatch as error:
            raise CommandError(
                _("Restored, but: %(problem)s") % {"problem": error}
            ) from error
        manifest = result.manifest
        self.stdout.write(
            _(
                "Restored the backup of %(created)s: %(tables)d tables, "
                "%(rows)d rows, as in the archive."
            )
            % {
                "created": manifest.created_at,
                "tables": len(manifest.table_rows),
                "rows": sum(manifest.table_rows.values()),
            }
        )
        if result.media_restored:
            self.stdout.write(
                _(
                    "Media: %(media)d files restored. Files named by the database: "
                    "%(present)d present, %(missing)d missing. Recorded SHA-256 "
                    "hashes: %(hashed)d checked, all match."
                )
                % {
                    "media": len(manifest.media_files),
                    "present": result.files_checked - len(result.files_missing),
                    "missing": len(result.files_missing),
                    "hashed": result.hashes_checked,
                }
            )
            if result.files_missing:
                self.stderr.write(
                    _("Missing, e.g.: %(names)s")
                    % {"names": ", ".join(result.files_missing[:5])}
                )
        if result.pending_migrations:
            self.stdout.write(
                _("%(count)d migrations of this code are not applied yet: run migrate.")
                % {"count": len(result.pending_migrations)}
            )

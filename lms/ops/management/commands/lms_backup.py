"""python manage.py lms_backup --output DIR [--no-media]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.ops.services import BackupRefused, backup_create


class Command(BaseCommand):
    help = _(
        "Write one archive holding the database (pg_dump, or SQLite's backup API), "
        "the media folder and a manifest of checksums and migrations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            required=True,
            help=_("Folder for the archive (created if missing)."),
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help=_("Back up the database only (media kept elsewhere, e.g. S3)."),
        )
        parser.add_argument("--database", default="default", help=_("Database alias."))

    def handle(self, *args, **options):
        try:
            result = backup_create(
                output_dir=options["output"],
                include_media=not options["no_media"],
                alias=options["database"],
            )
        except BackupRefused as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        media = manifest.media_files
        self.stdout.write(
            _(
                "Backup written: %(path)s (%(tables)d tables, %(rows)d rows, "
                "%(files)s media files)."
            )
            % {
                "path": result.path,
                "tables": len(manifest.table_rows),
                "rows": sum(manifest.table_rows.values()),
                "files": _("no") if media is None else len(media),
            }
        )

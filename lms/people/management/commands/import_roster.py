"""python manage.py import_roster PATH --school CODE --year 2023-2024"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.checks import check_site_url
from lms.people.models import School, SchoolYear
from lms.people.roster import credentials_workbook, roster_import
from lms.transactions import atomic_retrying_once


class Command(BaseCommand):
    help = (
        "Import a class or staff list (XLSX or CSV) into a school for a school "
        "year. All or nothing: any refused row refuses the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--school", required=True, help="School code, e.g. DEMO")
        parser.add_argument("--year", required=True, help="School year, e.g. 2023-2024")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would change; write nothing.",
        )
        parser.add_argument(
            "--create-classes",
            action="store_true",
            help="Create classes the file names that do not exist yet.",
        )
        parser.add_argument(
            "--credentials",
            type=Path,
            help="Write the new accounts' initial passwords to this XLSX file.",
        )

    def handle(self, *args, **options):
        try:
            school = School.objects.get(code=options["school"].strip().upper())
        except School.DoesNotExist:
            raise CommandError(f"No school with code {options['school']}.") from None
        try:
            school_year = SchoolYear.objects.get(name=options["year"].strip())
        except SchoolYear.DoesNotExist:
            raise CommandError(f"No school year {options['year']}.") from None
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        credentials_path: Path | None = options["credentials"]
        if credentials_path and not options["dry_run"]:
            # The passwords exist only in memory: check that they can be
            # written before any account is created.
            self.check_credentials_destination(credentials_path)

        # All or nothing: accounts are created only if their initial
        # passwords are written too.
        # A deadlock victim runs once more (lms/transactions.py).
        @atomic_retrying_once
        def import_with_sheet():
            report = roster_import(
                data=data,
                filename=path.name,
                school=school,
                school_year=school_year,
                create_classes=options["create_classes"],
                dry_run=options["dry_run"],
            )
            if report.credentials and credentials_path and not report.dry_run:
                self.write_credentials(
                    credentials_path,
                    report=report,
                    school=school,
                    school_year=school_year,
                )
            return report

        report = import_with_sheet()
        for problem in report.refused:
            self.stderr.write(f"refused  {problem.where}: {problem.message}")
        if report.refused:
            raise CommandError(
                f"{len(report.refused)} problem(s); nothing was imported."
            )
        for label, entries in (
            ("created", report.created),
            ("updated", report.updated),
        ):
            for entry in entries:
                details = "; ".join(entry.changes)
                self.stdout.write(
                    f"{label:<9}{entry.where}: {entry.full_name} "
                    f"({entry.code or entry.email}) {entry.class_name} "
                    f"{entry.role_label} {entry.username} {details}".rstrip()
                )
        for name in report.classes_created:
            self.stdout.write(f"class    {name}")
        prefix = "Dry run, nothing written: would have " if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}created {len(report.created)}, updated "
                f"{len(report.updated)}, unchanged {len(report.unchanged)}, "
                f"refused 0."
            )
        )
        if report.credentials:
            if credentials_path:
                self.stdout.write(
                    f"Initial passwords written to {credentials_path}; "
                    "hand it out and then delete it."
                )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        "Initial passwords were not saved (no --credentials); "
                        "issue new ones per class in the admin."
                    )
                )

    def check_credentials_destination(self, path: Path) -> None:
        """Refuse before any work if the passwords could not be written."""
        if check_site_url():
            raise CommandError(
                _(
                    "LMS_SITE_URL is not set to the site's public address, so the "
                    "sign-in sheets cannot print where to sign in. Set it in the "
                    "settings. Nothing was imported."
                )
            )
        if not path.parent.is_dir():
            raise CommandError(
                _("The folder of %(path)s does not exist. Nothing was imported.")
                % {"path": path}
            )
        if path.exists() and not path.is_file():
            raise CommandError(
                _("%(path)s is not a file. Nothing was imported.") % {"path": path}
            )

    def write_credentials(self, path: Path, *, report, school, school_year) -> None:
        """Write the workbook; on failure, raise so the import is undone."""
        workbook = credentials_workbook(
            credentials=report.credentials,
            school_name=school.name,
            school_year=school_year.name,
        )
        try:
            path.write_bytes(workbook)
        except OSError as error:
            raise CommandError(
                _(
                    "Cannot write the initial passwords to %(path)s (%(error)s). "
                    "Nothing was imported."
                )
                % {"path": path, "error": error}
            ) from None

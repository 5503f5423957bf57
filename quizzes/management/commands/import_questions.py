from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from quizzes.formats.base import QuestionFileError
from quizzes.importing import FORMATS, ImportRefused, questions_import


class Command(BaseCommand):
    help = _("Import questions from a GIFT, Aiken, Moodle XML or Excel file.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, required=True)
        parser.add_argument(
            "--category", default="", help=_("Category path, e.g. Luật/Điều 8")
        )
        parser.add_argument(
            "--school",
            default="",
            help=_(
                "Code of the school that owns the imported questions; "
                "without it they go into the Department's shared library."
            ),
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--skip-unsupported", action="store_true")
        parser.add_argument(
            "--update",
            action="store_true",
            help=_(
                "Replace the question of the same category with the same ID "
                "number instead of adding a copy."
            ),
        )
        parser.add_argument(
            "--ignore-diacritics",
            action="store_true",
            help=_(
                "Imported short answers ignore Vietnamese diacritics "
                '("luat" matches "luật"; "ma" matches "má", "mà", "mã").'
            ),
        )

    def handle(
        self, *args, path, fmt, category, school, dry_run, skip_unsupported, **options
    ):
        update = options.get("update", False)
        ignore_diacritics = options.get("ignore_diacritics", False)
        owner = None
        if school:
            from lms.people.models import School

            owner = School.objects.filter(code=school).first()
            if owner is None:
                raise CommandError(
                    _("No school has the code %(code)s.") % {"code": school}
                )
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        try:
            report = questions_import(
                data=data,
                fmt=fmt,
                category_path=category,
                skip_unsupported=skip_unsupported,
                dry_run=dry_run,
                school=owner,
                update=update,
                ignore_diacritics=ignore_diacritics,
            )
        except (QuestionFileError, ImportRefused) as exc:
            for problem in exc.problems:
                self.stderr.write(
                    _("Line %(line)s: %(message)s")
                    % {"line": problem.line, "message": problem.message}
                )
            raise CommandError(_("Nothing was imported.")) from exc
        for problem in report.skipped:
            self.stdout.write(
                _("Skipped line %(line)s: %(message)s")
                % {"line": problem.line, "message": problem.message}
            )
        if dry_run:
            self.stdout.write(
                _("Dry run: %(count)d questions would be imported.")
                % {"count": len(report.questions)}
            )
            if update:
                self.stdout.write(
                    _("Of these, %(count)d would update questions already in the bank.")
                    % {"count": sum(match is not None for match in report.matches)}
                )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(count)d questions.") % {"count": report.created}
                )
            )
            if update:
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Updated %(count)d questions.") % {"count": report.updated}
                    )
                )

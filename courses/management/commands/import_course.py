"""Import a course pack into a catalogue (docs/course-packs.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import CourseIndexPage
from courses.packs.container import PackError
from courses.packs.services import import_course, read_pack


def action_label(action: str) -> str:
    labels = {
        "new": _("new"),
        "update": _("update"),
        "unchanged": _("unchanged"),
        "differs": _("differs from this site's copy"),
        "removed-from-pack": _("no longer in the pack (left as it is)"),
    }
    return labels.get(action, action)


class Command(BaseCommand):
    help = "Import a course pack (zip or folder) into a catalogue."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the pack: a zip file or a folder")
        parser.add_argument("--catalogue", required=True, help="the catalogue's slug")
        parser.add_argument("--school", help="the code of the school owning it")
        parser.add_argument("--dry-run", action="store_true", help="only show the plan")
        parser.add_argument("--title", help="a new title for a new course")

    def handle(
        self,
        *args,
        source,
        catalogue,
        school=None,
        dry_run=False,
        title=None,
        **options,
    ):
        catalogues = CourseIndexPage.objects.filter(slug=catalogue)
        if school:
            catalogues = catalogues.filter(school__code=school.upper())
        found = list(catalogues[:2])
        if len(found) != 1:
            raise CommandError(
                _("No single catalogue has the slug %(slug)s.") % {"slug": catalogue}
                if not found
                else _("Several catalogues have the slug %(slug)s: name the school.")
                % {"slug": catalogue}
            )
        try:
            pack = read_pack(source)
            report = import_course(
                pack, catalogue=found[0], title=title, dry_run=dry_run
            )
        except PackError as error:
            raise CommandError(str(error)) from None
        for kind, label, action in report.items:
            self.stdout.write(f"{kind}\t{label}\t{action_label(action)}")
        for message in report.messages:
            self.stdout.write(message)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        elif report.created:
            self.stdout.write(
                _("Course “%(title)s” created.") % {"title": report.course.title}
            )
        else:
            self.stdout.write(
                _("Course “%(title)s” updated.") % {"title": report.course.title}
            )

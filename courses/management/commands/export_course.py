"""Export a course as a course pack (docs/course-packs.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import CourseIndexPage, CoursePage
from courses.packs.services import export_course, export_course_folder


class Command(BaseCommand):
    help = "Export a course as a course pack (a zip, or the same tree as a folder)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's slug")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--output", help="the zip file to write")
        target.add_argument("--folder", help="a folder to write the pack into")
        parser.add_argument(
            "--catalogue", help="the catalogue's slug, when several hold the slug"
        )
        parser.add_argument(
            "--no-checksums",
            action="store_true",
            help="with --folder: a manifest without checksums, so the files can "
            "be edited by hand (the demo packs)",
        )

    def handle(
        self,
        *args,
        slug,
        output=None,
        folder=None,
        catalogue=None,
        no_checksums=False,
        **options,
    ):
        courses = CoursePage.objects.filter(slug=slug)
        if catalogue:
            parents = CourseIndexPage.objects.filter(slug=catalogue)
            courses = courses.filter(
                pk__in=[
                    pk
                    for parent in parents
                    for pk in CoursePage.objects.child_of(parent).values_list(
                        "pk", flat=True
                    )
                ]
            )
        found = list(courses[:2])
        if not found:
            raise CommandError(_("No course has the slug %(slug)s.") % {"slug": slug})
        if len(found) > 1:
            raise CommandError(
                _("Several courses have the slug %(slug)s: name the catalogue.")
                % {"slug": slug}
            )
        course = found[0]
        if folder:
            export_course_folder(course, folder, checksums=not no_checksums)
            written = folder
        else:
            Path(output).write_bytes(export_course(course))
            written = output
        self.stdout.write(
            _("Course “%(title)s” exported to %(path)s.")
            % {"title": course.title, "path": written}
        )

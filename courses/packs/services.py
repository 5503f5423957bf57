"""Export a course as a pack; read a pack; import it into a catalogue
(docs/course-packs.md). The design: plan every section first (nothing is
written), then apply them all in one transaction."""

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CourseIndexPage, CoursePage
from . import course as course_section
from . import legal
from .container import MANIFEST, PackError, PackReader, PackWriter
from .sections import ExportContext, ImportContext, sections

COURSE = "course.yaml"


@dataclass
class Pack:
    """A read and checked pack: the container and its course.yaml."""

    reader: PackReader
    course: dict

    @property
    def pack_id(self) -> str:
        return self.reader.pack_id

    @property
    def title(self) -> str:
        return self.course.get("title", "")


@dataclass
class ImportReport:
    course: CoursePage | None = None
    created: bool = False
    dry_run: bool = False
    items: list[tuple[str, str, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _all_sections():
    found = sections()
    if not any(section.name == course_section.NAME for section in found):
        found = sorted([course_section.section(), *found], key=lambda s: s.order)
    return found


def _pack_id(course: CoursePage) -> str:
    return course.pack_id or str(course.translation_key)


def _write(course: CoursePage) -> PackWriter:
    course = course.specific
    writer = PackWriter()
    context = ExportContext(course=course, writer=writer)
    data, extra = {}, {}
    for section in _all_sections():
        result = section.export_section(course, context)
        if section.name == course_section.NAME:
            data = result
        elif result is not None:
            extra[section.name] = result
    children = course.get_children().values_list("pk", flat=True)
    data["steps"] = [
        context.step_files[pk] for pk in children if pk in context.step_files
    ]
    data.update(extra)
    legal_data = legal.export_legal(context)
    if legal_data is not None:
        writer.add_yaml("legal.yaml", legal_data)
    writer.add_yaml(COURSE, data)
    return writer


def _source() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        lms_version = version("wagtail-lms-vn")
    except PackageNotFoundError:
        lms_version = ""
    return {
        "site": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
        "exported_at": timezone.now().replace(microsecond=0).isoformat(),
        "lms_version": lms_version,
    }


def export_course(course: CoursePage) -> bytes:
    """The course as a pack (zip bytes). Writes nothing to the database."""
    writer = _write(course)
    return writer.finish(pack_id=_pack_id(course), title=course.title, source=_source())


def export_course_folder(
    course: CoursePage, folder, *, source: dict | None = None, checksums: bool = True
) -> Path:
    """The same pack as a folder (the form kept in a repository). Without
    `checksums` the manifest lists no files, so the files can be edited by
    hand (the demo packs)."""
    import json

    folder = Path(folder)
    writer = _write(course)
    manifest = writer.manifest(
        pack_id=_pack_id(course), title=course.title, source=source or _source()
    )
    if not checksums:
        manifest["files"] = {}
    for name, data in writer.entries.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return folder


def read_pack(source) -> Pack:
    """A pack from zip bytes, a zip's path or a folder; PackError if it is not
    one this site can read."""
    reader = PackReader.open(source)
    if not reader.has(COURSE):
        raise PackError(COURSE, _("The pack has no course.yaml."))
    data = reader.yaml(COURSE)
    if not isinstance(data, dict):
        raise PackError(COURSE, _("course.yaml must be a mapping."))
    known = set(course_section.COURSE_KEYS) | {s.name for s in _all_sections()}
    unknown = sorted(set(data) - known)
    if unknown:
        raise PackError(COURSE, _("unknown key %(key)s.") % {"key": unknown[0]})
    return Pack(reader=reader, course=data)


def _target(pack: Pack, catalogue: CourseIndexPage) -> CoursePage | None:
    return CoursePage.objects.child_of(catalogue).filter(pack_id=pack.pack_id).first()


class _DryRun(Exception):
    pass


def import_course(
    pack: Pack,
    *,
    catalogue: CourseIndexPage,
    user=None,
    title: str | None = None,
    dry_run: bool = False,
    publish: bool | None = None,
) -> ImportReport:
    """Import `pack` into `catalogue`: a new course, or the course of that
    catalogue made from the same pack, updated in place. All or nothing."""
    from ..policies import may_publish_in

    catalogue = catalogue.specific
    if publish is None:
        publish = user is None or may_publish_in(user=user, catalogue=catalogue)
    existing = _target(pack, catalogue)
    context = ImportContext(
        pack=pack.reader,
        catalogue=catalogue,
        user=user,
        publish=publish,
        dry_run=dry_run,
        course=existing,
    )
    context.title = (title or "").strip() or None
    context.created = False
    chosen = _all_sections()

    def data_for(section):
        if section.name == course_section.NAME:
            return pack.course
        return pack.course.get(section.name)

    for section in chosen:
        section.import_plan(data_for(section), context)
    report = ImportReport(
        course=existing,
        created=existing is None,
        dry_run=dry_run,
        items=list(context.items),
        messages=list(context.messages),
    )
    if dry_run:
        # The preview also runs the checks only writing can make (each block's
        # own validation needs its images and pages): apply on a copy of the
        # context inside a transaction that is always rolled back.
        trial = dataclasses.replace(
            context,
            dry_run=False,
            publish=False,
            items=[],
            messages=[],
            steps={},
            stored_files=[],
            step_paths=list(context.step_paths),
            _images={},
            _documents={},
        )
        trial.title, trial.created, trial.trial = context.title, False, True
        try:
            _apply(chosen, data_for, pack, trial)
        except _DryRun:
            pass
        return report
    _apply(chosen, data_for, pack, context)
    report.course = context.course
    report.messages = list(context.messages)
    return report


def _apply(chosen, data_for, pack: Pack, context) -> None:
    """Apply every section in one transaction; on failure (or at the end of a
    trial run) the database is rolled back and stored media files deleted."""
    trial = getattr(context, "trial", False)
    try:
        with transaction.atomic():
            for section in chosen:
                section.import_apply(data_for(section), context)
            course_section.finish(pack.course, context)
            if trial:
                raise _DryRun
    except BaseException:
        for name in context.stored_files:
            try:
                default_storage.delete(name)
            except OSError:
                pass
        raise

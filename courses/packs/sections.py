"""What each app puts into a pack and takes out of it.

The course and its lessons are this app's; quizzes and certificate templates
belong to other apps, which register a section with the Wagtail hook
``lms_course_pack_sections`` (a function returning a `Section`), so this app
never imports them. Sections run in `Section.order`: course and lessons first,
then quizzes (which need the lessons' slugs), then the certificate.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .container import PackReader, PackWriter, sha256


@dataclass
class ExportContext:
    course: Any  # CoursePage
    writer: PackWriter
    # step page id -> pack file of that step (lessons/01-x.yaml, quizzes/02-y.yaml)
    step_files: dict[int, str] = field(default_factory=dict)

    def image_path(self, image) -> str:
        """Put a Wagtail image's original file in the pack; its pack path."""
        with image.file.open("rb") as handle:
            data = handle.read()
        return self.writer.add_file("images", _file_name(image), data)

    def document_path(self, document) -> str:
        with document.file.open("rb") as handle:
            data = handle.read()
        return self.writer.add_file("documents", _file_name(document), data)


def _file_name(item) -> str:
    """The name a media file goes into a pack under: its title when that is a
    file name of the same kind (an import titles what it stores after the pack
    file), else its stored name, which the storage may have suffixed
    ("logo_a1B2c3d.png") when the name was taken: so a pack imported and
    exported again names its files as it did."""
    stored = item.file.name.rsplit("/", 1)[-1]
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    title = (item.title or "").strip()
    if extension and "/" not in title and title.lower().endswith(f".{extension}"):
        return title
    return stored


@dataclass
class ImportContext:
    pack: PackReader
    catalogue: Any  # CourseIndexPage
    user: Any = None
    publish: bool = True
    dry_run: bool = False
    course: Any = None  # CoursePage; None while planning a course not made yet
    # course.yaml's `steps`, in course order: each section handles the files
    # of its folder (lessons/ the course app's, quizzes/ the quiz app's); the
    # course app puts the pages in this order at the end.
    step_paths: list[str] = field(default_factory=list)
    # step slug -> the step page in the course (filled as steps are applied)
    steps: dict[str, Any] = field(default_factory=dict)
    # (kind, label, action) rows of the preview, action in "new", "update",
    # "unchanged", "removed-from-pack"
    items: list[tuple[str, str, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    # files written to the media storage, deleted again if the import fails
    stored_files: list = field(default_factory=list)
    _images: dict[str, Any] = field(default_factory=dict)
    _documents: dict[str, Any] = field(default_factory=dict)

    @property
    def school(self):
        return self.catalogue.school

    def collection(self):
        from quizzes.import_files import school_collection

        return school_collection(self.school)

    def image(self, path: str, *, referred_from: str, title: str = ""):
        """The Wagtail image for a pack file: the same file already in the
        owner's collection, or a new one (never in a dry run)."""
        if path not in self._images:
            data = self.pack.bytes(path, referred_from=referred_from)
            self._images[path] = self._stored(
                get_image_model(), path, data, title=title
            )
        return self._images[path]

    def document(self, path: str, *, referred_from: str, title: str = ""):
        if path not in self._documents:
            data = self.pack.bytes(path, referred_from=referred_from)
            self._documents[path] = self._stored(
                get_document_model(), path, data, title=title
            )
        return self._documents[path]

    def _stored(self, model, path: str, data: bytes, *, title: str):
        if self.dry_run:
            return None
        collection = self.collection()
        name = path.rsplit("/", 1)[-1]
        digest = sha256(data)
        same_title = model.objects.filter(collection=collection, title=title or name)
        for existing in same_title:
            try:
                with existing.file.open("rb") as handle:
                    if sha256(handle.read()) == digest:
                        return existing
            except OSError:
                continue
        # The file given at creation is stored on save, and an image's width
        # and height are read from it (file.save(save=False) leaves them empty).
        item = model(
            title=title or name, collection=collection, file=ContentFile(data, name)
        )
        item.save()
        self.stored_files.append(item.file.name)
        return item


@dataclass
class Section:
    name: str
    order: int
    # (course, ExportContext) -> data for course.yaml's key `name`, or None.
    # A section that exports steps writes one file per step and records it in
    # ExportContext.step_files[page.pk]; course.yaml's `steps` is built from it.
    export_section: Callable[[Any, ExportContext], Any]
    # (data or None, ImportContext) -> None; checks everything, appends preview rows,
    # raises PackError; writes nothing
    import_plan: Callable[[Any, ImportContext], None]
    # (data, ImportContext) -> None; writes (inside the import's transaction)
    import_apply: Callable[[Any, ImportContext], None]


def sections() -> list[Section]:
    found = [fn() for fn in hooks.get_hooks("lms_course_pack_sections")]
    return sorted(found, key=lambda section: section.order)

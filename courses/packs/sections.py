"""What each app puts into a pack and takes out of it.

The course and its lessons are this app's; quizzes and certificate templates
belong to other apps, which register a section with the Wagtail hook
``lms_course_pack_sections`` (a function returning a `Section`), so this app
never imports them. Sections run in `Section.order`: course and lessons first,
then quizzes (which need the lessons' slugs), then the certificate.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import get_image_dimensions
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .container import PackError, PackReader, PackWriter, sha256


def _original_name(name: str) -> str:
    """A stored file's name without the suffix storage adds to avoid a clash
    ("luat_LKtl9It.pdf" -> "luat.pdf"), so a course exported, imported and
    exported again names its files the same."""
    return re.sub(r"_[A-Za-z0-9]{7}(?=\.[^./]+$)", "", name.rsplit("/", 1)[-1])


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
        return self.writer.add_file("images", _original_name(image.file.name), data)

    def document_path(self, document) -> str:
        with document.file.open("rb") as handle:
            data = handle.read()
        return self.writer.add_file(
            "documents", _original_name(document.file.name), data
        )


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
        _check_extension(model, path)
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
        item = model(title=title or name, collection=collection)
        item.file.save(name, ContentFile(data), save=False)
        self.stored_files.append(item.file.name)
        if model is get_image_model():
            item.width, item.height = get_image_dimensions(item.file)
            if not item.width:
                raise PackError(path, _("This file is not an image."))
            item._set_image_file_metadata()
        else:
            item._set_document_file_metadata()
        item.save()
        return item


def _check_extension(model, path: str) -> None:
    """Only the kinds of file the site's own upload forms accept (an .html or
    .svg "document" would be served from the site's address)."""
    is_image = model is get_image_model()
    allowed = getattr(
        settings,
        "WAGTAILIMAGES_EXTENSIONS" if is_image else "WAGTAILDOCS_EXTENSIONS",
        None,
    )
    if is_image and allowed is None:
        allowed = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
    extension = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if allowed is not None and extension not in allowed:
        raise PackError(
            path,
            _("Files of this kind are not accepted here (allowed: %(kinds)s).")
            % {"kinds": ", ".join(allowed)},
        )


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

"""Files embedded in imported questions: checked, stored, and linked from the text.

A Moodle XML file carries its pictures and sounds inside itself and the texts
refer to them as "@@PLUGINFILE@@/<name>". On import each file becomes a
Wagtail image (pictures) or document (sounds, PDFs, office files) in the
owner school's collection (the Department library has its own), and the
references become Wagtail's rich-text references, which Wagtail expands when
the page is shown. Limits are checked before anything is stored: a file too
large or of a kind we do not take refuses the whole import, naming the file.
"""

import io
import re
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import unquote

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from .formats.base import ParsedQuestion, Problem

# Sounds are documents: Wagtail serves them like any download.
SOUND_EXTENSIONS = ("mp3", "m4a", "ogg", "wav")
# The whole import, all its embedded files together.
TOTAL_LIMIT = 100 * 1024 * 1024

_REFERENCE = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)")
_IMG = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_LINK = re.compile(r'<a\b[^>]*href="@@PLUGINFILE@@/([^"]+)"[^>]*>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _is_image(name: str) -> bool:
    return _extension(name) in settings.WAGTAILIMAGES_EXTENSIONS


def file_problems(question: ParsedQuestion) -> list[Problem]:
    """Why the files of `question` cannot be stored (empty when they can)."""
    problems = []
    document_extensions = (
        *getattr(settings, "WAGTAILDOCS_EXTENSIONS", ()),
        *SOUND_EXTENSIONS,
    )
    for parsed in question.files:
        values = {"name": parsed.name}
        if _is_image(parsed.name):
            limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
            if not _picture_opens(parsed.data):
                problems.append(
                    Problem(
                        question.line,
                        _("The embedded file “%(name)s” is not a readable picture.")
                        % values,
                    )
                )
                continue
        elif _extension(parsed.name) in document_extensions:
            limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
        else:
            problems.append(
                Problem(
                    question.line,
                    _(
                        "The embedded file “%(name)s” is of a kind that cannot be "
                        "imported (pictures, sounds and documents only)."
                    )
                    % values,
                )
            )
            continue
        if len(parsed.data) > limit:
            problems.append(
                Problem(
                    question.line,
                    _(
                        "The embedded file “%(name)s” is larger than %(limit)s, "
                        "the most a file may weigh."
                    )
                    % {**values, "limit": filesizeformat(limit)},
                )
            )
    names = {parsed.name for parsed in question.files}
    texts = [question.text, question.general_feedback]
    texts += [choice.feedback for choice in question.choices]
    texts += [choice.text for choice in question.choices]
    texts += [pair.prompt for pair in question.pairs]
    for text in texts:
        for reference in _REFERENCE.findall(text or ""):
            if unquote(reference) not in names:
                problems.append(
                    Problem(
                        question.line,
                        _(
                            "The question refers to the file “%(name)s”, which "
                            "is not in the imported file."
                        )
                        % {"name": unquote(reference)},
                    )
                )
    return problems


def import_problems(questions: list[ParsedQuestion]) -> list[Problem]:
    problems = [p for question in questions for p in file_problems(question)]
    total = sum(len(f.data) for question in questions for f in question.files)
    if total > TOTAL_LIMIT:
        problems.append(
            Problem(
                0,
                _(
                    "The embedded files weigh %(size)s together, more than the "
                    "%(limit)s an import may bring."
                )
                % {
                    "size": filesizeformat(total),
                    "limit": filesizeformat(TOTAL_LIMIT),
                },
            )
        )
    return problems


def _picture_opens(data: bytes) -> bool:
    from PIL import Image as PillowImage

    try:
        with PillowImage.open(io.BytesIO(data)) as picture:
            picture.verify()
    except Exception:  # Pillow raises many kinds for a broken picture
        return False
    return True


def school_collection(school) -> Collection:
    """The collection that holds a school's imported files (one per owner)."""
    name = school.name if school is not None else _("The Department's shared library")
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


# While set (`recording_stored_files`), the storage names of the files
# `store_files` writes, so a caller whose transaction fails can delete them.
_recorder: ContextVar[list | None] = ContextVar("lms_quiz_stored_files", default=None)


@contextmanager
def recording_stored_files(names: list):
    """Append to `names` the storage name of every file stored meanwhile."""
    token = _recorder.set(names)
    try:
        yield names
    finally:
        _recorder.reset(token)


def store_files(question: ParsedQuestion, collection: Collection) -> dict[str, str]:
    """Store the files of `question`; returns name -> reference markup kind/id."""
    stored = {}
    recorder = _recorder.get()
    for parsed in question.files:
        if parsed.name in stored:
            continue
        content = ContentFile(parsed.data, name=parsed.name)
        if _is_image(parsed.name):
            image = get_image_model()(
                title=parsed.name, file=content, collection=collection
            )
            image.save()
            if recorder is not None:
                recorder.append(image.file.name)
            stored[parsed.name] = ("image", image.pk)
        else:
            document = get_document_model()(
                title=parsed.name, file=content, collection=collection
            )
            document.save()
            if recorder is not None:
                recorder.append(document.file.name)
            stored[parsed.name] = ("document", document.pk)
    return stored


def link_files(html: str, stored: dict) -> str:
    """Replace @@PLUGINFILE@@ references in cleaned HTML by Wagtail's own."""

    def picture(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        src = attributes.get("src", "")
        if not src.startswith("@@PLUGINFILE@@/"):
            return match.group(0)
        kind, pk = stored.get(unquote(src.removeprefix("@@PLUGINFILE@@/")), ("", 0))
        if kind != "image":
            return ""
        alt = escape(attributes.get("alt", ""))
        return f'<embed embedtype="image" id="{pk}" format="fullwidth" alt="{alt}"/>'

    def link(match: re.Match) -> str:
        kind, pk = stored.get(unquote(match.group(1)), ("", 0))
        return f'<a linktype="document" id="{pk}">' if kind == "document" else "<a>"

    return _LINK.sub(link, _IMG.sub(picture, html))

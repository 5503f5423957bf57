"""The course app's pack section: course.yaml, lessons/NN-slug.yaml, legal.yaml
and the files they use (docs/course-packs.md)."""

import posixpath
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from ..models import ConductPrinciple, CoursePage, EnrolmentMode, LessonPage
from . import legal, richtext
from .container import PackError
from .sections import Section

NAME = "course"
COURSE_KEYS = [
    "title",
    "slug",
    "summary",
    "cover_image",
    "objectives",
    "estimated_minutes",
    "audience",
    "enrolment_mode",
    "sequential",
    "lessons_before_quizzes",
    "steps",
]
LESSON_KEYS = [
    "title",
    "slug",
    "estimated_minutes",
    "required",
    "legal_references",
    "principles",
    "body",
]
AUDIENCES = {
    "students": "for_students",
    "teachers": "for_teachers",
    "collaborators": "for_collaborators",
}
STEP_FILE = re.compile(r"^(lessons|quizzes)/\d{2,}-[\w-]+\.yaml$")
SLUG = re.compile(r"^[\w-]+$")


def step_file(folder: str, position: int, slug: str) -> str:
    """The pack file of a step: its 1-based position in the course, 2 digits."""
    return f"{folder}/{position:02d}-{slug}.yaml"


def step_position(course, page) -> int:
    ids = list(course.get_children().values_list("pk", flat=True))
    return ids.index(page.pk) + 1


# -- Blocks to and from their text form ------------------------------------------


class _Bad(Exception):
    """A block value is not acceptable; `args[0]` says why."""


def block_to_pack(block, value, context):
    if isinstance(block, blocks.StreamBlock):
        return [
            {child.block_type: block_to_pack(child.block, child.value, context)}
            for child in value
        ]
    if isinstance(block, blocks.StructBlock) and not isinstance(block, ImageBlock):
        out = {}
        for name, child in block.child_blocks.items():
            item = value.get(name)
            if isinstance(child, ImageBlock):
                out[name] = context.image_path(item) if item is not None else None
                out["alt_text"] = getattr(item, "contextual_alt_text", None) or ""
                out["decorative"] = bool(getattr(item, "decorative", False))
            else:
                out[name] = block_to_pack(child, item, context)
        return out
    if isinstance(block, blocks.ListBlock):
        return [block_to_pack(block.child_block, item, context) for item in value]
    if isinstance(block, blocks.RichTextBlock):
        return richtext.to_pack(value.source if value is not None else "", context)
    if isinstance(block, ImageChooserBlock):
        return context.image_path(value) if value is not None else None
    if isinstance(block, DocumentChooserBlock):
        return context.document_path(value) if value is not None else None
    if isinstance(block, SnippetChooserBlock):
        return legal.export_reference(context, value)
    if isinstance(block, EmbedBlock):
        return block.get_prep_value(value) or ""
    return block.get_prep_value(value)


def _text(value, name):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(_("%(key)s must be a text.") % {"key": name})
    return value


def block_from_pack(block, data, context, *, entry: str, name: str, resolve: bool):
    """The stored (JSON) form of a block value from its pack form. With
    `resolve` false only checks (files exist, references are listed)."""
    if isinstance(block, blocks.StructBlock) and not isinstance(block, ImageBlock):
        if not isinstance(data, dict):
            raise _Bad(_("%(key)s must be a mapping.") % {"key": name})
        allowed = set(block.child_blocks)
        if any(isinstance(c, ImageBlock) for c in block.child_blocks.values()):
            allowed |= {"alt_text", "decorative"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise _Bad(_("unknown key %(key)s.") % {"key": unknown[0]})
        out = {}
        for child_name, child in block.child_blocks.items():
            if isinstance(child, ImageBlock):
                path = data.get(child_name)
                decorative = data.get("decorative", False)
                if not isinstance(decorative, bool):
                    raise _Bad(
                        _("%(key)s must be true or false.") % {"key": "decorative"}
                    )
                out[child_name] = {
                    "image": _file(context, path, entry, resolve, image=True),
                    "alt_text": _text(data.get("alt_text"), "alt_text"),
                    "decorative": decorative,
                }
            elif child_name in data:
                out[child_name] = block_from_pack(
                    child,
                    data[child_name],
                    context,
                    entry=entry,
                    name=child_name,
                    resolve=resolve,
                )
            else:
                out[child_name] = child.get_prep_value(child.get_default())
        return out
    if isinstance(block, blocks.ListBlock):
        if not isinstance(data, list):
            raise _Bad(_("%(key)s must be a list.") % {"key": name})
        return [
            block_from_pack(
                block.child_block,
                item,
                context,
                entry=entry,
                name=name,
                resolve=resolve,
            )
            for item in data
        ]
    if isinstance(block, blocks.RichTextBlock):
        text = _text(data, name)
        try:
            if not resolve:
                richtext.check(text, context, where=entry)
                return text
            stored = richtext.from_pack(text, context, where=entry)
        except PackError as error:
            raise _Bad(f"{name}: {error.message}") from None
        # What the editor would store: the same cleaning as the page editor's.
        converter = ContentstateConverter(block.features)
        return richtext.without_block_keys(
            converter.to_database_format(converter.from_database_format(stored))
        )
    if isinstance(block, ImageChooserBlock | DocumentChooserBlock):
        return _file(
            context, data, entry, resolve, image=isinstance(block, ImageChooserBlock)
        )
    if isinstance(block, SnippetChooserBlock):
        if data is None:
            return None
        try:
            if not resolve:
                legal.check_reference(context, data, referred_from=entry)
                return None
            reference = legal.import_reference(context, data, referred_from=entry)
        except PackError as error:
            raise _Bad(error.message) from None
        return reference.pk if reference else None
    if isinstance(block, blocks.BooleanBlock):
        if not isinstance(data, bool):
            raise _Bad(_("%(key)s must be true or false.") % {"key": name})
        return data
    if isinstance(block, blocks.IntegerBlock):
        if not isinstance(data, int) or isinstance(data, bool):
            raise _Bad(_("%(key)s must be a whole number.") % {"key": name})
        return data
    return _text(data, name)


def _file(context, path, entry, resolve, *, image: bool):
    if path is None:
        return None
    if not isinstance(path, str):
        raise _Bad(_("A file must be named by its path in the pack."))
    try:
        if not resolve:
            context.pack.bytes(path, referred_from=entry)
            return None
        found = (context.image if image else context.document)(
            path, referred_from=entry
        )
    except PackError as error:
        raise _Bad(error.message) from None
    return found.pk


def _error_lines(error) -> list[str]:
    lines = []
    for key, inner in (getattr(error, "block_errors", None) or {}).items():
        for line in _error_lines(inner):
            lines.append(f"{key}: {line}" if isinstance(key, str) else line)
    for inner in getattr(error, "non_block_errors", None) or []:
        lines += _error_lines(inner) if isinstance(inner, ValidationError) else [inner]
    if not lines:
        lines = [str(message) for message in error.messages]
    return lines


def _block_label(number: int, kind: str) -> str:
    return _("block %(number)s (%(type)s)") % {"number": number, "type": kind}


def body_from_pack(stream_block, items, context, *, entry: str, resolve: bool):
    """A lesson's `body` list -> the StreamField's value (resolve) or None
    (checks only). PackError names the entry and the block."""
    if not isinstance(items, list):
        raise PackError(entry, _("body must be a list of blocks."))
    raw = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or len(item) != 1:
            raise PackError(
                entry,
                _("%(block)s: each block is a mapping with one key, its type.")
                % {"block": _block_label(number, "?")},
            )
        ((kind, data),) = item.items()
        child = stream_block.child_blocks.get(kind)
        if child is None:
            raise PackError(
                entry,
                _("%(block)s: unknown block type.")
                % {"block": _block_label(number, kind)},
            )
        try:
            value = block_from_pack(
                child, data, context, entry=entry, name=kind, resolve=resolve
            )
        except _Bad as bad:
            raise PackError(
                entry,
                f"{_block_label(number, kind)}: {bad.args[0]}",
            ) from None
        raw.append({"type": kind, "value": value})
    if not resolve:
        return None
    value = stream_block.to_python(raw)
    try:
        return stream_block.clean(value)
    except ValidationError as error:
        errors = getattr(error, "block_errors", None) or {}
        for index, inner in sorted(errors.items()):
            raise PackError(
                entry,
                f"{_block_label(index + 1, raw[index]['type'])}: "
                + "; ".join(_error_lines(inner)),
            ) from None
        raise PackError(entry, "; ".join(_error_lines(error))) from None


# -- Export -------------------------------------------------------------------


def export_section(course, context) -> dict:
    from ..blocks import LessonBodyBlock  # noqa: F401  (the body's block)

    children = list(course.get_children().specific())
    for position, page in enumerate(children, start=1):
        if not isinstance(page, LessonPage):
            continue
        path = step_file("lessons", position, page.slug)
        body_block = LessonPage._meta.get_field("body").stream_block
        data = {
            "title": page.title,
            "slug": page.slug,
            "estimated_minutes": page.estimated_minutes,
            "required": page.required,
            "legal_references": [
                legal.export_reference(context, reference)
                for reference in page.legal_references.all()
            ],
            "principles": sorted(p.name for p in page.principles.all()),
            "body": block_to_pack(body_block, page.body, context),
        }
        context.step_files[page.pk] = context.writer.add_yaml(path, data)
    return {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "cover_image": (
            context.image_path(course.cover_image) if course.cover_image else None
        ),
        "objectives": [str(child.value) for child in course.objectives],
        "estimated_minutes": course.estimated_minutes,
        "audience": [a for a, field in AUDIENCES.items() if getattr(course, field)],
        "enrolment_mode": str(course.enrolment_mode),
        "sequential": course.sequential,
        "lessons_before_quizzes": course.lessons_before_quizzes,
    }


# -- Import -------------------------------------------------------------------

COURSE = "course.yaml"


def _check_course(data) -> None:
    def bad(message):
        raise PackError(COURSE, message)

    if not isinstance(data, dict):
        bad(_("course.yaml must be a mapping."))
    for key in ("title", "slug", "summary"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            bad(_("%(key)s is required and must be a text.") % {"key": key})
    if not SLUG.match(data["slug"]):
        bad(_("slug may hold only letters, digits and hyphens."))
    for key in ("sequential", "lessons_before_quizzes"):
        if key in data and not isinstance(data[key], bool):
            bad(_("%(key)s must be true or false.") % {"key": key})
    minutes = data.get("estimated_minutes", 30)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        bad(_("%(key)s must be a whole number.") % {"key": "estimated_minutes"})
    audience = data.get("audience", ["students"])
    if not isinstance(audience, list) or set(audience) - set(AUDIENCES):
        bad(_("audience lists students, teachers or collaborators."))
    if data.get("enrolment_mode", "automatic") not in EnrolmentMode.values:
        bad(_("enrolment_mode is not one this site knows."))
    objectives = data.get("objectives") or []
    if not isinstance(objectives, list) or not all(
        isinstance(item, str) for item in objectives
    ):
        bad(_("objectives must be a list of texts."))
    steps = data.get("steps") or []
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        bad(_("steps must be a list of file names."))


def _check_steps(data, context) -> None:
    steps = data.get("steps") or []
    seen_slugs: dict[str, str] = {}
    for path in steps:
        if not STEP_FILE.match(path):
            raise PackError(
                COURSE,
                _("%(path)s is not a lesson or quiz file name.") % {"path": path},
            )
        if steps.count(path) > 1:
            raise PackError(COURSE, _("%(path)s is listed twice.") % {"path": path})
        context.pack.bytes(path, referred_from=COURSE)
        slug = posixpath.basename(path).split("-", 1)[1][: -len(".yaml")]
        if slug in seen_slugs:
            raise PackError(
                path,
                _("Two steps have the slug %(slug)s.") % {"slug": slug},
            )
        seen_slugs[slug] = path
    for folder in ("lessons", "quizzes"):
        for name in context.pack.names(folder):
            if name not in steps:
                raise PackError(
                    name, _("This file is not listed in course.yaml's steps.")
                )


def _check_lesson(path, data, context, body_block) -> None:
    if not isinstance(data, dict):
        raise PackError(path, _("A lesson file must be a mapping."))
    unknown = sorted(set(data) - set(LESSON_KEYS))
    if unknown:
        raise PackError(path, _("unknown key %(key)s.") % {"key": unknown[0]})
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        raise PackError(
            path, _("%(key)s is required and must be a text.") % {"key": "title"}
        )
    expected = posixpath.basename(path).split("-", 1)[1][: -len(".yaml")]
    if data.get("slug") != expected:
        raise PackError(
            path,
            _("slug must be %(slug)s, as in the file name.") % {"slug": expected},
        )
    minutes = data.get("estimated_minutes", 10)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        raise PackError(
            path, _("%(key)s must be a whole number.") % {"key": "estimated_minutes"}
        )
    if not isinstance(data.get("required", True), bool):
        raise PackError(path, _("%(key)s must be true or false.") % {"key": "required"})
    for key in ("legal_references", "principles"):
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise PackError(path, _("%(key)s must be a list of texts.") % {"key": key})
    for key in data.get("legal_references") or []:
        legal.check_reference(context, key, referred_from=path)
    body_from_pack(
        body_block, data.get("body") or [], context, entry=path, resolve=False
    )


def import_plan(data, context) -> None:
    _check_course(data)
    if data.get("cover_image"):
        context.pack.bytes(data["cover_image"], referred_from=COURSE)
    context.step_paths = list(data.get("steps") or [])
    _check_steps(data, context)
    plan = legal.plan_of(context)
    body_block = LessonPage._meta.get_field("body").stream_block
    existing = {}
    if context.course is not None:
        existing = {
            page.slug: page for page in LessonPage.objects.child_of(context.course)
        }
    context.items.append(
        ("course", data["title"], "update" if context.course is not None else "new")
    )
    in_pack = set()
    for path in context.step_paths:
        if not path.startswith("lessons/"):
            continue
        lesson = context.pack.yaml(path)
        _check_lesson(path, lesson, context, body_block)
        in_pack.add(lesson["slug"])
        context.items.append(
            (
                "lesson",
                lesson["title"],
                "update" if lesson["slug"] in existing else "new",
            )
        )
    for slug, page in existing.items():
        if slug not in in_pack:
            context.items.append(("lesson", page.title, "removed-from-pack"))
    plan.preview(context.items)


def _free_slug(catalogue, slug: str) -> str:
    taken = set(catalogue.get_children().values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def import_apply(data, context) -> None:
    """The course page and a page for each new lesson (its body is written
    by `finish`, once every step exists for links between steps)."""
    course = context.course
    fields = {
        "summary": data["summary"],
        "estimated_minutes": data.get("estimated_minutes", 30),
        "enrolment_mode": data.get("enrolment_mode", "automatic"),
        "sequential": data.get("sequential", False),
        "lessons_before_quizzes": data.get("lessons_before_quizzes", True),
        "objectives": [("objective", text) for text in (data.get("objectives") or [])],
        "cover_image": (
            context.image(data["cover_image"], referred_from=COURSE)
            if data.get("cover_image")
            else None
        ),
    }
    audience = data.get("audience", ["students"])
    for key, field in AUDIENCES.items():
        fields[field] = key in audience
    legal.plan_of(context).apply()
    if course is None:
        course = CoursePage(
            title=context.title or data["title"],
            slug=_free_slug(context.catalogue, data["slug"]),
            pack_id=context.pack.pack_id,
            live=context.publish,
            **fields,
        )
        context.catalogue.add_child(instance=course)
        context.created = True
    else:
        course = course.specific
        for name, value in fields.items():
            setattr(course, name, value)
        if context.title:
            course.title = context.title
    context.course = course
    revision = course.save_revision(user=context.user)
    if context.publish:
        revision.publish(user=context.user)
    for page in course.get_children().specific():
        context.steps[page.slug] = page
    for path in context.step_paths:
        if not path.startswith("lessons/"):
            continue
        lesson = context.pack.yaml(path)
        if lesson["slug"] in context.steps:
            if not isinstance(context.steps[lesson["slug"]], LessonPage):
                raise PackError(
                    path,
                    _("The course already has a step of another kind named %(slug)s.")
                    % {"slug": lesson["slug"]},
                )
            continue
        page = LessonPage(
            title=lesson["title"],
            slug=lesson["slug"],
            live=False,
            body=[("heading", {"text": lesson["title"], "level": "h2"})],
        )
        course.add_child(instance=page)
        context.steps[page.slug] = page


def finish(data, context) -> None:
    """Every step exists: write the lessons' content, then put the steps in
    the pack's order."""
    body_block = LessonPage._meta.get_field("body").stream_block
    for path in context.step_paths:
        if not path.startswith("lessons/"):
            continue
        lesson = context.pack.yaml(path)
        page = context.steps[lesson["slug"]]
        page.title = lesson["title"]
        page.estimated_minutes = lesson.get("estimated_minutes", 10)
        page.required = lesson.get("required", True)
        page.body = body_from_pack(
            body_block, lesson.get("body") or [], context, entry=path, resolve=True
        )
        page.legal_references.set(
            [
                legal.import_reference(context, key, referred_from=path)
                for key in lesson.get("legal_references") or []
            ]
        )
        page.principles.set(
            [
                ConductPrinciple.objects.get_or_create(name=name)[0]
                for name in lesson.get("principles") or []
            ]
        )
        revision = page.save_revision(user=context.user)
        if context.publish:
            revision.publish(user=context.user)
    _order_steps(context)


def _order_steps(context) -> None:
    course = context.course
    wanted = []
    for path in context.step_paths:
        slug = posixpath.basename(path).split("-", 1)[1][: -len(".yaml")]
        if slug in context.steps:
            wanted.append(context.steps[slug].pk)
    current = list(course.get_children().values_list("pk", flat=True))
    order = wanted + [pk for pk in current if pk not in wanted]
    if current == order:
        return
    from wagtail.models import Page

    for pk in order:
        Page.objects.get(pk=pk).move(course, pos="last-child")


def section() -> Section:
    return Section(
        name=NAME,
        order=10,
        export_section=export_section,
        import_plan=import_plan,
        import_apply=import_apply,
    )

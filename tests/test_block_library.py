"""One block library: every StreamField composes its stream from `lms.blocks`."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation
from wagtail import blocks
from wagtail.fields import StreamField

import lms.blocks
from courses.blocks import LessonBodyBlock
from lms.home.blocks import HomeBodyBlock

OUR_PACKAGES = ("lms", "courses", "quizzes", "certificates")
ROOT = Path(lms.__file__).resolve().parent.parent


def _our_block_classes():
    """Every Block subclass defined in a module of ours (migrations aside)."""
    found = {}
    for package_name in OUR_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            if not info.name.endswith("blocks"):
                continue
            module = importlib.import_module(info.name)
            for name, obj in vars(module).items():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, blocks.Block)
                    and obj.__module__ == module.__name__
                ):
                    found.setdefault(name, []).append(module.__name__)
    return found


def test_no_block_is_defined_twice():
    duplicated = {n: m for n, m in _our_block_classes().items() if len(m) > 1}
    assert duplicated == {}


def test_home_and_lessons_share_heading_text_and_figure_blocks():
    home, lesson = HomeBodyBlock.base_blocks, LessonBodyBlock.base_blocks
    assert type(home["heading"]) is type(lesson["heading"]) is lms.blocks.HeadingBlock
    assert type(home["paragraph"]) is type(lesson["rich_text"])
    assert type(home["paragraph"]) is lms.blocks.RichTextBlock
    assert type(home["figure"]) is type(lesson["image"]) is lms.blocks.FigureBlock


def test_stream_child_names_are_those_stored_data_uses():
    assert list(HomeBodyBlock.base_blocks) == [
        "heading",
        "paragraph",
        "figure",
        "call_to_action",
    ]
    assert list(LessonBodyBlock.base_blocks) == [
        "heading",
        "rich_text",
        "image",
        "video",
        "legal_article",
        "callout",
        "scenario",
        "document",
        "key_takeaways",
        "link_card",
    ]


def test_every_stream_field_uses_library_blocks_for_what_the_library_has():
    library = {
        obj
        for obj in vars(lms.blocks).values()
        if inspect.isclass(obj)
        and issubclass(obj, blocks.Block)
        and obj.__module__ == "lms.blocks"
    }
    library_names = {cls.__name__ for cls in library}
    checked = 0
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in OUR_PACKAGES:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, StreamField):
                continue
            for child in field.stream_block.child_blocks.values():
                if type(child).__name__ in library_names:
                    assert type(child) in library, (model, field.name, child)
                    checked += 1
    assert checked >= 7


def test_heading_levels_read_the_same_in_every_editor():
    with translation.override("vi"):
        home = HomeBodyBlock.base_blocks["heading"].child_blocks["level"]
        lesson = LessonBodyBlock.base_blocks["heading"].child_blocks["level"]
        home_labels = [str(label) for _, label in home.field.choices]
        assert home_labels == [str(label) for _, label in lesson.field.choices]
        assert home_labels == ["Tiêu đề phần", "Tiêu đề phụ"]


def test_home_text_offers_the_same_formatting_as_lessons():
    home = HomeBodyBlock.base_blocks["paragraph"]
    assert home.features == lms.blocks.RICH_TEXT_FEATURES


def test_library_depends_on_no_optional_app():
    tree = ast.parse((ROOT / "lms" / "blocks.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
    assert imported.isdisjoint({"courses", "quizzes", "certificates"})


@pytest.mark.parametrize(
    ("stream", "name"), [(HomeBodyBlock, "heading"), (LessonBodyBlock, "heading")]
)
def test_a_heading_renders_from_the_one_library_template(stream, name):
    block = stream.base_blocks[name]
    assert block.meta.template == "lms/blocks/heading.html"
    html = block.render(block.to_python({"text": "Phần một", "level": "h3"}))
    assert html.strip() == "<h3>Phần một</h3>"

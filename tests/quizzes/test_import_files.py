"""Files embedded in Moodle XML become Wagtail images and documents."""

import base64
import re
from pathlib import Path

import pytest
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from quizzes.importing import ImportRefused, questions_import
from quizzes.models import Question
from tests.people.factories import SchoolFactory

pytestmark = pytest.mark.django_db

MOODLE = Path(__file__).parent / "fixtures" / "moodle"
OLD_IMAGES = (MOODLE / "sample_questions_with_old_image_tag.xml").read_bytes()
PNG = base64.b64decode(
    re.search(rb"<image_base64>\s*([^<]+?)\s*</image_base64>", OLD_IMAGES)
    .group(1)
    .decode()
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _xml(files: dict[str, bytes], text: str, feedback: str = "") -> bytes:
    embedded = "".join(
        f'<file name="{name}" path="/" encoding="base64">'
        f"{base64.b64encode(data).decode()}</file>"
        for name, data in files.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/Tiếng Anh</text></category>
  </question>
  <question type="multichoice">
    <name><text>Greeting</text></name>
    <questiontext format="html"><text><![CDATA[{text}]]></text>{embedded}
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[{feedback}]]></text>
    </generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Hello</text></answer>
    <answer fraction="0"><text>Goodbye</text></answer>
  </question>
</quiz>""".encode()


def test_moodle_19_image_becomes_a_wagtail_image_in_the_school_collection():
    school = SchoolFactory(name="THCS Kim Đồng")

    report = questions_import(
        data=OLD_IMAGES, fmt="moodlexml", skip_unsupported=True, school=school
    )

    assert report.created == 1 and len(report.skipped) == 1
    image = get_image_model().objects.get()
    assert image.title == "moodle.png"
    assert image.collection.name == "THCS Kim Đồng"
    assert image.file.read() == PNG
    question = Question.objects.get()
    assert f'embedtype="image" id="{image.pk}"' in question.text
    shown = expand_db_html(question.text)
    assert "@@PLUGINFILE@@" not in shown and "<img" in shown


def test_plugin_files_become_images_and_documents_linked_from_the_text():
    xml = _xml(
        {"flag-uk.png": PNG, "hello.mp3": b"ID3 not really a sound"},
        '<p><img src="@@PLUGINFILE@@/flag-uk.png" alt="UK"> Listen: '
        '<a href="@@PLUGINFILE@@/hello.mp3">hello</a></p>',
    )

    questions_import(data=xml, fmt="moodlexml")

    image = get_image_model().objects.get()
    document = get_document_model().objects.get()
    assert document.title == "hello.mp3"
    assert image.collection.name == document.collection.name
    text = Question.objects.get().text
    assert f'id="{image.pk}"' in text and 'alt="UK"' in text
    assert f'<a linktype="document" id="{document.pk}"' in text
    assert "@@PLUGINFILE@@" not in expand_db_html(text)


def test_a_file_of_a_kind_we_do_not_take_refuses_the_import_by_name():
    xml = _xml({"virus.exe": b"MZ"}, '<p><a href="@@PLUGINFILE@@/virus.exe">x</a></p>')

    with pytest.raises(ImportRefused) as refused:
        questions_import(data=xml, fmt="moodlexml")

    assert "virus.exe" in refused.value.problems[0].message
    assert not Question.objects.exists()
    assert not get_document_model().objects.exists()


def test_a_file_over_the_size_limit_refuses_the_import_by_name(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    xml = _xml({"flag-uk.png": PNG}, '<p><img src="@@PLUGINFILE@@/flag-uk.png"></p>')

    with pytest.raises(ImportRefused) as refused:
        questions_import(data=xml, fmt="moodlexml", dry_run=True)

    (problem,) = refused.value.problems
    assert "flag-uk.png" in problem.message and "larger than" in problem.message


def test_a_reference_to_a_missing_file_refuses_the_import():
    xml = _xml({}, '<p><img src="@@PLUGINFILE@@/flag-vn.png"></p>')

    with pytest.raises(ImportRefused) as refused:
        questions_import(data=xml, fmt="moodlexml")

    assert "flag-vn.png" in refused.value.problems[0].message


def test_a_broken_picture_is_refused_by_name():
    xml = _xml({"flag.png": b"not a png"}, '<p><img src="@@PLUGINFILE@@/flag.png"></p>')

    with pytest.raises(ImportRefused) as refused:
        questions_import(data=xml, fmt="moodlexml")

    assert "flag.png" in refused.value.problems[0].message


def test_html_answers_show_as_formatting_with_their_pictures_on_the_attempt_page(
    client, make_course, student
):
    from django.urls import reverse

    from quizzes.models import QuizAttempt
    from tests.quizzes.factories import QuizPageFactory, add_slots

    xml = _xml(
        {"flag-uk.png": PNG},
        "<p>Which language is <b>this</b>?</p>",
        feedback="<p>See <i>lesson 1</i>.</p>",
    ).replace(
        b'<answer fraction="100"><text>Hello</text></answer>',
        b'<answer fraction="100" format="html"><text><![CDATA[<p><img '
        b'src="@@PLUGINFILE@@/flag-uk.png" alt="UK"> <b>English</b></p>]]></text>'
        b'<file name="flag-uk.png" encoding="base64">'
        + base64.b64encode(PNG)
        + b"</file></answer>",
    )
    questions_import(data=xml, fmt="moodlexml")
    question = Question.objects.get()
    right = question.choices.get(fraction=100)
    assert right.text == "English"  # plain words for matching and exports
    assert "<b>English</b>" in right.text_html
    course, _lessons = make_course(lessons=1)
    quiz = QuizPageFactory(parent=course, pass_mark=50)
    add_slots(quiz, [question])
    client.force_login(student)

    client.post(quiz.url, {"action": "start"})
    attempt = QuizAttempt.objects.get(user=student)
    page = client.get(
        reverse("lms_quizzes:attempt", args=[attempt.pk])
    ).content.decode()

    assert "<b>English</b>" in page and "<b>this</b>" in page
    assert "&lt;p&gt;" not in page and "&lt;b&gt;" not in page
    assert "@@PLUGINFILE@@" not in page
    assert 'alt="UK"' in page and "<img" in page

    key = attempt.snapshot[0]["key"]
    choice = next(c for c in attempt.snapshot[0]["choices"] if c["html"])
    client.post(reverse("lms_quizzes:submit", args=[attempt.pk]), {key: choice["key"]})
    review = client.get(reverse("lms_quizzes:review", args=[attempt.pk]))

    shown = review.content.decode()
    assert "<i>lesson 1</i>" in shown
    assert "&lt;" not in shown.split("<main", 1)[-1]
    assert "@@PLUGINFILE@@" not in shown

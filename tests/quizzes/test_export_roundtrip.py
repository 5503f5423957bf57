"""Exporting a category and importing the file again gives back the same questions.

Every supported type goes out to Moodle XML and to GIFT and back into the
bank; what is compared is what a learner and a teacher see: text (answers in
HTML too), type, choices, credit, feedback, pictures and sounds (by their
bytes), category path, descriptions and ID numbers. The Moodle XML we write is
checked against the element structure Moodle's own exporter writes (see
fixtures/moodle/SOURCE.md).
"""

import base64
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from lms.people.models import Role
from quizzes.exporting import ExportRefused, category_export
from quizzes.formats import (
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    parse_gift,
    parse_moodle_xml,
    write_gift,
    write_moodle_xml,
)
from quizzes.formats.base import ParsedCategory, ParsedFile, moodle_percent
from quizzes.importing import questions_import
from quizzes.models import Choice, MatchPair, Question, QuestionCategory

MOODLE = Path(__file__).parent / "fixtures" / "moodle"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _png(color: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (3, 2), color).save(out, format="PNG")
    return out.getvalue()


def _image(title: str, color: str):
    image = get_image_model()(title=title, file=ContentFile(_png(color), name=title))
    image.save()
    return image


def _document(title: str, data: bytes):
    document = get_document_model()(title=title, file=ContentFile(data, name=title))
    document.save()
    return document


def _embed(image, alt: str) -> str:
    return f'<embed alt="{alt}" embedtype="image" format="fullwidth" id="{image.pk}"/>'


def _bank(*, with_files: bool) -> QuestionCategory:
    """A category and a sub-category with one question of every type."""
    top = QuestionCategory.objects.create(
        name="Tiếng Anh",
        description="<p>Nghe và <b>chọn</b> đáp án.</p>",
        idnumber="ta <&> 1",
    )
    sub = QuestionCategory.objects.create(
        name="Lớp 6", parent=top, description="<p>Khối 6</p>", idnumber="ta-6"
    )
    flag = _image("co-anh.png", "red") if with_files else None
    flag_vn = _image("co-viet-nam.png", "yellow") if with_files else None
    sound = _document("xin-chao.mp3", b"ID3 fake sound") if with_files else None

    def question(category, qtype, name, text, **fields):
        return Question.objects.create(
            category=category,
            qtype=qtype,
            name=name,
            idnumber=f"id-{name}",
            text=text,
            **fields,
        )

    single = question(
        top,
        "single_choice",
        "Cờ",
        "<p>Đây là cờ nước nào?</p>" + (_embed(flag, "Cờ") if flag else ""),
        general_feedback=(
            f'<p>Nghe lại <a linktype="document" id="{sound.pk}">bài nghe</a>.</p>'
            if sound
            else "<p>Nghe lại <b>bài nghe</b>.</p>"
        ),
        points=Decimal("2.5") if with_files else Decimal("1"),
    )
    Choice.objects.create(
        question=single,
        text="English",
        text_html=(
            f"<p>{_embed(flag, 'UK')} English</p>" if flag else "<p><b>English</b></p>"
        ),
        fraction=Decimal("100"),
        feedback="<p>Đúng: cờ <i>Anh</i>.</p>",
        sort_order=0,
    )
    Choice.objects.create(
        question=single,
        text="Tiếng Việt",
        text_html=f"<p>{_embed(flag_vn, 'VN')} Tiếng Việt</p>" if flag_vn else "",
        fraction=Decimal("-33.33333"),
        feedback="<p>Sai.</p>",
        sort_order=1,
    )
    Choice.objects.create(
        question=single, text="Tiếng Pháp", fraction=Decimal("0"), sort_order=2
    )
    multiple = question(
        top, "multiple_choice", "Lời chào", "<p>Những câu nào là lời chào?</p>"
    )
    for order, (text, fraction) in enumerate(
        [
            ("Hello", "33.33333"),
            ("Hi", "33.33333"),
            ("Good morning", "33.33333"),
            ("Goodbye", "-100"),
            ("Thanks", "0"),
        ]
    ):
        Choice.objects.create(
            question=multiple,
            text=text,
            fraction=Decimal(fraction),
            feedback=f"<p>Về “{text}”.</p>",
            sort_order=order,
        )
    question(
        sub,
        "true_false",
        "Đúng sai",
        "<p>“Bye” là lời chào khi gặp nhau.</p>",
        correct_answer=False,
        feedback_true="<p>Chưa đúng.</p>",
        feedback_false="<p>Đúng rồi!</p>",
        general_feedback="<p>“Bye” dùng khi chia tay.</p>",
    )
    short = question(
        sub,
        "short_answer",
        "Điền từ",
        "<p>Điền: ____ morning!</p>",
        case_sensitive=with_files,
        points=Decimal("3") if with_files else Decimal("1"),
    )
    Choice.objects.create(
        question=short, text="Good", fraction=Decimal("100"), sort_order=0
    )
    Choice.objects.create(
        question=short,
        text="good",
        fraction=Decimal("66.66667"),
        feedback="<p>Viết hoa chữ đầu.</p>",
        sort_order=1,
    )
    matching = question(sub, "matching", "Ghép", "<p>Ghép từ với nghĩa.</p>")
    for order, (prompt, answer) in enumerate(
        [("Hello", "Xin chào"), ("Thank you", "Cảm ơn"), ("", "Tạm biệt")]
    ):
        MatchPair.objects.create(
            question=matching, prompt=prompt, answer=answer, sort_order=order
        )
    question(
        top,
        "essay",
        "Tự giới thiệu",
        "<p>Viết 3 câu giới thiệu bản thân.</p>",
        general_feedback="<p>Gợi ý: <i>My name is…</i></p>",
    )
    return top


_EMBED_ID = re.compile(r'<embed\b[^>]*?\bid="(\d+)"[^>]*/>')
# Links are cleaned on import (lms.html adds rel="noopener noreferrer").
_DOCUMENT_ID = re.compile(r'<a linktype="document" id="(\d+)"[^>]*>')
_ALT = re.compile(r'\balt="([^"]*)"')


def _digest(stored) -> str:
    with stored.file.open("rb") as handle:
        return f"{stored.title}:{hashlib.sha256(handle.read()).hexdigest()[:12]}"


def _files_by_content(html: str) -> str:
    """`html` with each picture and document named by its title and bytes, not
    by its id (an import stores new ones)."""

    def picture(match):
        alt = _ALT.search(match.group(0))
        image = get_image_model().objects.get(pk=match.group(1))
        return f"[picture {_digest(image)} alt={alt.group(1) if alt else ''}]"

    def document(match):
        return f"[document {_digest(get_document_model().objects.get(pk=match[1]))}]"

    return _DOCUMENT_ID.sub(document, _EMBED_ID.sub(picture, html or ""))


def _bank_as_seen(*, moodle_xml: bool) -> list:
    seen = []
    for category in QuestionCategory.objects.order_by("full_path"):
        row = {"category": category.full_path}
        if moodle_xml:  # GIFT has no place for these
            row.update(description=category.description, idnumber=category.idnumber)
        seen.append(row)
    for question in Question.objects.order_by("category__full_path", "name"):
        row = {
            "category": question.category.full_path,
            "qtype": question.qtype,
            "name": question.name,
            "idnumber": question.idnumber,
            "text": _files_by_content(question.text),
            "general_feedback": _files_by_content(question.general_feedback),
            "correct_answer": question.correct_answer,
            "feedback_true": question.feedback_true,
            "feedback_false": question.feedback_false,
            "choices": [
                (
                    choice.text,
                    _files_by_content(choice.text_html),
                    choice.fraction,
                    choice.feedback,
                )
                for choice in question.choices.order_by("sort_order")
            ],
            "pairs": [
                (pair.prompt, pair.answer)
                for pair in question.pairs.order_by("sort_order")
            ],
        }
        if moodle_xml:
            row.update(points=question.points, case_sensitive=question.case_sensitive)
        seen.append(row)
    return seen


def _empty_the_bank() -> None:
    Question.objects.all().delete()
    for category in QuestionCategory.objects.order_by("-full_path"):
        category.delete()
    get_image_model().objects.all().delete()
    get_document_model().objects.all().delete()


@pytest.mark.django_db
def test_moodle_xml_export_then_import_gives_back_every_type_with_its_files():
    top = _bank(with_files=True)
    before = _bank_as_seen(moodle_xml=True)
    assert len(before) == 2 + 6

    exported = category_export(category=top, fmt="moodlexml")
    _empty_the_bank()
    report = questions_import(data=exported.encode(), fmt="moodlexml")

    assert report.created == 6
    assert _bank_as_seen(moodle_xml=True) == before
    # The files are real files again: two pictures and the sound.
    assert get_image_model().objects.count() == 2
    assert get_document_model().objects.get().title == "xin-chao.mp3"
    assert "@@PLUGINFILE@@" not in str(_bank_as_seen(moodle_xml=True))


@pytest.mark.django_db
def test_gift_export_then_import_gives_back_every_type():
    top = _bank(with_files=False)
    before = _bank_as_seen(moodle_xml=False)

    exported = category_export(category=top, fmt="gift")
    _empty_the_bank()
    questions_import(data=exported.encode(), fmt="gift")

    assert _bank_as_seen(moodle_xml=False) == before


@pytest.mark.django_db
def test_moodle_xml_export_writes_credit_as_moodle_writes_its_grades():
    top = _bank(with_files=False)

    exported = category_export(category=top, fmt="moodlexml")

    assert exported.count('fraction="33.33333"') == 3
    assert 'fraction="-33.33333"' in exported
    assert 'fraction="66.66667"' in exported
    assert '33.3333"' not in exported


def test_moodle_percent_keeps_values_that_are_not_moodle_grades():
    assert moodle_percent(Decimal("0.333333")) == "33.33333"
    assert moodle_percent(Decimal("0.3333333")) == "33.33333"
    assert moodle_percent(Decimal("-0.1428570")) == "-14.28571"
    assert moodle_percent(Decimal("0.37")) == "37"
    assert moodle_percent(Decimal("0.333334")) == "33.3334"


@pytest.mark.django_db
def test_gift_export_of_a_question_with_a_picture_is_refused_naming_it():
    top = _bank(with_files=True)

    with pytest.raises(ExportRefused) as refused:
        category_export(category=top, fmt="gift")

    messages = [problem.message for problem in refused.value.problems]
    assert len(messages) == 1
    assert "“Cờ”" in messages[0]
    assert "co-anh.png" in messages[0] and "Moodle XML" in messages[0]


@pytest.mark.django_db
def test_gift_export_of_an_arrow_in_a_matching_item_is_refused_not_an_error():
    top = QuestionCategory.objects.create(name="Ghép")
    question = Question.objects.create(
        category=top, qtype="matching", name="Mũi tên", text="<p>Ghép</p>"
    )
    MatchPair.objects.create(question=question, prompt="a -> b", answer="c")
    MatchPair.objects.create(question=question, prompt="d", answer="e")

    with pytest.raises(ExportRefused) as refused:
        category_export(category=top, fmt="gift")

    assert "“Mũi tên”" in refused.value.problems[0].message
    assert "<subquestion" in category_export(category=top, fmt="moodlexml")


@pytest.mark.django_db
def test_export_of_a_picture_missing_from_the_storage_is_refused_naming_it():
    top = _bank(with_files=True)
    flag = get_image_model().objects.get(title="co-anh.png")
    flag.file.storage.delete(flag.file.name)

    with pytest.raises(ExportRefused) as refused:
        category_export(category=top, fmt="moodlexml")

    messages = [problem.message for problem in refused.value.problems]
    assert len(messages) == 1
    assert "“Cờ”" in messages[0] and "co-anh.png" in messages[0]


@pytest.fixture
def school_admin(make_learner):
    return make_learner("qtt-export", role=Role.SCHOOL_ADMIN)


@pytest.mark.django_db
def test_admin_gift_export_with_pictures_explains_instead_of_downloading(
    client, school_admin
):
    top = _bank(with_files=True)
    client.force_login(school_admin)

    response = client.get(
        reverse("lms_quizzes_export"),
        {"export-category": top.pk, "export-fmt": "gift"},
    )

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert "co-anh.png" in html
    assert "Thầy/cô hãy xuất danh mục này dạng Moodle XML" in html


@pytest.mark.django_db
def test_admin_export_downloads_under_an_ascii_name_with_vietnamese_folded(
    client, school_admin
):
    top = _bank(with_files=True)
    client.force_login(school_admin)

    response = client.get(
        reverse("lms_quizzes_export"),
        {"export-category": top.pk, "export-fmt": "moodlexml"},
    )

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="tieng-anh.xml"'
    assert disposition.isascii()
    assert b"<file name=" in response.content


@pytest.mark.django_db
def test_admin_export_form_offers_both_formats_and_says_what_gift_cannot_carry(
    client, school_admin
):
    client.force_login(school_admin)

    html = client.get(reverse("lms_quizzes_import")).content.decode()

    assert 'value="moodlexml"' in html and 'value="gift"' in html
    assert "không chứa được hình ảnh hay âm thanh" in html


# The structure Moodle's exporter writes -------------------------------------
#
# Children of <question>, in order, as Moodle 4.x writes them for each type
# (qformat_xml; the expected exports of question/format/xml/tests/
# xmlformat_test.php, see SOURCE.md). Elements in OPTIONAL are written by
# Moodle only when the question has them (hints, tags, "show the number
# correct"); repeated elements (answer, subquestion) count once here.

COMMON = [
    "name",
    "questiontext",
    "generalfeedback",
    "defaultgrade",
    "penalty",
    "hidden",
    "idnumber",
]
COMBINED = ["correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"]
MOODLE_CHILDREN = {
    "multichoice": [
        *COMMON,
        "single",
        "shuffleanswers",
        "answernumbering",
        "showstandardinstruction",
        *COMBINED,
        "shownumcorrect",
        "answer",
        "hint",
        "tags",
    ],
    "truefalse": [*COMMON, "answer", "tags"],
    "shortanswer": [*COMMON, "usecase", "answer", "hint", "tags"],
    "matching": [
        *COMMON,
        "shuffleanswers",
        *COMBINED,
        "shownumcorrect",
        "subquestion",
        "hint",
        "tags",
    ],
    "essay": [
        *COMMON,
        "responseformat",
        "responserequired",
        "responsefieldlines",
        "minwordlimit",
        "maxwordlimit",
        "attachments",
        "attachmentsrequired",
        "maxbytes",
        "filetypeslist",
        "graderinfo",
        "responsetemplate",
        "tags",
    ],
}
OPTIONAL = {"shownumcorrect", "hint", "tags"}
# Attributes Moodle writes on each element (none where not listed).
MOODLE_ATTRIBUTES = {
    "question": {"type"},
    "questiontext": {"format"},
    "generalfeedback": {"format"},
    "correctfeedback": {"format"},
    "partiallycorrectfeedback": {"format"},
    "incorrectfeedback": {"format"},
    "graderinfo": {"format"},
    "responsetemplate": {"format"},
    "info": {"format"},
    "feedback": {"format"},
    "answer": {"fraction", "format"},
    "subquestion": {"format"},
    "file": {"name", "path", "encoding"},
}
MOODLE_FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown"}


def _collapsed(element) -> list[str]:
    tags = []
    for child in element:
        if not tags or tags[-1] != child.tag:
            tags.append(child.tag)
    return tags


def _check_attributes(element, where: str) -> None:
    for node in element.iter():
        expected = MOODLE_ATTRIBUTES.get(node.tag, set())
        # A matching item's <answer> holds only its text, as Moodle writes it.
        if (
            node.tag == "answer"
            and where == "matching"
            and "fraction" not in node.attrib
        ):
            expected = set()
        assert set(node.attrib) == expected, (where, node.tag, node.attrib)
        if "format" in node.attrib:
            assert node.attrib["format"] in MOODLE_FORMATS


def _every_type_with_files() -> list[ParsedQuestion]:
    picture = ParsedFile(name="cờ việt nam.png", data=_png("red"))
    sound = ParsedFile(name="chao.mp3", data=b"ID3 sound")
    src = "@@PLUGINFILE@@/c%E1%BB%9D%20vi%E1%BB%87t%20nam.png"
    return [
        ParsedQuestion(
            qtype=qtype,
            name=qtype,
            idnumber=f"id-{qtype}",
            text=f'<p>Câu hỏi <img src="{src}" alt=""></p>',
            text_format="html",
            line=0,
            category="Tiếng Anh/Lớp 6",
            general_feedback='<p><a href="@@PLUGINFILE@@/chao.mp3">Nghe</a></p>',
            general_feedback_format="html",
            files=[picture, sound],
            tags=["nghe"],
            correct=True if qtype == "true_false" else None,
            choices=[
                ParsedChoice("Một", Decimal("1"), "<p>Đúng</p>", "html", "html"),
                ParsedChoice("Hai", Decimal("0"), "Sai", "plain", "html"),
            ]
            if qtype in ("single_choice", "short_answer")
            else [
                ParsedChoice("Một", Decimal("0.5"), "", "plain", "html"),
                ParsedChoice("Hai", Decimal("0.5"), "", "plain", "html"),
                ParsedChoice("Ba", Decimal("-1"), "", "plain", "html"),
            ]
            if qtype == "multiple_choice"
            else [],
            pairs=[ParsedPair("a", "1"), ParsedPair("b", "2"), ParsedPair("", "3")]
            if qtype == "matching"
            else [],
        )
        for qtype in (
            "single_choice",
            "multiple_choice",
            "true_false",
            "short_answer",
            "matching",
            "essay",
        )
    ]


def test_moodle_xml_has_the_elements_moodle_writes_for_every_type_in_its_order():
    written = write_moodle_xml(
        _every_type_with_files(),
        {"Tiếng Anh": ParsedCategory("<p>Mô tả</p>", "html", "ta")},
    )

    root = ElementTree.fromstring(written.encode())
    questions = [q for q in root if q.get("type") != "category"]
    assert {q.get("type") for q in questions} == set(MOODLE_CHILDREN)
    for question in questions:
        qtype = question.get("type")
        ours = _collapsed(question)
        reference = MOODLE_CHILDREN[qtype]
        assert ours == [tag for tag in reference if tag in ours], qtype
        missing = set(reference) - set(ours) - OPTIONAL
        assert not missing, (qtype, missing)
        _check_attributes(question, qtype)
        for answer in question.findall("answer"):
            assert _collapsed(answer)[0] == "text"
            assert _collapsed(answer)[-1] == "feedback"
        for pair in question.findall("subquestion"):
            assert _collapsed(pair) == ["text", "answer"]


def test_moodle_xml_categories_have_the_structure_of_moodles_export_category_fixture():
    fixture = ElementTree.parse(MOODLE / "export_category.xml").getroot()
    fixture_category, fixture_question = list(fixture)

    written = write_moodle_xml(
        [
            ParsedQuestion(
                qtype="true_false",
                name="Alpha Question",
                text="<p>Testing Alpha Question</p>",
                text_format="html",
                general_feedback_format="html",
                line=0,
                category="Alpha",
                correct=True,
            )
        ],
        {"Alpha": ParsedCategory("This is Alpha category for test", "moodle", "a-1")},
    )

    category, question = list(ElementTree.fromstring(written.encode()))
    for ours, moodles in ((category, fixture_category), (question, fixture_question)):
        assert [node.tag for node in ours.iter()] == [
            node.tag for node in moodles.iter()
        ]
        assert [set(node.attrib) for node in ours.iter()] == [
            set(node.attrib) for node in moodles.iter()
        ]
    assert category.findtext("category/text") == "$course$/Alpha"
    assert category.find("info").get("format") == "moodle_auto_format"
    assert category.findtext("idnumber") == "a-1"


def test_moodle_xml_writes_parent_categories_first_as_moodle_does():
    # Moodle's nested_categories.xml (see SOURCE.md): Delta, Delta/Epsilon and
    # Delta/Epsilon/Zeta, each described, then Zeta's one question.
    described = {
        path: ParsedCategory(f"This is {path.rsplit('/')[-1]} category", "plain")
        for path in ("Delta", "Delta/Epsilon", "Delta/Epsilon/Zeta")
    }
    question = ParsedQuestion(
        qtype="true_false", text="Zeta?", line=0, category="Delta/Epsilon/Zeta"
    )

    written = write_moodle_xml([question], described)

    root = ElementTree.fromstring(written.encode())
    assert [(q.get("type"), q.findtext("category/text")) for q in root] == [
        ("category", "$course$/Delta"),
        ("category", "$course$/Delta/Epsilon"),
        ("category", "$course$/Delta/Epsilon/Zeta"),
        ("truefalse", None),
    ]
    result = parse_moodle_xml(written.encode())
    assert result.categories == described
    assert result.questions[0].category == "Delta/Epsilon/Zeta"


def test_moodle_xml_puts_each_file_once_in_the_element_that_refers_to_it():
    written = write_moodle_xml(_every_type_with_files()[:1])

    question = ElementTree.fromstring(written.encode())[1]
    text_files = question.findall("questiontext/file")
    feedback_files = question.findall("generalfeedback/file")
    assert [f.get("name") for f in text_files] == ["cờ việt nam.png"]
    assert [f.get("name") for f in feedback_files] == ["chao.mp3"]
    assert base64.b64decode(feedback_files[0].text) == b"ID3 sound"
    assert len(question.findall(".//file")) == 2
    parsed = parse_moodle_xml(written.encode()).questions[0]
    assert {f.name: f.data for f in parsed.files} == {
        "cờ việt nam.png": _png("red"),
        "chao.mp3": b"ID3 sound",
    }


# Any text and credit (Hypothesis) --------------------------------------------

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộứừửữựíìỉĩị"
_TEXT = st.text(
    alphabet=_LETTERS + _LETTERS.upper() + " 0123456789~=#{}:\\<>&%[]/.,!?*-'\"",
    min_size=1,
    max_size=30,
).map(lambda text: " ".join(text.split()))
_WORDS = _TEXT.filter(lambda text: text.strip() and "->" not in text)
_FEEDBACK = st.one_of(st.just(""), _WORDS)
_GRADE = st.sampled_from(
    [Decimal(p) / 100 for p in ("0", "10", "25", "33.33333", "50", "90")]
)


@st.composite
def _question(draw, qtype: str) -> ParsedQuestion:
    def choice(fraction, fmt="moodle"):
        return ParsedChoice(draw(_WORDS), fraction, draw(_FEEDBACK), fmt, "moodle")

    question = ParsedQuestion(
        qtype=qtype,
        name=draw(_WORDS),
        idnumber=draw(st.one_of(st.just(""), _WORDS)),
        text=draw(_WORDS),
        text_format="moodle",
        line=0,
        general_feedback=draw(_FEEDBACK),
        general_feedback_format="moodle",
    )
    if qtype == "single_choice":
        question.choices = [choice(Decimal("1"))] + [
            choice(draw(_GRADE) * draw(st.sampled_from([1, -1])))
            for _ in range(draw(st.integers(1, 3)))
        ]
    elif qtype == "multiple_choice":
        right = draw(st.sampled_from([2, 3, 4]))
        share = {2: "0.5", 3: "0.3333333", 4: "0.25"}[right]
        question.choices = [choice(Decimal(share)) for _ in range(right)]
        question.choices += [
            choice(-draw(_GRADE)) for _ in range(draw(st.integers(0, 2)))
        ]
    elif qtype == "short_answer":
        question.choices = [choice(Decimal("1"), "plain")] + [
            choice(draw(_GRADE), "plain") for _ in range(draw(st.integers(0, 2)))
        ]
    elif qtype == "true_false":
        question.correct = draw(st.booleans())
        question.feedback_true = draw(_FEEDBACK)
        question.feedback_false = draw(_FEEDBACK)
    elif qtype == "matching":
        question.pairs = [
            ParsedPair(draw(_WORDS), draw(_WORDS), "moodle")
            for _ in range(draw(st.integers(2, 4)))
        ]
    return question


_ANY_QUESTION = st.sampled_from(
    [
        "single_choice",
        "multiple_choice",
        "true_false",
        "short_answer",
        "matching",
        "essay",
    ]
).flatmap(_question)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ANY_QUESTION, min_size=1, max_size=4))
def test_any_text_and_credit_survive_moodle_xml(questions):
    result = parse_moodle_xml(write_moodle_xml(questions).encode())

    assert [q.__dict__ | {"line": 0} for q in result.questions] == [
        q.__dict__ for q in questions
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ANY_QUESTION, min_size=1, max_size=4))
def test_any_text_and_credit_survive_gift(questions):
    result = parse_gift(write_gift(questions))

    assert [q.__dict__ | {"line": 0} for q in result.questions] == [
        q.__dict__ for q in questions
    ]


@pytest.mark.django_db
def test_credits_cut_to_four_places_become_moodles_grades():
    """Banks kept 33.3333 for Moodle's 33.33333; the migration that widens the
    credit puts the grade back, and leaves any other credit as it was."""
    from importlib import import_module

    from django.apps import apps

    from quizzes.models import Choice

    from .factories import QuestionFactory

    migration = import_module(
        "quizzes.migrations.0022_choice_credit_seven_places_of_a_fraction"
    )
    question = QuestionFactory(qtype="multiple_choice")
    values = ["33.3333", "-33.3333", "66.6667", "14.2857", "33.3334", "50"]
    for text, value in zip("ABCDEF", values, strict=True):
        Choice.objects.create(question=question, text=text, fraction=Decimal(value))

    migration.credits_to_moodle_grades(apps, None)

    stored = dict(question.choices.values_list("text", "fraction"))
    assert stored == {
        "A": Decimal("33.33333"),
        "B": Decimal("-33.33333"),
        "C": Decimal("66.66667"),
        "D": Decimal("14.28571"),
        "E": Decimal("33.3334"),
        "F": Decimal("50"),
    }

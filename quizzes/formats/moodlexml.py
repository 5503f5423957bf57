"""Moodle XML (<quiz><question type="...">...</quiz>): parser and writer.

Parsing goes through defusedxml, so a file that declares entities (the
"billion laughs") or reaches for external ones is refused. Read as Moodle's
qformat_xml does: texts are trimmed, a missing format means "html", feedback
defaults to the question's format, fractions are percentages.
"""

import base64
import binascii
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from .base import (
    ParsedCategory,
    ParsedChoice,
    ParsedFile,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    Problem,
    QuestionFileError,
    clean_category,
    format_decimal,
    moodle_percent,
    nfc,
    question_problems,
    unsupported_problem,
)

_FORMAT_IN = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
_FORMAT_OUT = {value: key for key, value in _FORMAT_IN.items()}
_POSITION = re.compile(r":? line \d+, column \d+$")
_SUPPORTED = {"multichoice", "truefalse", "shortanswer", "matching", "match", "essay"}


def parse_moodle_xml(data: bytes) -> ParseResult:
    """Parse a Moodle XML file; raises QuestionFileError listing every problem."""
    root, line_of = _parse_xml(data)
    if root.tag != "quiz":
        raise QuestionFileError(
            [
                Problem(
                    line_of.get(root, 1),
                    _(
                        "This is not a Moodle XML question file: its outer element "
                        "must be <quiz>."
                    ),
                )
            ]
        )
    questions: list[ParsedQuestion] = []
    unsupported: list[Problem] = []
    problems: list[Problem] = []
    category = ""
    categories: dict[str, ParsedCategory] = {}
    for element in root.findall("question"):
        line = line_of.get(element, 1)
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = clean_category(_text(element, "category"))
            description, description_format = _formatted(element, "info", "html")
            idnumber = nfc((element.findtext("idnumber") or "").strip())
            if category:
                # Listed even when it holds no question: Moodle creates it.
                categories[category] = ParsedCategory(
                    description=description,
                    description_format=description_format,
                    idnumber=idnumber,
                )
            continue
        if not qtype:
            problems.append(
                Problem(line, _("A <question> element has no type attribute."))
            )
            continue
        if qtype not in _SUPPORTED:
            unsupported.append(unsupported_problem(line, qtype, _text(element, "name")))
            continue
        reader = _QuestionReader(element, line, line_of, category)
        question = reader.read(qtype)
        reasons = reader.problems + (question_problems(question) if question else [])
        if reasons:
            problems.extend(Problem(line, reason) for reason in reasons)
        elif question:
            questions.append(question)
    if problems:
        raise QuestionFileError(problems)
    return ParseResult(
        questions=questions, unsupported=unsupported, categories=categories
    )


class _LineRecorder:
    """Parser target that builds the tree and notes each element's source line."""

    def __init__(self):
        self.builder = TreeBuilder()
        self.expat = None
        self.line_of: dict[Element, int] = {}

    def start(self, tag, attrs):
        element = self.builder.start(tag, attrs)
        self.line_of[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag):
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


def _parse_xml(data: bytes) -> tuple[Element, dict[Element, int]]:
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder)
    recorder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        raise QuestionFileError(
            [
                Problem(
                    recorder.expat.CurrentLineNumber,
                    _(
                        "The file declares XML entities or refers to outside "
                        "resources, which is refused for safety. Export the "
                        "questions from Moodle again."
                    ),
                )
            ]
        ) from error
    except ParseError as error:
        line = error.position[0] if error.position else 1
        reason = _POSITION.sub("", str(error))
        raise QuestionFileError(
            [
                Problem(
                    line,
                    _("The file is not well-formed XML (%(reason)s).")
                    % {"reason": reason},
                )
            ]
        ) from error
    return root, recorder.line_of


def _text(element: Element, path: str) -> str:
    """Trimmed, NFC text of `path`/text (or of `path` itself, the old style)."""
    found = element.find(path)
    if found is None:
        return ""
    inner = found.find("text")
    value = inner.text if inner is not None else found.text
    return nfc((value or "").strip())


def _formatted(element: Element, path: str, default: str) -> tuple[str, str]:
    found = element.find(path) if path else element
    if found is None:
        return "", default
    raw_format = (found.get("format") or "").strip()
    # Moodle reads a format it does not know as HTML.
    text_format = _FORMAT_IN.get(raw_format, "html") if raw_format else default
    inner = found.find("text")
    return nfc(((inner.text if inner is not None else "") or "").strip()), text_format


def _fraction(value: str | None) -> Decimal:
    return Decimal((value or "0").strip()) / 100


class _QuestionReader:
    def __init__(self, element, line, line_of, category):
        self.element = element
        self.line = line
        self.line_of = line_of
        self.category = category
        self.problems: list[str] = []

    def read(self, qtype: str) -> ParsedQuestion | None:
        element = self.element
        text, text_format = _formatted(element, "questiontext", "html")
        general, general_format = _formatted(element, "generalfeedback", text_format)
        question = ParsedQuestion(
            qtype="essay",
            text=text,
            line=self.line,
            name=_text(element, "name"),
            idnumber=nfc((element.findtext("idnumber") or "").strip()),
            text_format=text_format,
            category=self.category,
            general_feedback=general,
            general_feedback_format=general_format,
            tags=[
                nfc((tag.findtext("text") or "").strip())
                for tag in element.findall("tags/tag")
                if (tag.findtext("text") or "").strip()
            ],
        )
        self.read_files(question)
        points = (element.findtext("defaultgrade") or "").strip()
        if points:
            try:
                question.points = Decimal(points)
            except InvalidOperation:
                question.points = Decimal("-1")
            if not question.points.is_finite() or question.points < 0:
                self.problems.append(
                    _("The default grade “%(value)s” is not a number of points.")
                    % {"value": points}
                )
                return None
        try:
            if qtype == "multichoice":
                self.read_choices(question)
            elif qtype == "truefalse":
                self.read_true_false(question)
            elif qtype == "shortanswer":
                self.read_short_answers(question)
            elif qtype in ("matching", "match"):
                self.read_pairs(question)
        except InvalidOperation:
            self.problems.append(
                _(
                    "An answer's fraction is not a number; Moodle writes "
                    "percentages such as 100, 50 or -25."
                )
            )
            return None
        return question

    def read_files(self, question: ParsedQuestion) -> None:
        """Every <file encoding="base64"> of the question, and the Moodle 1.9
        <image>/<image_base64> picture (added at the end of the question text,
        as Moodle does when it imports such a file)."""
        for found in self.element.iter("file"):
            name = nfc((found.get("name") or "").strip())
            data = self.decode(found.text, name)
            if data is not None:
                question.files.append(ParsedFile(name=name, data=data))
        image = (self.element.findtext("image") or "").strip()
        encoded = self.element.findtext("image_base64")
        if image and encoded and encoded.strip():
            name = nfc(image.replace("\\", "/").rsplit("/", 1)[-1])
            data = self.decode(encoded, name)
            if data is not None:
                question.files.append(ParsedFile(name=name, data=data))
                if question.text_format != "html":
                    from django.utils.html import escape, linebreaks

                    question.text = linebreaks(escape(question.text))
                    question.text_format = "html"
                question.text += (
                    f'<p><img src="@@PLUGINFILE@@/{quote(name)}" alt=""></p>'
                )

    def decode(self, encoded: str | None, name: str) -> bytes | None:
        try:
            if not name:
                raise binascii.Error
            return base64.b64decode("".join((encoded or "").split()), validate=True)
        except binascii.Error:
            self.problems.append(
                _("The embedded file “%(name)s” is not valid base64 data.")
                % {"name": name or "?"}
            )
            return None

    def answers(self, text_format: str, with_format: bool):
        for answer in self.element.findall("answer"):
            if with_format:
                text, answer_format = _formatted(answer, "", text_format)
            else:
                text, answer_format = (
                    nfc((answer.findtext("text") or "").strip()),
                    "plain",
                )
            feedback, feedback_format = _formatted(answer, "feedback", text_format)
            yield answer, text, answer_format, feedback, feedback_format

    def read_choices(self, question: ParsedQuestion) -> None:
        single = (self.element.findtext("single") or "true").strip()
        question.qtype = (
            "multiple_choice" if single in ("false", "0", "") else "single_choice"
        )
        for answer, text, text_format, feedback, feedback_format in self.answers(
            question.text_format, with_format=True
        ):
            if not text:
                continue  # Moodle skips blank answers when it saves.
            question.choices.append(
                ParsedChoice(
                    text=text,
                    fraction=_fraction(answer.get("fraction")),
                    feedback=feedback,
                    text_format=text_format,
                    feedback_format=feedback_format,
                )
            )

    def read_true_false(self, question: ParsedQuestion) -> None:
        question.qtype = "true_false"
        answers = list(self.answers(question.text_format, with_format=False))
        if not answers:
            self.problems.append(_("A true/false question has no answers."))
            return
        said = {}
        for index, (answer, text, _fmt, feedback, _ffmt) in enumerate(answers):
            # Old exports have translated texts; their order is true, then false.
            says_true = text == "true" if text in ("true", "false") else index == 0
            right = _fraction(answer.get("fraction")) == 1
            if says_true:
                question.feedback_true = feedback
            else:
                question.feedback_false = feedback
            said.setdefault(says_true, right if says_true else not right)
        question.correct = said.get(True, said.get(False))

    def read_short_answers(self, question: ParsedQuestion) -> None:
        question.qtype = "short_answer"
        usecase = (self.element.findtext("usecase") or "0").strip()
        question.case_sensitive = usecase not in ("0", "false", "")
        for answer, text, _fmt, feedback, feedback_format in self.answers(
            question.text_format, with_format=False
        ):
            if not text:
                continue
            question.choices.append(
                ParsedChoice(
                    text=text,
                    fraction=_fraction(answer.get("fraction")),
                    feedback=feedback,
                    text_format="plain",
                    feedback_format=feedback_format,
                )
            )

    def read_pairs(self, question: ParsedQuestion) -> None:
        question.qtype = "matching"
        for sub in self.element.findall("subquestion"):
            prompt, prompt_format = _formatted(sub, "", question.text_format)
            answer = nfc((sub.findtext("answer/text") or "").strip())
            if prompt or answer:  # Moodle drops a pair with neither.
                question.pairs.append(
                    ParsedPair(
                        prompt=prompt, answer=answer, prompt_format=prompt_format
                    )
                )


# Writing -------------------------------------------------------------------
#
# The layout follows what Moodle's own exporter (qformat_xml, Moodle 4.x)
# writes, element for element and in the same order; see
# tests/quizzes/fixtures/moodle/SOURCE.md. Embedded files go inside the
# element whose text refers to them as "@@PLUGINFILE@@/<name>", as Moodle puts
# them, each file once per question.

_MOODLE_TYPES = {
    "single_choice": "multichoice",
    "multiple_choice": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "matching": "matching",
    "essay": "essay",
}


def write_moodle_xml(
    questions: Iterable[ParsedQuestion],
    categories: dict[str, ParsedCategory] | None = None,
) -> str:
    """Write questions as Moodle XML that Moodle and `parse_moodle_xml` read back.

    Questions keep their order; a category element comes before each run of
    questions of one category. `categories` ("Top/Sub" -> description and ID
    number) are described there, and one with no question of its own is
    written where it comes in their order.
    """
    categories = categories or {}
    waiting = list(categories)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current = ""
    for question in questions:
        path = question.category
        if path != current:
            if path in waiting:
                before = waiting[: waiting.index(path)]
                waiting = waiting[len(before) + 1 :]
                for empty in before:
                    out += _category(empty, categories[empty])
            out += _category(path, categories.get(path) or ParsedCategory())
            current = path
        out += _question(question)
    for empty in waiting:
        out += _category(empty, categories[empty])
    out.append("</quiz>")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    # Moodle's own exports wrap markup in CDATA; that keeps HTML readable.
    text = "".join(ch for ch in text if _xml_char(ch))
    if text.strip() and ("<" in text or "&" in text) and "\r" not in text:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _attribute(text: str) -> str:
    return _escape_plain(text).replace('"', "&quot;")


def _escape_plain(text: str) -> str:
    text = "".join(ch for ch in text if _xml_char(ch))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_char(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )


def _text_element(text: str) -> str:
    return f"<text>{_escape(text)}</text>"


class _Files:
    """The embedded files of one question, each written once, inside the first
    element whose text refers to it (the rest go with the question text)."""

    def __init__(self, files: list[ParsedFile]):
        self.waiting = {parsed.name: parsed for parsed in files}

    def referred(self, text: str, indent: str) -> list[str]:
        names = [
            name
            for name in self.waiting
            if f"@@PLUGINFILE@@/{quote(name)}" in text
            or f"@@PLUGINFILE@@/{name}" in text
        ]
        return self.write([self.waiting.pop(name) for name in names], indent)

    def rest(self, indent: str) -> list[str]:
        files, self.waiting = list(self.waiting.values()), {}
        return self.write(files, indent)

    @staticmethod
    def write(files: list[ParsedFile], indent: str) -> list[str]:
        return [
            f'{indent}<file name="{_attribute(parsed.name)}" path="/" '
            f'encoding="base64">{base64.b64encode(parsed.data).decode()}</file>'
            for parsed in files
        ]


def _rich(
    tag: str,
    text: str,
    text_format: str,
    indent: str = "    ",
    files: _Files | None = None,
    extra: list[str] | None = None,
) -> list[str]:
    fmt = _FORMAT_OUT.get(text_format, "html")
    inner = indent + "  "
    return [
        f'{indent}<{tag} format="{fmt}">',
        f"{inner}{_text_element(text)}",
        *(files.referred(text, inner) if files else []),
        *(extra or []),
        f"{indent}</{tag}>",
    ]


def _category(path: str, described: ParsedCategory) -> list[str]:
    # As Moodle's exporter writes it: the context, then the path below "top".
    full = f"$course$/{path}".rstrip("/")
    return [
        '  <question type="category">',
        "    <category>",
        f"      {_text_element(full)}",
        "    </category>",
        *_rich("info", described.description, described.description_format),
        f"    <idnumber>{_escape_plain(described.idnumber)}</idnumber>",
        "  </question>",
    ]


def _answer(
    fraction: Decimal,
    text: str,
    text_format: str,
    feedback: str,
    feedback_format: str,
    files: _Files,
) -> list[str]:
    fmt = _FORMAT_OUT.get(text_format, "html")
    return [
        f'    <answer fraction="{moodle_percent(fraction)}" format="{fmt}">',
        f"      {_text_element(text)}",
        *files.referred(text, "      "),
        *_rich("feedback", feedback, feedback_format, "      ", files),
        "    </answer>",
    ]


def _combined_feedback() -> list[str]:
    # Moodle's feedback for any right / partly right / wrong response: we
    # have none, and write them empty as Moodle does.
    return [
        line
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
        for line in _rich(tag, "", "html")
    ]


def _question(question: ParsedQuestion) -> list[str]:
    qtype = _MOODLE_TYPES.get(question.qtype)
    if qtype is None:
        raise ValueError(f"Unknown question type {question.qtype!r}.")
    files = _Files(question.files)
    # Moodle's penalties for its types (used only by its interactive modes).
    penalty = {"truefalse": "1", "essay": "0"}.get(qtype, "0.3333333")
    text_lines = _rich("questiontext", question.text, question.text_format, files=files)
    body = [
        *_rich(
            "generalfeedback",
            question.general_feedback,
            question.general_feedback_format,
            files=files,
        ),
        f"    <defaultgrade>{format_decimal(question.points)}</defaultgrade>",
        f"    <penalty>{penalty}</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{_escape_plain(question.idnumber)}</idnumber>",
    ]
    if qtype == "multichoice":
        single = "true" if question.qtype == "single_choice" else "false"
        body += [
            f"    <single>{single}</single>",
            "    <shuffleanswers>true</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
            "    <showstandardinstruction>0</showstandardinstruction>",
            *_combined_feedback(),
        ]
        for choice in question.choices:
            body += _answer(
                choice.fraction,
                choice.text,
                choice.text_format,
                choice.feedback,
                choice.feedback_format,
                files,
            )
    elif qtype == "truefalse":
        fmt = question.text_format
        right = Decimal("1") if question.correct else Decimal("0")
        body += _answer(right, "true", "plain", question.feedback_true, fmt, files)
        body += _answer(
            1 - right, "false", "plain", question.feedback_false, fmt, files
        )
    elif qtype == "shortanswer":
        body.append(f"    <usecase>{int(question.case_sensitive)}</usecase>")
        for choice in question.choices:
            body += _answer(
                choice.fraction,
                choice.text,
                "plain",
                choice.feedback,
                choice.feedback_format,
                files,
            )
    elif qtype == "matching":
        body += ["    <shuffleanswers>true</shuffleanswers>", *_combined_feedback()]
        for pair in question.pairs:
            fmt = _FORMAT_OUT.get(pair.prompt_format, "html")
            body += [
                f'    <subquestion format="{fmt}">',
                f"      {_text_element(pair.prompt)}",
                *files.referred(pair.prompt, "      "),
                "      <answer>",
                f"        {_text_element(pair.answer)}",
                "      </answer>",
                "    </subquestion>",
            ]
    else:
        body += [
            "    <responseformat>editor</responseformat>",
            "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>",
            "    <minwordlimit></minwordlimit>",
            "    <maxwordlimit></maxwordlimit>",
            "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            "    <maxbytes>0</maxbytes>",
            "    <filetypeslist></filetypeslist>",
            *_rich("graderinfo", "", "html"),
            *_rich("responsetemplate", "", "html"),
        ]
    if question.tags:
        body.append("    <tags>")
        body += [f"      <tag>{_text_element(tag)}</tag>" for tag in question.tags]
        body.append("    </tags>")
    # Files no text refers to go with the question text.
    text_lines[-1:-1] = files.rest("      ")
    return [
        f'  <question type="{qtype}">',
        "    <name>",
        f"      {_text_element(question.name)}",
        "    </name>",
        *text_lines,
        *body,
        "  </question>",
    ]

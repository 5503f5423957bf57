"""GIFT, Moodle's plain-text question format: parser and writer.

Reads files the way Moodle's own importer (question/format/gift) does:
questions are separated by blank lines, `//` lines are comments (a comment may
carry `[tag:...]`), `::name::` names a question, `$CATEGORY: path` switches the
category, `[html]`/`[markdown]`/`[plain]`/`[moodle]` set a text format
(unmarked text is "moodle", as in Moodle), and `\\ \\~ \\= \\# \\{ \\} \\:` and
`\\n` are escapes. The answer block `{...}` may sit in the middle of the text
("missing word"); the text then keeps a `_____` blank where it was.

Where Moodle silently guesses, this parser refuses the file and says where:
text before the first `=`/`~` of an answer block, a block with neither
answers nor T/F, a second `{` or `}`, an unclosed `::name`, a stray paragraph
with no answer block, and credits that do not add up (Moodle refuses those
only when saving). `=%50%answer` in a choice question counts as 50 % (Moodle
reads it as a right answer whose text starts with "%50%").
"""

import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from .base import (
    TEXT_FORMATS,
    ParsedCategory,
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    Problem,
    QuestionFileError,
    clean_category,
    moodle_percent,
    nfc,
    question_problems,
    unsupported_problem,
)

DEFAULT_FORMAT = "moodle"
BLANK = "_____"

_WS = " \t\n\r\0\x0b"  # what PHP's trim() strips, so "\xa0" stays text
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# While the structure is read, an escaped character stands in as a Unicode
# noncharacter (reserved for such internal use), so it cannot be taken for
# syntax; it becomes the character it stands for once the parts are cut out.
_ESCAPABLE = "\\~=#{}:n"
_HIDDEN = {char: chr(0xFDD0 + index) for index, char in enumerate(_ESCAPABLE)}
_REVEAL = {
    ord(hidden): "\n" if char == "n" else char for char, hidden in _HIDDEN.items()
}
_DROP_NONCHARACTERS = dict.fromkeys(range(0xFDD0, 0xFDF0))
_ESCAPE_IN = re.compile(r"\\([\\~=#{}:n])")
_ESCAPE_OUT = re.compile(r"[\\~=#{}:]")

_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_WEIGHT_LIKE = re.compile(r"%([-+\d.,\s]*)%")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
# Moodle's `// [id:...]` comment: no `]` (written `\]`) or control characters.
_IDNUMBER = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def parse_gift(text: str) -> ParseResult:
    """Parse a GIFT file; raises QuestionFileError listing every malformed part."""
    return _GiftParser().parse(text)


def _hide_escapes(line: str) -> str:
    return _ESCAPE_IN.sub(lambda match: _HIDDEN[match.group(1)], line)


def _reveal(text: str) -> str:
    return text.translate(_REVEAL)


def _with_format(raw: str, default: str) -> tuple[str, str]:
    """Split a leading [format] marker off `raw`; return (text, format)."""
    text = raw.strip(_WS)
    text_format = default
    if text.startswith("["):
        end = text.find("]")
        if end != -1 and text[1:end] in TEXT_FORMATS:
            text_format = text[1:end]
            text = text[end + 1 :]
    return _reveal(text).strip(_WS), text_format


class _GiftParser:
    def __init__(self):
        self.category = ""
        self.categories: dict[str, ParsedCategory] = {}
        self.questions: list[ParsedQuestion] = []
        self.unsupported: list[Problem] = []
        self.problems: list[Problem] = []

    def parse(self, text: str) -> ParseResult:
        text = nfc(text).removeprefix("\ufeff").translate(_DROP_NONCHARACTERS)
        block: list[tuple[int, str]] = []
        for number, line in enumerate(_LINE_BREAK.split(text), start=1):
            line = line.strip(_WS)
            if line:
                block.append((number, line))
            elif block:
                self.read_block(block)
                block = []
        if block:
            self.read_block(block)
        if self.problems:
            raise QuestionFileError(self.problems)
        return ParseResult(
            questions=self.questions,
            unsupported=self.unsupported,
            categories=self.categories,
        )

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def read_block(self, block: list[tuple[int, str]]) -> None:
        comments = "\n".join(line for _n, line in block if line.startswith("//"))
        content = [(n, line) for n, line in block if not line.startswith("//")]
        if content and content[0][1].startswith("$CATEGORY:"):
            raw = _hide_escapes(content[0][1][len("$CATEGORY:") :])
            self.category = clean_category(_reveal(raw))
            if self.category:
                self.categories.setdefault(self.category, ParsedCategory())
            content = content[1:]
        if not content:
            return
        chars: list[str] = []
        line_of: list[int] = []
        for number, line in content:
            if chars:
                chars.append("\n")
                line_of.append(line_of[-1])
            hidden = _hide_escapes(line)
            chars.append(hidden)
            line_of.extend([number] * len(hidden))
        self.read_question(
            "".join(chars), line_of, _tags(comments), idnumber=_idnumber(comments)
        )

    def read_question(
        self, text: str, line_of: list[int], tags: list[str], idnumber: str = ""
    ) -> None:
        line = line_of[0]
        start = 0
        name = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end == -1:
                self.error(
                    line,
                    _("The question name is not closed: write it as ::name::."),
                )
                return
            name = _reveal(text[2:end]).strip(_WS)
            start = end + 2
        opening = text.find("{", start)
        closing = text.find("}", start)
        if opening == -1 and closing == -1:
            if name:
                # Moodle exports a "description" (text only) like this.
                self.unsupported.append(unsupported_problem(line, "description", name))
            else:
                self.error(
                    line,
                    _(
                        "This text is not part of a question: a question needs its "
                        "answers in braces { }. Start the line with // to make it "
                        "a comment."
                    ),
                )
            return
        if opening == -1 or -1 < closing < opening:
            self.error(
                line_of[closing],
                _(
                    "A closing brace } has no opening brace {. Write \\} for a "
                    "brace that is part of the text."
                ),
            )
            return
        if closing == -1:
            self.error(
                line_of[opening],
                _("The answer block opened with { is not closed with }."),
            )
            return
        nested = text.find("{", opening + 1, closing)
        if nested != -1:
            self.error(
                line_of[nested],
                _(
                    "A { was found inside an answer block: is the } of the "
                    "previous block missing? Write \\{ for a brace that is part "
                    "of the text."
                ),
            )
            return
        extra = min(
            (i for i in (text.find(c, closing + 1) for c in "{}") if i != -1),
            default=-1,
        )
        if extra != -1:
            self.error(
                line_of[extra],
                _(
                    "A question can have only one answer block { }. Separate "
                    "questions with a blank line, and write \\{ or \\} for a "
                    "brace that is part of the text."
                ),
            )
            return

        after = text[closing + 1 :]
        raw_text = text[start:opening] + (BLANK + after if after.strip(_WS) else "")
        question_text, text_format = _with_format(raw_text, DEFAULT_FORMAT)
        answers = text[opening + 1 : closing]
        general, general_format = "", text_format
        separator = answers.rfind("####")
        if separator != -1:
            general, general_format = _with_format(
                answers[separator + 4 :], text_format
            )
            answers = answers[:separator]
        body = answers.strip(_WS)
        body_at = opening + 1 + len(answers) - len(answers.lstrip(_WS))

        question = ParsedQuestion(
            qtype="essay",
            text=question_text,
            line=line,
            name=name,
            text_format=text_format,
            category=self.category,
            general_feedback=general,
            general_feedback_format=general_format,
            tags=tags,
            idnumber=idnumber,
        )
        if body.startswith("#"):
            problem = _numerical_problem(body)
            if problem:
                self.error(line_of[body_at], problem)
            else:
                self.unsupported.append(unsupported_problem(line, "numerical", name))
            return
        reader = _AnswerReader(body, body_at, line_of, text_format)
        if body:  # an empty block is an essay
            reader.read(question)
        if reader.problems:
            self.problems.extend(reader.problems)
            return
        problems = question_problems(question)
        if problems:
            self.problems.extend(Problem(line, message) for message in problems)
            return
        self.questions.append(question)


class _AnswerReader:
    """Reads the inside of one answer block; collects problems with their lines."""

    def __init__(self, body: str, body_at: int, line_of: list[int], text_format):
        self.body = body
        self.body_at = body_at
        self.line_of = line_of
        self.text_format = text_format
        self.problems: list[Problem] = []

    def error(self, offset: int, message: str) -> None:
        self.problems.append(Problem(self.line_of[self.body_at + offset], message))

    def read(self, question: ParsedQuestion) -> None:
        """Tell the type from the block as Moodle does, then read the answers."""
        body = self.body
        head = body.partition("#")[0].strip(_WS).upper()
        if "~" in body:
            self.read_choices(question)
        elif "=" in body and "->" in body:
            self.read_pairs(question)
        elif head in _TRUE_FALSE:
            self.read_true_false(question, _TRUE_FALSE[head])
        elif body.startswith("="):
            self.read_short_answers(question)
        else:
            self.error(
                0,
                _(
                    "The answers cannot be read: start each answer with = "
                    "(right) or ~ (wrong), or write T or F for a true/false "
                    "question."
                ),
            )

    def items(self, markers: str) -> list[tuple[str, str, int]]:
        """Cut the block at each marker; (marker, content, offset of the marker)."""
        starts = [i for i, char in enumerate(self.body) if char in markers]
        if not starts or self.body[: starts[0]].strip(_WS):
            self.error(
                0,
                _(
                    "There is text before the first answer: start each answer "
                    "with = (right) or ~ (wrong)."
                ),
            )
            return []
        ends = [*starts[1:], len(self.body)]
        return [
            (self.body[i], self.body[i + 1 : end], i)
            for i, end in zip(starts, ends, strict=True)
        ]

    def weight(self, content: str, default: Decimal, offset: int):
        """Split a leading %credit% off `content`; return (credit, rest)."""
        stripped = content.lstrip(_WS)
        match = _WEIGHT.match(stripped)
        if match:
            return Decimal(match.group(1)) / 100, stripped[match.end() :]
        looks_like = _WEIGHT_LIKE.match(stripped)
        if looks_like:
            self.error(
                offset,
                _("The credit %(credit)s is not a number such as %%50%% or %%-25%%.")
                % {"credit": _reveal(looks_like.group(0))},
            )
        return default, content

    def feedback(self, content: str) -> tuple[str, str, str, str]:
        """(text, text format, feedback, feedback format) of one answer."""
        answer, _hash, feedback = content.partition("#")
        text, text_format = _with_format(answer, self.text_format)
        feedback, feedback_format = _with_format(feedback, self.text_format)
        return text, text_format, feedback, feedback_format

    def read_choices(self, question: ParsedQuestion) -> None:
        items = self.items("~=")
        question.qtype = (
            "single_choice"
            if any(marker == "=" for marker, _c, _o in items)
            else "multiple_choice"
        )
        for marker, content, offset in items:
            default = Decimal("1") if marker == "=" else Decimal("0")
            fraction, content = self.weight(content, default, offset)
            text, text_format, feedback, feedback_format = self.feedback(content)
            if not text:
                self.error(offset, _("An answer has no text."))
                continue
            question.choices.append(
                ParsedChoice(
                    text=text,
                    fraction=fraction,
                    feedback=feedback,
                    text_format=text_format,
                    feedback_format=feedback_format,
                )
            )

    def read_pairs(self, question: ParsedQuestion) -> None:
        question.qtype = "matching"
        for _marker, content, offset in self.items("="):
            if "->" not in content:
                self.error(
                    offset,
                    _("A matching pair must be written as =item -> answer."),
                )
                continue
            prompt, _arrow, answer = content.partition("->")
            prompt, prompt_format = _with_format(prompt, self.text_format)
            answer = _reveal(answer).strip(_WS)
            if not answer:
                self.error(
                    offset,
                    _("A matching pair has no answer after ->."),
                )
                continue
            question.pairs.append(
                ParsedPair(prompt=prompt, answer=answer, prompt_format=prompt_format)
            )

    def read_true_false(self, question: ParsedQuestion, correct: bool) -> None:
        # Moodle: {T#shown for a wrong answer#shown for a right answer}.
        parts = [
            _with_format(part, self.text_format)[0] for part in self.body.split("#", 2)
        ]
        wrong = parts[1] if len(parts) > 1 else ""
        right = parts[2] if len(parts) > 2 else ""
        question.qtype = "true_false"
        question.correct = correct
        question.feedback_true, question.feedback_false = (
            (right, wrong) if correct else (wrong, right)
        )

    def read_short_answers(self, question: ParsedQuestion) -> None:
        question.qtype = "short_answer"
        for _marker, content, offset in self.items("="):
            fraction, content = self.weight(content, Decimal("1"), offset)
            text, _format, feedback, feedback_format = self.feedback(content)
            if not text:
                self.error(offset, _("An accepted answer has no text."))
                continue
            question.choices.append(
                ParsedChoice(
                    text=text,
                    fraction=fraction,
                    feedback=feedback,
                    text_format="plain",
                    feedback_format=feedback_format,
                )
            )


def _numerical_problem(body: str) -> str:
    """Why a {#...} block is malformed ("" when Moodle would accept it)."""
    answers = body[1:].partition("~")[0].split("=")
    if answers and not answers[0].strip(_WS):
        answers = answers[1:]
    if not answers:
        return _("The numerical question has no answer.")
    for answer in answers:
        answer = answer.strip(_WS)
        match = _WEIGHT.match(answer)
        if match:
            answer = answer[match.end() :]
        value = _reveal(answer.partition("#")[0]).strip(_WS)
        if ".." in value:
            numbers = value.split("..", 1)
        elif ":" in value:
            numbers = value.split(":", 1)
        else:
            numbers = [value]
        if not all(_NUMBER.fullmatch(number.strip()) for number in numbers):
            return _("The numerical answer “%(answer)s” is not a number.") % {
                "answer": value
            }
    return ""


def _idnumber(comments: str) -> str:
    """The first `[id:...]` of the question's comments, as Moodle reads it."""
    match = _IDNUMBER.search(comments)
    return match.group(1).replace("\\]", "]").strip() if match else ""


def _tags(comments: str) -> list[str]:
    tags: list[str] = []
    for match in _TAG.finditer(comments):
        tag = match.group(1).replace("\\]", "]").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


# Writing -------------------------------------------------------------------


def write_gift(questions: Iterable[ParsedQuestion]) -> str:
    """Write questions as GIFT that Moodle and `parse_gift` read back.

    GIFT has no place for points, case sensitivity or category descriptions;
    they are left out. A question's ID number goes in a `// [id:...]` comment,
    as Moodle writes it. Raises ValueError for what GIFT cannot hold: embedded
    files (pictures, sounds), "->" in a matching item or in a short answer.
    """
    blocks = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            path = " ".join(f"$course$/top/{category}".split()).rstrip("/")
            blocks.append(f"$CATEGORY: {path}\n")
        blocks.append(_write_question(question))
    return "\n".join(blocks)


def _escape(text: str) -> str:
    text = _ESCAPE_OUT.sub(lambda match: "\\" + match.group(0), text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _formatted(text: str, text_format: str, default: str, force=False) -> str:
    """Escape `text`, marking its format when the reader could not guess it."""
    if text and (force or text_format != default or text.lstrip().startswith("[")):
        return f"[{text_format}]{_escape(text)}"
    return _escape(text)


def _write_question(question: ParsedQuestion) -> str:
    if question.files:
        raise ValueError(
            f"GIFT cannot carry embedded files: {question.files[0].name!r}."
        )
    fmt = question.text_format
    lines = []
    marks = ["[id:" + question.idnumber.replace("]", "\\]") + "]"] * bool(
        question.idnumber.strip()
    )
    marks += ["[tag:" + tag.replace("]", "\\]") + "]" for tag in question.tags]
    if marks:
        lines.append("// " + " ".join(marks))
    head = f"::{_escape(question.name)}::" if question.name else ""
    head += _formatted(
        question.text,
        fmt,
        DEFAULT_FORMAT,
        force=not question.name and question.text.lstrip().startswith("//"),
    )
    general = ""
    if question.general_feedback:
        general = "####" + _formatted(
            question.general_feedback, question.general_feedback_format, fmt
        )
    qtype = question.qtype
    if qtype == "essay":
        lines.append(f"{head}{{{general}}}")
    elif qtype == "true_false":
        lines.append(f"{head}{{{_true_false(question)}{general}}}")
    else:
        if qtype in ("single_choice", "multiple_choice"):
            answers = _choices(question)
        elif qtype == "short_answer":
            answers = _short_answers(question)
        elif qtype == "matching":
            answers = _pairs(question)
        else:
            raise ValueError(f"Unknown question type {qtype!r}.")
        lines.append(head + "{")
        lines.extend(f"\t{answer}" for answer in answers)
        if general:
            lines.append(f"\t{general}")
        lines.append("}")
    return "\n".join(lines) + "\n"


def _feedback(text: str, text_format: str, default: str) -> str:
    return "#" + _formatted(text, text_format, default) if text else ""


def _true_false(question: ParsedQuestion) -> str:
    fmt = question.text_format
    if question.correct:
        right, wrong = question.feedback_true, question.feedback_false
    else:
        right, wrong = question.feedback_false, question.feedback_true
    out = "TRUE" if question.correct else "FALSE"
    out += "#" + _formatted(wrong, fmt, fmt) if wrong else ("#" if right else "")
    return out + ("#" + _formatted(right, fmt, fmt) if right else "")


def _choices(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    single = question.qtype == "single_choice"
    markers = []
    for choice in question.choices:
        weight = f"%{moodle_percent(choice.fraction)}%"
        # An explicit weight keeps a text that starts with % from being read as one.
        plain = not choice.text.lstrip().startswith("%")
        if single and choice.fraction == 1:
            markers.append("=" if plain else "=" + weight)
        elif choice.fraction == 0 and plain:
            markers.append("~")
        else:
            markers.append("~" + weight)
    if markers and not any(marker.startswith("~") for marker in markers):
        # Only a ~ makes the block a choice question rather than a short answer.
        markers[-1] = f"~%{moodle_percent(question.choices[-1].fraction)}%"
    return [
        marker
        + _formatted(choice.text, choice.text_format, fmt)
        + _feedback(choice.feedback, choice.feedback_format, fmt)
        for marker, choice in zip(markers, question.choices, strict=True)
    ]


def _short_answers(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    out = []
    for choice in question.choices:
        if "->" in choice.text or "->" in choice.feedback:
            raise ValueError(
                f"GIFT cannot hold '->' in a short answer: {choice.text!r}."
            )
        out.append(
            f"=%{moodle_percent(choice.fraction)}%"
            + _formatted(choice.text, "plain", "plain")
            + _feedback(choice.feedback, choice.feedback_format, fmt)
        )
    return out


def _pairs(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    out = []
    for pair in question.pairs:
        if "->" in pair.prompt:
            raise ValueError(
                f"GIFT cannot hold '->' in a matching item: {pair.prompt!r}."
            )
        prompt = _formatted(pair.prompt, pair.prompt_format, fmt)
        out.append(f"={prompt} -> {_escape(pair.answer)}")
    return out

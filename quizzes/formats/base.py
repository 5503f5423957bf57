"""What every question-file parser returns, and how it reports a bad file.

Parsers turn a file into these plain dataclasses; the importer maps them to
models. Nothing here touches the database.

Text formats follow Moodle's names: "plain" (show as typed), "html",
"markdown" and "moodle" (Moodle's auto-format: HTML allowed, line breaks kept).
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

QTYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "matching",
    "essay",
)
TEXT_FORMATS = ("plain", "html", "markdown", "moodle")

# Room for rounding in credit that should add up to 100 % (3 x 33.33333 %).
FRACTION_TOLERANCE = Decimal("0.0001")


@dataclass
class ParsedChoice:
    text: str
    fraction: Decimal  # Decimal("1") = 100 %; negative for a penalty
    feedback: str = ""
    text_format: str = "plain"
    feedback_format: str = "plain"


@dataclass
class ParsedFile:
    """A file embedded in the question file (Moodle XML <file>, <image_base64>);
    texts refer to it as "@@PLUGINFILE@@/<name>"."""

    name: str
    data: bytes


@dataclass
class ParsedPair:
    prompt: str  # "" for a distractor answer with no prompt
    answer: str
    prompt_format: str = "plain"


@dataclass
class ParsedQuestion:
    qtype: str
    text: str
    line: int  # 1-based line (GIFT, Aiken, XML) or row (xlsx) of the question
    name: str = ""
    text_format: str = "plain"
    category: str = ""  # "Top/Sub/Leaf"
    choices: list[ParsedChoice] = field(default_factory=list)
    pairs: list[ParsedPair] = field(default_factory=list)
    correct: bool | None = None  # true_false
    feedback_true: str = ""  # true_false: shown to who answered True
    feedback_false: str = ""  # true_false: shown to who answered False
    general_feedback: str = ""
    general_feedback_format: str = "plain"
    points: Decimal = Decimal("1")
    tags: list[str] = field(default_factory=list)
    case_sensitive: bool = False  # short_answer
    idnumber: str = ""  # Moodle's ID number, kept to recognise the question later
    files: list[ParsedFile] = field(default_factory=list)


@dataclass
class ParsedCategory:
    """What a file says about a category besides its path (Moodle XML)."""

    description: str = ""
    description_format: str = "html"
    idnumber: str = ""


@dataclass
class Problem:
    line: int
    message: str  # a full, translated sentence

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {
            "line": self.line,
            "message": self.message,
        }


@dataclass
class ParseResult:
    questions: list[ParsedQuestion]
    unsupported: list[Problem]  # well-formed questions of a type we do not import
    # "Top/Sub" -> description and ID number, for the categories the file describes
    categories: dict[str, ParsedCategory] = field(default_factory=dict)


class QuestionFileError(Exception):
    """The file is malformed; `problems` lists every error found (line + reason).

    Nothing from such a file must be imported.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_category(path: str) -> str:
    """Drop Moodle's context prefix ("$course$/") and "top" pseudo-category."""
    path = path.strip()
    if path.startswith("$"):
        end = path.find("$", 1)
        if end != -1 and path[1:end].isalpha():
            path = path[end + 1 :].lstrip("/")
    parts = [part.strip() for part in path.split("/")]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def unsupported_kind(kind: str) -> str:
    """A readable, translated name for a question type we do not import."""
    labels = {
        "numerical": _("numerical"),
        "calculated": _("calculated"),
        "calculatedsimple": _("simple calculated"),
        "calculatedmulti": _("calculated multichoice"),
        "multianswer": _("embedded answers (cloze)"),
        "cloze": _("embedded answers (cloze)"),
        "description": _("description"),
        "ddwtos": _("drag and drop into text"),
        "gapselect": _("select missing words"),
        "ddimageortext": _("drag and drop onto image"),
        "ddmarker": _("drag and drop markers"),
        "randomsamatch": _("random short-answer matching"),
        "random": _("random"),
        "ordering": _("ordering"),
    }
    return labels.get(kind, kind)


def unsupported_problem(line: int, kind: str, name: str = "") -> Problem:
    """A well-formed question of a type we do not import. The message only says
    what is wrong: whether the question was skipped or the whole file refused is
    said by whoever reports it (the importer decides)."""
    values = {"kind": unsupported_kind(kind), "name": name}
    if name:
        message = (
            _(
                "The question “%(name)s” is of the %(kind)s type, which is not "
                "supported."
            )
            % values
        )
    else:
        message = (
            _("This question is of the %(kind)s type, which is not supported.") % values
        )
    return Problem(line, message)


def format_decimal(value: Decimal) -> str:
    """Shortest plain notation: 100, 50, 33.33333, -0.5 (never 1E+2)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


# The answer grades Moodle offers (and their negatives), as Moodle writes them
# in a file. Moodle's importer refuses a grade that is not one of them (by
# default), with a tolerance of 0.001 percent.
MOODLE_PERCENTS = tuple(
    Decimal(value)
    for value in (
        "100 90 83.33333 80 75 70 66.66667 60 50 40 33.33333 30 25 20 "
        "16.66667 14.28571 12.5 11.11111 10 5 0"
    ).split()
)
_STORED_TO_MOODLE = {
    sign * percent.quantize(Decimal("0.0001")): sign * percent
    for percent in MOODLE_PERCENTS
    for sign in (1, -1)
}


def moodle_percent(fraction: Decimal) -> str:
    """A credit (1 = 100 %) as a percentage the way Moodle writes it.

    The bank keeps percentages to five decimals, as Moodle writes its grades
    (33.33333). A value that is one of Moodle's grades cut to four decimals
    (33.3333, as banks kept them before) is written as that grade, so Moodle
    finds it among its grades. Any other value is written as it is.
    """
    percent = fraction * 100
    if percent == percent.quantize(Decimal("0.0001")):
        percent = _STORED_TO_MOODLE.get(percent, percent)
    return format_decimal(percent)


def question_problems(question: ParsedQuestion) -> list[str]:
    """Why `question` cannot be imported as it stands (empty when it can)."""
    problems = []
    choices = question.choices
    fractions = [choice.fraction for choice in choices]
    if any(not Decimal("-1") <= fraction <= Decimal("1") for fraction in fractions):
        problems.append(
            _("An answer's credit must be between minus 100 and 100 percent.")
        )
    elif question.qtype in ("single_choice", "multiple_choice"):
        if len(choices) < 2:
            problems.append(_("A choice question needs at least two answers."))
        elif question.qtype == "single_choice" and max(fractions) != 1:
            problems.append(
                _(
                    "This question has no right answer: one answer must give "
                    "full credit."
                )
            )
        elif question.qtype == "multiple_choice":
            total = sum((f for f in fractions if f > 0), Decimal("0"))
            if not total:
                problems.append(
                    _(
                        "This question has no right answer: give the right answers "
                        "a positive credit."
                    )
                )
            elif abs(total - 1) > FRACTION_TOLERANCE:
                problems.append(
                    _(
                        "The positive credits of the answers add up to "
                        "%(total)s percent, not 100."
                    )
                    % {"total": format_decimal(total * 100)}
                )
    elif question.qtype == "short_answer":
        if not choices:
            problems.append(_("A short-answer question needs an accepted answer."))
        elif max(fractions) != 1:
            problems.append(_("None of the accepted answers gives full credit."))
    elif question.qtype == "matching":
        if len([pair for pair in question.pairs if pair.prompt]) < 2:
            problems.append(_("A matching question needs at least two pairs."))
    if any(not choice.text.strip() for choice in choices):
        problems.append(_("An answer has no text."))
    if any(pair.prompt and not pair.answer.strip() for pair in question.pairs):
        problems.append(_("Every matching item needs an answer."))
    if not question.text.strip():
        problems.append(_("The question has no text."))
    return problems

"""Aiken: single-choice questions as plain text.

    Hành vi nào bị nghiêm cấm?
    A. Đăng tin giả
    B) Chia sẻ kiến thức
    ANSWER: A

The question text may span several lines; options are a capital letter, "."
or ")", then an optional space (Moodle reads "A)Paris" as an option too); the
ANSWER line ends the question. Blank lines between questions are ignored. A
question is named from its text, as Moodle names it.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .base import (
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    Problem,
    QuestionFileError,
    nfc,
)

_OPTION = re.compile(r"([A-Z])[.)][ \t]?(.+)")
_ANSWER = re.compile(r"ANSWER\s*:(.*)", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
NAME_LENGTH = 80  # Moodle shortens a question's text to 80 characters for its name


def name_from_text(text: str) -> str:
    """A question name from its text: one line, at most NAME_LENGTH characters,
    cut at a word boundary with an ellipsis when longer."""
    name = " ".join(text.split())
    if len(name) <= NAME_LENGTH:
        return name
    cut = name[: NAME_LENGTH - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


@dataclass
class _Draft:
    line: int
    text: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    broken: bool = False  # already reported; the ANSWER line adds nothing


def parse_aiken(text: str) -> ParseResult:
    """Parse an Aiken file; raises QuestionFileError listing every malformed part."""
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    draft: _Draft | None = None

    def missing_answer(draft: _Draft) -> None:
        problems.append(
            Problem(
                draft.line,
                _("This question has no ANSWER: line after its options."),
            )
        )

    lines = _LINE_BREAK.split(nfc(text).removeprefix("\ufeff"))
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        option = _OPTION.fullmatch(line)
        answer = _ANSWER.fullmatch(line)
        if answer:
            if draft is None:
                problems.append(
                    Problem(number, _("This ANSWER: line has no question before it."))
                )
                continue
            if not draft.broken:
                question, reasons = _finish(draft, answer.group(1).strip())
                problems.extend(Problem(number, reason) for reason in reasons)
                if question:
                    questions.append(question)
            draft = None
        elif option and draft is None:
            problems.append(
                Problem(number, _("This option has no question before it."))
            )
        elif option and draft.text:
            letter, option_text = option.groups()
            if letter in draft.options:
                problems.append(
                    Problem(
                        number,
                        _("Option %(letter)s appears twice in this question.")
                        % {"letter": letter},
                    )
                )
                draft.broken = True
            draft.options[letter] = option_text.strip()
        elif draft is not None and draft.options:
            # Text after the options: the previous question lost its ANSWER line.
            missing_answer(draft)
            draft = _Draft(line=number, text=[line])
        else:
            if draft is None:
                draft = _Draft(line=number)
            draft.text.append(line)
    if draft is not None:
        missing_answer(draft)
    if problems:
        raise QuestionFileError(problems)
    return ParseResult(questions=questions, unsupported=[])


def _finish(draft: _Draft, letter: str) -> tuple[ParsedQuestion | None, list[str]]:
    reasons = []
    if len(draft.options) < 2:
        reasons.append(_("A question needs at least two options (A. …, B. …)."))
    letter = letter.rstrip(".)").strip()
    if not re.fullmatch(r"[A-Za-z]", letter):
        reasons.append(
            _("The ANSWER: line must give one option letter, e.g. ANSWER: B.")
        )
    elif letter.upper() not in draft.options:
        reasons.append(
            _("The answer %(letter)s is not one of the options %(options)s.")
            % {"letter": letter.upper(), "options": ", ".join(draft.options)}
        )
    if reasons:
        return None, reasons
    right = letter.upper()
    text = "\n".join(draft.text)
    return (
        ParsedQuestion(
            qtype="single_choice",
            text=text,
            name=name_from_text(text),
            line=draft.line,
            choices=[
                ParsedChoice(
                    text=text,
                    fraction=Decimal("1") if key == right else Decimal("0"),
                )
                for key, text in draft.options.items()
            ],
        ),
        [],
    )

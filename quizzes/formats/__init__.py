"""Question files in and out: GIFT, Aiken, Moodle XML and spreadsheets.

Parsers return plain dataclasses (see `base`); importing them into the
question bank is the importer's job. Every parser is all or nothing: a
malformed file raises QuestionFileError listing every problem found.
"""

from django.utils.translation import gettext as _

from .aiken import parse_aiken
from .base import (
    QTYPES,
    TEXT_FORMATS,
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    Problem,
    QuestionFileError,
)
from .gift import parse_gift, write_gift
from .moodlexml import parse_moodle_xml, write_moodle_xml
from .xlsx import parse_xlsx, xlsx_template

FORMATS = ("gift", "aiken", "moodlexml", "xlsx")

__all__ = [
    "FORMATS",
    "QTYPES",
    "TEXT_FORMATS",
    "ParseResult",
    "ParsedChoice",
    "ParsedPair",
    "ParsedQuestion",
    "Problem",
    "QuestionFileError",
    "parse",
    "parse_aiken",
    "parse_gift",
    "parse_moodle_xml",
    "parse_xlsx",
    "write_gift",
    "write_moodle_xml",
    "xlsx_template",
]


def parse(data: bytes, fmt: str) -> ParseResult:
    """Parse an uploaded file in format `fmt` (one of FORMATS)."""
    if fmt == "moodlexml":
        return parse_moodle_xml(data)
    if fmt == "xlsx":
        return parse_xlsx(data)
    if fmt in ("gift", "aiken"):
        text = decode_text(data)
        return parse_gift(text) if fmt == "gift" else parse_aiken(text)
    raise ValueError(f"Unknown question file format {fmt!r}; use one of {FORMATS}.")


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is fine); QuestionFileError otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise QuestionFileError(
            [
                Problem(
                    line,
                    _(
                        "The file is not UTF-8 text. Save it again with the "
                        "encoding UTF-8 (in Notepad: Save as, Encoding: UTF-8)."
                    ),
                )
            ]
        ) from error

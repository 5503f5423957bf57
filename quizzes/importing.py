"""Turn parsed question files into bank questions, and questions back into files.

Imports are all-or-nothing: a malformed file, or an unsupported question
without `skip_unsupported`, creates nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.html import html_clean, html_to_text

from .content import questions_changed

# Exports live in .exporting; these names stay importable from here.
from .exporting import category_export, parsed_from_question  # noqa: F401
from .formats import parse
from .formats.base import (
    ParsedCategory,
    ParsedChoice,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    Problem,
)
from .import_files import import_problems, link_files, school_collection, store_files
from .models import Choice, MatchPair, Question, QuestionCategory, QuestionType

FORMATS = ("gift", "aiken", "moodlexml", "xlsx")


class ImportRefused(Exception):
    """Nothing was imported; `problems` say why, each with its line or row."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.line}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class ImportReport:
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    categories: list[str] = field(default_factory=list)
    # Categories the file describes that hold none of its questions.
    empty_categories: list[str] = field(default_factory=list)
    # Per question of `questions`: the bank question an update would replace,
    # or None when the question is new.
    matches: list[Question | None] = field(default_factory=list)
    # Per question of `questions` (not in a dry run): the bank question it
    # created or updated.
    saved: list[Question] = field(default_factory=list)


def _segments(path: str) -> list[str]:
    return [part.strip() for part in path.split("/") if part.strip()]


def _category_resolve(
    path: str,
    *,
    school=None,
    described: dict[str, ParsedCategory] | None = None,
    by_idnumber: bool = False,
    create: bool = True,
) -> QuestionCategory | None:
    """The category at "Top/Sub/Leaf", each level found by the file's ID number
    for it (when `by_idnumber`, among the owner's categories), else by name
    under its parent. Missing levels are created, or (not `create`) None is
    returned."""
    described = described or {}
    parent = None
    names: list[str] = []
    for name in _segments(path):
        names.append(name)
        found = None
        idnumber = described.get("/".join(names), ParsedCategory()).idnumber[:100]
        if by_idnumber and idnumber:
            found = QuestionCategory.objects.filter(
                school=school, idnumber=idnumber
            ).first()
        if found is None:
            lookup = (
                {"name": name, "parent": parent}
                if parent is not None
                else {"name": name, "parent": None, "school": school}
            )
            found = QuestionCategory.objects.filter(**lookup).first()
            if found is None:
                if not create:
                    return None
                found = QuestionCategory.objects.create(**lookup)
        parent = found
    if parent is None:
        raise ValueError("empty category path")
    return parent


def category_for_path(path: str, *, school=None) -> QuestionCategory:
    """Find or create the nested categories of "Top/Sub/Leaf".

    The top category belongs to `school`, or (None) to the Department's
    shared library; sub-categories take their parent's owner.
    """
    return _category_resolve(path, school=school)


def _html(text: str, text_format: str, paragraphs: bool = True) -> str:
    """Rich text from a file: HTML is cleaned (lms.html); plain and markdown text
    is escaped (into <p> paragraphs unless `paragraphs` is false)."""
    if text_format == "html":
        return html_clean(text)
    if text_format == "moodle":
        # Moodle's auto-format: HTML allowed, line breaks of plain text kept.
        from django.utils.html import linebreaks

        has_blocks = "<p" in text.lower() or "<div" in text.lower()
        return html_clean(text if has_blocks else linebreaks(text, autoescape=False))
    from django.utils.html import escape, linebreaks

    return linebreaks(escape(text)) if paragraphs else str(escape(text))


def _text(text: str, text_format: str) -> str:
    """Text shown escaped (choices, matching items): HTML is reduced to its text."""
    return html_to_text(text) if text_format in ("html", "moodle") else text


def _describe(category: QuestionCategory, described: ParsedCategory) -> None:
    """Give `category` the file's description and ID number where it has none:
    what staff wrote in the bank is not overwritten by a later import. An ID
    number another category of the owner holds is left out, as Moodle does."""
    changed = []
    if described.description and not category.description:
        category.description = _html(
            described.description, described.description_format
        )
        changed.append("description")
    idnumber = described.idnumber[:100]
    if (
        idnumber
        and not category.idnumber
        and not QuestionCategory.objects.filter(
            school=category.school_id, idnumber=idnumber
        ).exists()
    ):
        category.idnumber = idnumber
        changed.append("idnumber")
    if changed:
        category.save(update_fields=changed)


def _formatted(text: str, text_format: str, stored: dict) -> str:
    """The formatted text to show, when the file wrote it in HTML (a plain
    text, or HTML with no tags, is shown from its words)."""
    if text_format not in ("html", "moodle") or "<" not in text:
        return ""
    return link_files(_html(text, text_format, False), stored)


def _choice_html(choice: ParsedChoice, stored: dict) -> str:
    return _formatted(choice.text, choice.text_format, stored)


def _question_fields(question: ParsedQuestion, stored: dict) -> dict:
    """The question's own fields as the file gives them."""
    return {
        "qtype": question.qtype,
        "name": question.name[:255],
        "text": link_files(_html(question.text, question.text_format), stored),
        "points": question.points,
        "general_feedback": link_files(
            _html(question.general_feedback, question.general_feedback_format),
            stored,
        )
        if question.general_feedback
        else "",
        "correct_answer": question.correct,
        "feedback_true": _html(question.feedback_true, question.text_format, False),
        "feedback_false": _html(question.feedback_false, question.text_format, False),
        "case_sensitive": question.case_sensitive,
    }


def _choice_fields(choice: ParsedChoice, stored: dict) -> dict:
    return {
        "text": _text(choice.text, choice.text_format),
        "text_html": _choice_html(choice, stored),
        "fraction": (choice.fraction * 100).quantize(Decimal("0.00001")),
        # bulk_create skips the pre_save clean, so clean here.
        "feedback": link_files(
            _html(choice.feedback, choice.feedback_format, False), stored
        ),
    }


def _pair_fields(pair: ParsedPair, stored: dict) -> dict:
    html = _formatted(pair.prompt, pair.prompt_format, stored)
    words = _text(pair.prompt, pair.prompt_format)[:500].strip()
    if html and not words:
        # A picture-only item still needs words: an empty item is a distractor.
        words = _("(picture)")
    return {"prompt": words, "prompt_html": html, "answer": pair.answer}


def _diacritics_flag(question: ParsedQuestion, ignore_diacritics: bool):
    """True when the import says short answers ignore diacritics; None leaves
    it to the category, then the quiz."""
    if ignore_diacritics and question.qtype == QuestionType.SHORT_ANSWER:
        return True
    return None


def _create(
    question: ParsedQuestion,
    category: QuestionCategory,
    collection=None,
    idnumber: str = "",
    ignore_diacritics: bool = False,
) -> Question:
    stored = store_files(question, collection) if question.files else {}
    created = Question.objects.create(
        category=category,
        idnumber=idnumber,
        ignore_diacritics=_diacritics_flag(question, ignore_diacritics),
        **_question_fields(question, stored),
    )
    Choice.objects.bulk_create(
        Choice(question=created, sort_order=index, **_choice_fields(choice, stored))
        for index, choice in enumerate(question.choices)
    )
    MatchPair.objects.bulk_create(
        MatchPair(question=created, sort_order=index, **_pair_fields(pair, stored))
        for index, pair in enumerate(question.pairs)
    )
    # bulk_create sends no signal: the quizzes drawing from the bank see the
    # question whole (quizzes.content).
    questions_changed([created.pk])
    return created


def _replace_rows(rows: list, wanted: list[dict], model, question: Question) -> None:
    """Make `rows` (choices or pairs, in order) say `wanted`, reusing rows by
    position so a later regrade still finds the choice an attempt showed."""
    for index, fields in enumerate(wanted):
        if index < len(rows):
            row = rows[index]
            for name, value in fields.items():
                setattr(row, name, value)
            row.sort_order = index
            row.save()
        else:
            model.objects.create(question=question, sort_order=index, **fields)
    model.objects.filter(pk__in=[row.pk for row in rows[len(wanted) :]]).delete()


def _update(
    existing: Question,
    question: ParsedQuestion,
    collection=None,
    ignore_diacritics: bool = False,
) -> None:
    """Replace what the file gives of `existing`. Attempts keep the version they
    showed (their snapshot); an answered question starts a new version. Tags,
    legal references, difficulty and the diacritics setting chosen in the bank
    stay, unless the import says to ignore diacritics."""
    stored = store_files(question, collection) if question.files else {}
    for name, value in _question_fields(question, stored).items():
        setattr(existing, name, value)
    if _diacritics_flag(question, ignore_diacritics):
        existing.ignore_diacritics = True
    existing.save()
    _replace_rows(
        list(existing.choices.order_by("sort_order", "pk")),
        [_choice_fields(choice, stored) for choice in question.choices],
        Choice,
        existing,
    )
    _replace_rows(
        list(existing.pairs.order_by("sort_order", "pk")),
        [_pair_fields(pair, stored) for pair in question.pairs],
        MatchPair,
        existing,
    )


def published_as_imported(question: Question, *, user=None) -> None:
    """Record `question`'s row as its published revision: what an import (or
    a course pack) writes is live at once, as before questions had drafts,
    and an attempt's snapshot can name the revision it shows. A draft waiting
    for review is superseded by the imported content."""
    question = Question.objects.get(pk=question.pk)
    revision = question.save_revision(user=user, log_action=False, clean=False)
    now = timezone.now()
    Question.objects.filter(pk=question.pk).update(
        live=True,
        has_unpublished_changes=False,
        live_revision=revision,
        last_published_at=now,
        first_published_at=Coalesce("first_published_at", Value(now)),
    )
    questions_changed([question.pk])  # live now: random draws may pick it


def _plan(
    questions: list[ParsedQuestion],
    categories: dict[str, QuestionCategory | None],
    default_path: str,
    update: bool,
    by_name: bool = False,
) -> tuple[list[Question | None], list[str]]:
    """For each question, the bank question it updates (or None) and the ID
    number it keeps. As in Moodle, an ID number is unique in its category: a
    new question whose ID number is taken there (in the bank or earlier in the
    file) is imported without it. With `by_name`, a question without an ID
    number updates the question of its category with the same name and no ID
    number (the n-th such question for the n-th of the file)."""
    matches: list[Question | None] = []
    idnumbers: list[str] = []
    seen: set[tuple[str, str]] = set()
    unnamed: dict[tuple[str, str], int] = {}
    for question in questions:
        path = question.category or default_path
        category = categories.get(path)
        idnumber = question.idnumber[:100]
        existing = None
        if idnumber and (path, idnumber) in seen:
            idnumber = ""
        elif idnumber and category is not None:
            existing = Question.objects.filter(
                category=category, idnumber=idnumber
            ).first()
        elif by_name and category is not None:
            occurrence = unnamed.get((path, question.name), 0)
            unnamed[(path, question.name)] = occurrence + 1
            existing = (
                Question.objects.filter(
                    category=category, idnumber="", name=question.name[:255]
                )
                .order_by("pk")[occurrence : occurrence + 1]
                .first()
            )
        if idnumber:
            seen.add((path, idnumber))
        if existing is not None and not update:
            existing, idnumber = None, ""
        matches.append(existing)
        idnumbers.append(idnumber)
    return matches, idnumbers


def questions_import(
    *,
    data: bytes,
    fmt: str,
    category_path: str = "",
    skip_unsupported: bool = False,
    dry_run: bool = False,
    school=None,
    update: bool = False,
    ignore_diacritics: bool = False,
    match_by_name: bool = False,
    user=None,
    publish: bool = True,
) -> ImportReport:
    """Parse and (unless `dry_run`) create every question, or none of them.

    With `ignore_diacritics`, the imported short answers ignore Vietnamese
    diacritics whatever their category or quiz says; without it they follow
    their category, then the quiz.

    Categories are found or created under `school` (None: the Department
    library); who may import there is `quizzes.policies.may_act_on_owner`.
    With `update`, a question whose ID number a question of its category
    already has replaces that question instead of being added beside it, and
    categories are found by their ID number first; with `match_by_name` too,
    a question without an ID number replaces the one of the same name (course
    packs: importing a pack again updates what it made).

    What is saved is published (`published_as_imported`, revisions by `user`),
    unless `publish` is False (a caller that still changes the questions
    publishes them itself): importing is for those who may publish there.
    """
    if fmt not in FORMATS:
        raise ImportRefused([Problem(0, _("Unknown format %(fmt)s.") % {"fmt": fmt})])
    result: ParseResult = parse(data, fmt)
    if result.unsupported and not skip_unsupported:
        raise ImportRefused(result.unsupported)
    if problems := import_problems(result.questions):
        raise ImportRefused(problems)
    default_path = category_path or _("Imported")
    report = ImportReport(questions=result.questions, skipped=list(result.unsupported))
    report.categories = sorted({q.category or default_path for q in result.questions})
    report.empty_categories = sorted(set(result.categories) - set(report.categories))

    def resolve(path: str, create: bool) -> QuestionCategory | None:
        return _category_resolve(
            path,
            school=school,
            described=result.categories,
            by_idnumber=update,
            create=create,
        )

    if dry_run:
        found = {path: resolve(path, create=False) for path in report.categories}
        report.matches, _idnumbers = _plan(
            result.questions, found, default_path, update, match_by_name
        )
        return report
    with transaction.atomic():
        categories = {path: resolve(path, create=True) for path in report.categories}
        for path, described in result.categories.items():
            _describe(resolve(path, create=True), described)
        report.matches, idnumbers = _plan(
            result.questions, categories, default_path, update, match_by_name
        )
        collection = (
            school_collection(school)
            if any(question.files for question in result.questions)
            else None
        )
        for question, existing, idnumber in zip(
            result.questions, report.matches, idnumbers, strict=True
        ):
            if existing is not None:
                _update(existing, question, collection, ignore_diacritics)
                report.saved.append(existing)
                report.updated += 1
            else:
                path = question.category or default_path
                created = _create(
                    question,
                    categories[path],
                    collection,
                    idnumber,
                    ignore_diacritics=ignore_diacritics,
                )
                report.saved.append(created)
                report.created += 1
        if publish:
            for saved in report.saved:
                published_as_imported(saved, user=user)
    return report

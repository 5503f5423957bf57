"""The quizzes of a course pack and the question categories they use.

Export writes one `quizzes/NN-<slug>.yaml` per quiz step (NN: its place among
the course's steps) with the quiz's own settings, its fixed questions
(`slots`) and random draws (`draws`), and one `questions/<n>-<slug>.xml`
(Moodle XML, `quizzes.exporting.category_export`) per category they use.
Nothing is written to the database on export.

Import checks every quiz file and question file before anything is written
(`import_plan`), then (`import_apply`) imports the questions into the
catalogue owner's bank with update-by-ID-number semantics (attempts keep the
questions they showed: their snapshots) and creates or updates the quiz pages
in place, matched by slug.

A fixed question is named by its category path and ID number; without an ID
number, by its name and, when several questions of the category share that
name, its place among them (`number`, 1-based, in the category's order).
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from courses.packs import legal, richtext
from courses.packs.container import PackError
from courses.packs.sections import ExportContext, ImportContext, Section
from lms.slugs import ascii_slug

from .content import questions_changed
from .exporting import ExportRefused, category_export
from .formats import parse
from .import_files import recording_stored_files
from .importing import (
    ImportRefused,
    _category_resolve,
    published_as_imported,
    questions_import,
)
from .models import (
    Difficulty,
    Question,
    QuestionCategory,
    QuizPage,
    QuizRandomDraw,
    QuizSlot,
)

# Rows never ordered by hand have no sort order: first, on every database
# (SQLite puts NULL first and PostgreSQL last), so a pack is the same bytes.
IN_ORDER = F("sort_order").asc(nulls_first=True)

FOLDER = "quizzes/"
QUESTIONS = "questions/"
# A school's timetable, not the course's, and the cache's bookkeeping
# (quizzes.content): never in a pack.
NOT_EXPORTED = {"opens_at", "closes_at", "content_version"}
RICH_TEXT_FIELDS = {"intro", "success_text", "failure_text"}
SLOT_KEYS = {"category", "idnumber", "name", "number"}
DRAW_KEYS = {"category", "count", "legal_reference"}
TAGS = f"{QUESTIONS}tags.yaml"
TAG_KEYS = SLOT_KEYS | {"difficulty", "legal_references", "principles"}


def setting_fields() -> list:
    """QuizPage's own settings, in the order the model declares them."""
    return [
        field
        for field in QuizPage._meta.concrete_fields
        if field.model is QuizPage
        and field.name not in NOT_EXPORTED
        and not field.name.endswith("_ptr")
    ]


# -- Export ------------------------------------------------------------------


def _slot_entry(question, siblings: list) -> dict:
    entry = {"category": question.category.full_path}
    if question.idnumber:
        entry["idnumber"] = question.idnumber
        return entry
    entry["name"] = question.name
    same = [
        other.pk
        for other in siblings
        if not other.idnumber and other.name == question.name
    ]
    if len(same) > 1:
        entry["number"] = same.index(question.pk) + 1
    return entry


def export_section(course, context: ExportContext):
    """Write the course's quizzes and their questions; nothing for course.yaml."""
    children = list(course.get_children().order_by("path").values_list("pk", flat=True))
    quizzes = QuizPage.objects.child_of(course).order_by("path")
    # category id -> with sub-categories?
    used: dict[int, bool] = {}
    categories: dict[int, QuestionCategory] = {}
    for quiz in quizzes:
        position = children.index(quiz.pk) + 1
        data = {"title": quiz.title, "slug": quiz.slug}
        for field in setting_fields():
            value = field.value_from_object(quiz)
            if field.name in RICH_TEXT_FIELDS:
                value = richtext.to_pack(value or "", context)
            data[field.name] = value
        slots = []
        for slot in quiz.slots.select_related("question__category").order_by(
            "sort_order", "pk"
        ):
            question = slot.question
            siblings = list(question.category.questions.order_by("pk"))
            slots.append(_slot_entry(question, siblings))
            categories[question.category_id] = question.category
            used.setdefault(question.category_id, False)
        draws = []
        for draw in quiz.draws.select_related(
            "category", "legal_reference__document"
        ).order_by(IN_ORDER, "pk"):
            draws.append(
                {
                    "category": draw.category.full_path,
                    "count": draw.count,
                    "legal_reference": legal.export_reference(
                        context, draw.legal_reference
                    ),
                }
            )
            categories[draw.category_id] = draw.category
            # A draw takes the questions of the category and its sub-categories.
            used[draw.category_id] = True
        data["slots"] = slots
        data["draws"] = draws
        path = f"{FOLDER}{position:02d}-{quiz.slug}.yaml"
        context.writer.add_yaml(path, data)
        context.step_files[quiz.pk] = path
    _export_questions(categories, used, context)
    return None


def _export_questions(categories: dict, used: dict, context: ExportContext) -> None:
    whole = [categories[pk].full_path for pk, subs in used.items() if subs]

    def inside_another(category) -> bool:
        return any(
            category.full_path.startswith(f"{path}/")
            or (category.full_path == path and not used[category.pk])
            for path in whole
        )

    chosen = sorted(
        (c for c in categories.values() if not inside_another(c)),
        key=lambda c: c.full_path,
    )
    for number, category in enumerate(chosen, start=1):
        try:
            text = category_export(
                category=category,
                fmt="moodlexml",
                with_subcategories=used[category.pk],
            )
        except ExportRefused as refused:
            raise PackError(
                f"{QUESTIONS}{category.full_path}",
                "; ".join(problem.message for problem in refused.problems),
            ) from None
        slug = ascii_slug(category.full_path.replace("/", " ")) or "category"
        context.writer.add_text(f"{QUESTIONS}{number}-{slug}.xml", text)
    tags = [
        row
        for category in chosen
        for row in _tag_rows(category, used[category.pk], context)
    ]
    if tags:
        context.writer.add_yaml(TAGS, {"questions": tags})


def _tag_rows(category, with_subcategories: bool, context: ExportContext):
    """What Moodle XML does not carry: each question's difficulty, legal
    references (random draws choose by them) and code-of-conduct principles."""
    categories = category.descendants_and_self() if with_subcategories else [category]
    questions = (
        Question.objects.filter(category__in=categories)
        .select_related("category")
        .prefetch_related("legal_references__document", "principles")
        .order_by("category__full_path", "pk")
    )
    siblings: dict[int, list] = {}
    for question in questions:
        references = sorted(
            legal.export_reference(context, reference)
            for reference in question.legal_references.all()
        )
        principles = sorted(p.name for p in question.principles.all())
        if not (references or principles or question.difficulty):
            continue
        if question.category_id not in siblings:
            siblings[question.category_id] = list(
                question.category.questions.order_by("pk")
            )
        row = _slot_entry(question, siblings[question.category_id])
        if question.difficulty:
            row["difficulty"] = question.difficulty
        if references:
            row["legal_references"] = references
        if principles:
            row["principles"] = principles
        yield row


# -- Import ------------------------------------------------------------------


def _refuse(entry: str, field: str, message: str):
    raise PackError(
        entry, _("%(field)s: %(message)s") % {"field": field, "message": message}
    )


def _check_quiz(entry: str, data) -> dict:
    """The quiz file's settings, cleaned by the model's own fields."""
    if not isinstance(data, dict):
        raise PackError(entry, _("A quiz file must be a mapping of settings."))
    fields = {field.name: field for field in setting_fields()}
    known = {"title", "slug", "slots", "draws", *fields}
    for key in data:
        if key not in known:
            _refuse(entry, str(key), _("This setting is unknown."))
    for key in ("title", "slug"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            _refuse(entry, key, _("This value is required."))
    if not re.fullmatch(r"[-\w]+", data["slug"]):
        _refuse(entry, "slug", _("A slug has only letters, digits and hyphens."))
    cleaned = {"title": data["title"].strip()[:255], "slug": data["slug"]}
    for name, field in fields.items():
        if name not in data:
            continue
        value = data[name]
        if field.get_internal_type() == "BooleanField" and not isinstance(value, bool):
            _refuse(entry, name, _("Write true or false."))
        if value is None and not field.null:
            value = "" if field.blank else value
        try:
            cleaned[name] = field.clean(value, None)
        except ValidationError as error:
            _refuse(entry, name, " ".join(error.messages))
    cleaned["slots"] = _check_rows(entry, "slots", data.get("slots"), SLOT_KEYS)
    cleaned["draws"] = _check_rows(entry, "draws", data.get("draws"), DRAW_KEYS)
    for index, draw in enumerate(cleaned["draws"], start=1):
        where = f"draws {index}"
        count = draw.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            _refuse(entry, where, _("The count must be a whole number above 0."))
        if not isinstance(draw.get("category"), str) or not draw["category"]:
            _refuse(entry, where, _("The category is missing."))
        reference = draw.get("legal_reference")
        if reference is not None and not _parse_key(reference):
            _refuse(entry, where, _("This legal reference is not a reference key."))
    for index, slot in enumerate(cleaned["slots"], start=1):
        where = f"slots {index}"
        if not isinstance(slot.get("category"), str) or not slot["category"]:
            _refuse(entry, where, _("The category is missing."))
        if not slot.get("idnumber") and "name" not in slot:
            _refuse(entry, where, _("Name the question by its ID number or name."))
    return cleaned


def _check_rows(entry: str, name: str, rows, keys: set) -> list[dict]:
    if rows is None:
        return []
    if not isinstance(rows, list):
        _refuse(entry, name, _("This must be a list."))
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            _refuse(entry, f"{name} {index}", _("This must be a mapping."))
        for key in row:
            if key not in keys:
                _refuse(
                    entry, f"{name} {index}", _("%(key)s is unknown.") % {"key": key}
                )
    return rows


def _parse_key(key) -> tuple[str, str] | None:
    if not isinstance(key, str) or " Điều " not in key:
        return None
    number, article = key.rsplit(" Điều ", 1)
    return (
        (number.strip(), article.strip())
        if number.strip() and article.strip()
        else None
    )


def _question_files(context: ImportContext) -> list[str]:
    return [name for name in context.pack.names("questions") if name.endswith(".xml")]


def _questions_check(name: str, context: ImportContext):
    data = context.pack.bytes(name)
    try:
        return questions_import(
            data=data,
            fmt="moodlexml",
            dry_run=True,
            school=context.school,
            update=True,
            match_by_name=True,
        )
    except ImportRefused as refused:
        problem = refused.problems[0]
        raise PackError(
            name,
            _("line %(line)s: %(message)s")
            % {"line": problem.line, "message": problem.message},
        ) from None


def _slot_index(slot: dict, parsed: list) -> int | None:
    """The position, among a pack's parsed questions, of the one a slot names."""
    in_category = [
        (index, question)
        for index, question in enumerate(parsed)
        if question.category == slot["category"]
    ]
    if slot.get("idnumber"):
        for index, question in in_category:
            if question.idnumber == slot["idnumber"]:
                return index
        return None
    same = [
        index
        for index, question in in_category
        if not question.idnumber and question.name == (slot.get("name") or "")
    ]
    number = slot.get("number") or 1
    return (
        same[number - 1]
        if isinstance(number, int) and 0 < number <= len(same)
        else None
    )


def _quiz_paths(context: ImportContext) -> list[str]:
    return [path for path in context.step_paths if path.startswith(FOLDER)]


def _existing(slug: str, context: ImportContext):
    if context.course is None:
        return None
    return QuizPage.objects.child_of(context.course).filter(slug=slug).first()


def _plan(context: ImportContext):
    """Everything checked: (quiz path, cleaned settings) pairs and the parsed
    questions of every question file."""
    parsed = []
    question_files = []
    for name in _question_files(context):
        report = _questions_check(name, context)
        question_files.append((name, report))
        parsed.extend(report.questions)
    categories = {question.category for question in parsed}
    for name in _question_files(context):
        categories |= set(parse(context.pack.bytes(name), "moodlexml").categories)
    tags = _check_tags(context, parsed)
    quizzes = []
    for path in _quiz_paths(context):
        cleaned = _check_quiz(
            path, context.pack.yaml(path, referred_from="course.yaml")
        )
        for index, slot in enumerate(cleaned["slots"], start=1):
            if _slot_index(slot, parsed) is None:
                _refuse(
                    path,
                    f"slots {index}",
                    _("The pack's question files have no such question."),
                )
        for index, draw in enumerate(cleaned["draws"], start=1):
            if draw["category"] not in categories:
                _refuse(
                    path,
                    f"draws {index}",
                    _("The pack's question files have no such category."),
                )
            legal.check_reference(
                context, draw.get("legal_reference"), referred_from=path
            )
        for name in RICH_TEXT_FIELDS & set(cleaned):
            richtext.check(cleaned[name], context, where=f"{path}, {name}")
        _check_slug(path, cleaned["slug"], quizzes, context)
        quizzes.append((path, cleaned))
    return quizzes, question_files, parsed, tags


def _check_tags(context: ImportContext, parsed: list) -> list[tuple[int, dict]]:
    """questions/tags.yaml checked: (index among the parsed questions, row)."""
    if not context.pack.has(TAGS):
        return []
    data = context.pack.yaml(TAGS)
    if not isinstance(data, dict) or set(data) - {"questions"}:
        raise PackError(TAGS, _("This must be a mapping."))
    found = []
    rows = _check_rows(TAGS, "questions", data.get("questions"), TAG_KEYS)
    for number, row in enumerate(rows, start=1):
        where = f"questions {number}"
        index = (
            _slot_index(row, parsed) if isinstance(row.get("category"), str) else None
        )
        if index is None:
            _refuse(TAGS, where, _("The pack's question files have no such question."))
        if row.get("difficulty") not in (None, *Difficulty.values):
            _refuse(TAGS, where, _("Unknown difficulty."))
        for key in ("legal_references", "principles"):
            values = row.get(key) or []
            if not isinstance(values, list) or not all(
                isinstance(value, str) and value for value in values
            ):
                _refuse(TAGS, f"{where}, {key}", _("This must be a list."))
        for key in row.get("legal_references") or []:
            legal.check_reference(context, key, referred_from=TAGS)
        found.append((index, row))
    return found


def _check_slug(path: str, slug: str, planned: list, context: ImportContext):
    """A quiz never takes the place of another step: its slug is free in the
    course, or a quiz's (which it updates), and no other quiz file has it."""
    taken = any(cleaned["slug"] == slug for _path, cleaned in planned)
    if not taken and context.course is not None:
        other = context.course.get_children().filter(slug=slug).first()
        taken = other is not None and other.specific_class is not QuizPage
    if taken:
        _refuse(path, "slug", _("Another step of the course has this slug."))


def import_plan(data, context: ImportContext) -> None:
    quizzes, question_files, _parsed, _tags = _plan(context)
    for name, report in question_files:
        action = "update" if any(report.matches) else "new"
        context.items.append(("questions", name, action))
    for _path, cleaned in quizzes:
        action = "update" if _existing(cleaned["slug"], context) else "new"
        context.items.append(("quiz", cleaned["title"], action))


def import_apply(data, context: ImportContext) -> None:
    quizzes, _question_files_, _parsed, tags = _plan(context)
    saved = []
    described = {}
    for name in _question_files(context):
        file_data = context.pack.bytes(name)
        # Pictures and sounds the questions carry: deleted again if the
        # import fails (ImportContext.stored_files).
        with recording_stored_files(context.stored_files):
            report = questions_import(
                data=file_data,
                fmt="moodlexml",
                school=context.school,
                update=True,
                match_by_name=True,
                publish=False,
            )
        saved.extend(zip(report.questions, report.saved, strict=True))
        described.update(parse(file_data, "moodlexml").categories)
    parsed = [question for question, _bank in saved]
    # The pack's tags are the questions' tags: a question it lists without
    # tags has none.
    rows = dict(tags)
    for index, (_question, bank) in enumerate(saved):
        _apply_tags(bank, rows.get(index, {}), context)
        # Live at once, tags included, as the questions were before drafts.
        published_as_imported(bank, user=context.user)
    # First every quiz page exists (so links between steps resolve), then
    # each gets its texts, questions and a new revision.
    pages = [_page_for(cleaned, context) for _path, cleaned in quizzes]
    for (path, cleaned), quiz in zip(quizzes, pages, strict=True):
        for name in RICH_TEXT_FIELDS & set(cleaned):
            setattr(
                quiz,
                name,
                richtext.from_pack(cleaned[name], context, where=f"{path}, {name}"),
            )
        quiz.slots = [
            QuizSlot(question=saved[_slot_index(slot, parsed)][1], sort_order=index)
            for index, slot in enumerate(cleaned["slots"])
        ]
        quiz.draws = [
            QuizRandomDraw(
                category=_category_resolve(
                    draw["category"],
                    school=context.school,
                    described=described,
                    by_idnumber=True,
                    create=True,
                ),
                count=draw["count"],
                legal_reference=legal.import_reference(
                    context, draw.get("legal_reference"), referred_from=path
                ),
                sort_order=index,
            )
            for index, draw in enumerate(cleaned["draws"])
        ]
        revision = quiz.save_revision(user=context.user)
        if context.publish:
            revision.publish(user=context.user)


def _apply_tags(question, row: dict, context: ImportContext) -> None:
    """The pack's tags replace the question's (not a new version: tags are
    not what an attempt showed)."""
    from courses.models import ConductPrinciple

    Question.objects.filter(pk=question.pk).update(
        difficulty=row.get("difficulty") or ""
    )
    through = Question.legal_references.through
    through.objects.filter(question=question).delete()
    through.objects.bulk_create(
        through(
            question=question,
            legalreference=legal.import_reference(context, key, referred_from=TAGS),
        )
        for key in row.get("legal_references") or []
    )
    through = Question.principles.through
    through.objects.filter(question=question).delete()
    through.objects.bulk_create(
        through(
            question=question,
            conductprinciple=ConductPrinciple.objects.get_or_create(name=name)[0],
        )
        for name in row.get("principles") or []
    )
    # bulk_create sends no signal: draws by legal article (quizzes.content).
    questions_changed([question.pk])


def _page_for(cleaned: dict, context: ImportContext) -> QuizPage:
    """The course's quiz of that slug with the pack's settings (not saved), or
    a new one (saved, without its texts yet); registered as a step."""
    settings = {
        name: value
        for name, value in cleaned.items()
        if name not in ("slots", "draws", *RICH_TEXT_FIELDS)
    }
    quiz = _existing(cleaned["slug"], context)
    if quiz is None:
        quiz = QuizPage(live=bool(context.publish), **settings)
        context.course.add_child(instance=quiz)
    else:
        for name, value in settings.items():
            setattr(quiz, name, value)
        quiz.draft_title = quiz.title
    context.steps[quiz.slug] = quiz
    return quiz


def section() -> Section:
    return Section(
        name="quizzes",
        order=20,
        export_section=export_section,
        import_plan=import_plan,
        import_apply=import_apply,
    )

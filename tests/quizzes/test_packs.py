"""The quizzes section of a course pack: quiz settings, slots, draws and the
question categories they use, out to a pack and back (issue 22)."""

from decimal import Decimal

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import ConductPrinciple, LegalDocument, LegalReference
from courses.packs import legal
from courses.packs.container import PackError, PackReader, PackWriter
from courses.packs.sections import ExportContext, ImportContext, sections
from courses.packs.services import export_course, import_course, read_pack
from quizzes import packs
from quizzes.models import (
    Question,
    QuestionCategory,
    QuestionType,
    QuizAttempt,
    QuizGrade,
    QuizPage,
    QuizRandomDraw,
    QuizSlot,
)
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import SchoolFactory, UserFactory
from tests.quizzes.factories import QuizPageFactory
from tests.quizzes.test_export_roundtrip import _bank

SETTINGS = {
    "intro": "<p>Làm bài <b>cẩn thận</b>.</p>",
    "required": False,
    "pass_mark": 80,
    "time_limit_minutes": 15,
    "attempts_allowed": 3,
    "grading_method": "average",
    "delay_minutes": 5,
    "layout": "per_question",
    "feedback_timing": "each_question",
    "ignore_diacritics": True,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "review_score": False,
    "review_right_wrong": False,
    "review_correct_answers": True,
    "review_feedback": False,
    "closed_review_correct_answers": False,
    "success_text": "<p>Chúc mừng!</p>",
    "failure_text": "<p>Hãy ôn lại bài.</p>",
}


@pytest.fixture
def source(site_root):
    """A library course: a lesson, then a quiz using every question type."""
    catalogue = CourseIndexPageFactory(parent=site_root, slug="thu-vien")
    course = CoursePageFactory(parent=catalogue, slug="an-ninh-mang")
    LessonPageFactory(parent=course, slug="bai-mot")
    top = _bank(with_files=True)
    sub = top.children.get()
    document = LegalDocument.objects.create(number="116/2025/QH15", title="Luật ANM")
    reference = LegalReference.objects.create(document=document, article="2")
    plain = QuestionCategory.objects.create(name="Không mã")
    twins = [
        Question.objects.create(
            category=plain, qtype="essay", name="Cùng tên", text=f"<p>Câu {n}</p>"
        )
        for n in (1, 2)
    ]
    quiz = QuizPageFactory(
        parent=course, slug="kiem-tra", title="Bài kiểm tra", **SETTINGS
    )
    quiz.opens_at = quiz.closes_at = None
    fixed = Question.objects.get(idnumber="id-Điền từ")
    # Tags Moodle XML does not carry (a draw chooses by legal reference).
    Question.objects.filter(pk=fixed.pk).update(difficulty="hard")
    Question.legal_references.through.objects.create(
        question=fixed, legalreference=reference
    )
    Question.principles.through.objects.create(
        question=twins[0],
        conductprinciple=ConductPrinciple.objects.create(name="Tôn trọng"),
    )
    for index, question in enumerate([fixed, twins[1]]):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=index)
    QuizRandomDraw.objects.create(quiz=quiz, category=top, count=2, sort_order=0)
    QuizRandomDraw.objects.create(
        quiz=quiz, category=sub, count=1, legal_reference=reference, sort_order=1
    )
    return course


def _export(course) -> PackWriter:
    writer = PackWriter()
    context = ExportContext(course=course, writer=writer)
    packs.export_section(course, context)
    legal_data = legal.export_legal(context)
    if legal_data:
        writer.add_yaml("legal.yaml", legal_data)
    writer.step_files = context.step_files
    return writer


def _reader(entries: dict[str, bytes]) -> PackReader:
    writer = PackWriter()
    for name, data in entries.items():
        writer.add_bytes(name, data)
    return PackReader.open(writer.finish(pack_id="pack-1", title="T", source={}))


def _target(site_root, code="T01"):
    school = SchoolFactory(code=code)
    catalogue = CourseIndexPageFactory(
        parent=site_root, slug=f"truong-{code.lower()}", school=school
    )
    course = CoursePageFactory(parent=catalogue, slug="an-ninh-mang")
    LessonPageFactory(parent=course, slug="bai-mot")
    return course


def _import(reader: PackReader, course, **kwargs) -> ImportContext:
    context = ImportContext(
        pack=reader,
        catalogue=course.get_parent().specific,
        course=course,
        step_paths=reader.names("quizzes"),
        **kwargs,
    )
    packs.import_plan(None, context)
    packs.import_apply(None, context)
    return context


def test_the_quizzes_section_is_registered_after_the_course():
    found = [section for section in sections() if section.name == "quizzes"]
    assert [section.order for section in found] == [20]


def test_a_quiz_with_every_setting_and_question_type_comes_back_the_same(
    source, site_root
):
    exported = _export(source)
    quiz_file = "quizzes/02-kiem-tra.yaml"
    assert exported.step_files == {QuizPage.objects.get(slug="kiem-tra").pk: quiz_file}
    data = yaml.safe_load(exported.entries[quiz_file])
    assert {name: data[name] for name in SETTINGS} == SETTINGS
    assert "opens_at" not in data and "closes_at" not in data
    assert data["slots"] == [
        {"category": "Tiếng Anh/Lớp 6", "idnumber": "id-Điền từ"},
        {"category": "Không mã", "name": "Cùng tên", "number": 2},
    ]
    assert data["draws"] == [
        {"category": "Tiếng Anh", "count": 2, "legal_reference": None},
        {
            "category": "Tiếng Anh/Lớp 6",
            "count": 1,
            "legal_reference": "116/2025/QH15 Điều 2",
        },
    ]
    # The slot's category lies inside a drawn one: one file holds both.
    assert sorted(exported.entries) == [
        "legal.yaml",
        "questions/1-khong-ma.xml",
        "questions/2-tieng-anh.xml",
        "questions/tags.yaml",
        quiz_file,
    ]
    assert yaml.safe_load(exported.entries["questions/tags.yaml"]) == {
        "questions": [
            {
                "category": "Không mã",
                "name": "Cùng tên",
                "number": 1,
                "principles": ["Tôn trọng"],
            },
            {
                "category": "Tiếng Anh/Lớp 6",
                "idnumber": "id-Điền từ",
                "difficulty": "hard",
                "legal_references": ["116/2025/QH15 Điều 2"],
            },
        ]
    }
    xml = exported.entries["questions/2-tieng-anh.xml"].decode()
    for qtype in QuestionType.values:
        assert f'type="{_moodle_type(qtype)}"' in xml

    target = _target(site_root)
    context = _import(_reader(exported.entries), target)

    quiz = QuizPage.objects.child_of(target).get()
    assert context.steps == {"kiem-tra": quiz}
    assert quiz.live
    assert ("quiz", "Bài kiểm tra", "new") in context.items
    assert ("questions", "questions/2-tieng-anh.xml", "new") in context.items
    # The questions went into the target school's bank.
    assert quiz.draws.first().category.school == target.get_parent().specific.school
    assert quiz.draws.last().legal_reference == LegalReference.objects.get()
    tagged = quiz.slots.first().question
    assert tagged.difficulty == "hard"
    assert list(tagged.legal_references.all()) == [LegalReference.objects.get()]
    again = _export(target)
    assert again.entries == exported.entries


def _moodle_type(qtype: str) -> str:
    return {
        "single_choice": "multichoice",
        "multiple_choice": "multichoice",
        "true_false": "truefalse",
        "short_answer": "shortanswer",
        "matching": "matching",
        "essay": "essay",
    }[qtype]


def test_a_fixed_question_takes_only_its_own_category(site_root):
    catalogue = CourseIndexPageFactory(parent=site_root, slug="thu-vien")
    course = CoursePageFactory(parent=catalogue)
    top = QuestionCategory.objects.create(name="Gốc")
    sub = QuestionCategory.objects.create(name="Con", parent=top)
    fixed = Question.objects.create(category=top, qtype="essay", text="<p>A</p>")
    Question.objects.create(category=sub, qtype="essay", text="<p>Câu con</p>")
    quiz = QuizPageFactory(parent=course, slug="kt")
    QuizSlot.objects.create(quiz=quiz, question=fixed)

    exported = _export(course)

    xml = exported.entries["questions/1-goc.xml"].decode()
    assert "Câu con" not in xml
    assert yaml.safe_load(exported.entries["quizzes/01-kt.yaml"])["slots"] == [
        {"category": "Gốc", "name": ""}
    ]


def test_exporting_writes_nothing_to_the_database(source):
    with CaptureQueriesContext(connection) as queries:
        _export(source)
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []


def _with(entries: dict, name: str, change) -> dict:
    changed = dict(entries)
    changed[name] = change(entries[name])
    return changed


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("shuffle_everything", True, "shuffle_everything"),
        ("grading_method", "best", "grading_method"),
        ("pass_mark", 120, "pass_mark"),
        ("review_score", "maybe", "review_score"),
    ],
)
def test_a_bad_quiz_setting_is_refused_naming_the_file_and_the_field(
    source, site_root, key, value, field
):
    exported = _export(source)

    def bad(data):
        settings = yaml.safe_load(data)
        settings[key] = value
        return yaml.safe_dump(settings, allow_unicode=True).encode()

    reader = _reader(_with(exported.entries, "quizzes/02-kiem-tra.yaml", bad))
    target = _target(site_root)
    questions = Question.objects.count()

    with pytest.raises(PackError) as refused:
        _import(reader, target)

    assert refused.value.entry == "quizzes/02-kiem-tra.yaml"
    assert field in refused.value.message
    assert Question.objects.count() == questions
    assert not QuizPage.objects.child_of(target).exists()


def test_a_slot_the_question_files_do_not_hold_is_refused(source, site_root):
    exported = _export(source)

    def bad(data):
        settings = yaml.safe_load(data)
        settings["slots"][0]["idnumber"] = "khong-co"
        return yaml.safe_dump(settings, allow_unicode=True).encode()

    reader = _reader(_with(exported.entries, "quizzes/02-kiem-tra.yaml", bad))
    with pytest.raises(PackError) as refused:
        _import(reader, _target(site_root))
    assert refused.value.entry == "quizzes/02-kiem-tra.yaml"
    assert "slots 1" in refused.value.message


def test_a_broken_question_file_is_refused_naming_the_file_and_the_line(
    source, site_root
):
    exported = _export(source)

    def bad(data):
        return data.replace(b'type="essay"', b'type="calculated"', 1)

    reader = _reader(_with(exported.entries, "questions/2-tieng-anh.xml", bad))
    questions = Question.objects.count()

    with pytest.raises(PackError) as refused:
        _import(reader, _target(site_root))

    assert refused.value.entry == "questions/2-tieng-anh.xml"
    assert "dòng" in str(refused.value) or "line" in str(refused.value)
    assert Question.objects.count() == questions


def test_importing_again_keeps_attempts_grades_and_their_snapshots(source, site_root):
    target = _target(site_root)
    _import(_reader(_export(source).entries), target)
    quiz = QuizPage.objects.child_of(target).get()
    question = quiz.slots.first().question
    Question.objects.filter(pk=question.pk).update(answered=True)  # shown once
    learner = UserFactory(username="hs1")
    snapshot = [{"question_id": question.pk, "text": question.text, "version": 1}]
    attempt = QuizAttempt.objects.create(
        user=learner,
        quiz=quiz,
        quiz_title=quiz.title,
        number=1,
        state="finished",
        snapshot=snapshot,
        percent=Decimal("90"),
        passed=True,
    )
    QuizGrade.objects.create(user=learner, quiz=quiz, percent=90, passed=True)
    # The source is corrected, then the pack is imported again.
    source_question = Question.objects.get(category__school=None, idnumber="id-Điền từ")
    source_question.text = "<p>Điền vào chỗ trống: ____ morning!</p>"
    source_question.save()
    # ... and loses its tags: the pack's tags file no longer lists it.
    Question.objects.filter(pk=source_question.pk).update(difficulty="")
    Question.legal_references.through.objects.filter(question=source_question).delete()
    source_quiz = QuizPage.objects.child_of(source).get()
    source_quiz.pass_mark = 85
    source_quiz.save()

    context = _import(_reader(_export(source).entries), target)

    assert ("quiz", "Bài kiểm tra", "update") in context.items
    quiz = QuizPage.objects.child_of(target).get()
    assert quiz.pass_mark == 85
    assert quiz.slots.first().question_id == question.pk
    question.refresh_from_db()
    assert "chỗ trống" in question.text
    assert question.difficulty == ""
    assert not question.legal_references.exists()
    assert question.version == 2
    attempt.refresh_from_db()
    assert attempt.quiz_id == quiz.pk and attempt.snapshot == snapshot
    assert QuizGrade.objects.get(user=learner).quiz_id == quiz.pk
    # Nothing was added beside what the first import made.
    assert Question.objects.filter(category__school__code="T01").count() == 8


def test_a_quiz_never_takes_the_place_of_a_lesson_with_its_slug(source, site_root):
    exported = _export(source)
    target = _target(site_root)
    LessonPageFactory(parent=target, slug="kiem-tra")

    with pytest.raises(PackError) as refused:
        _import(_reader(exported.entries), target)

    assert refused.value.entry == "quizzes/02-kiem-tra.yaml"
    assert "slug" in refused.value.message
    assert not QuizPage.objects.child_of(target).exists()


def test_a_pack_imported_as_draft_leaves_the_quiz_unpublished(source, site_root):
    target = _target(site_root)

    _import(_reader(_export(source).entries), target, publish=False)

    quiz = QuizPage.objects.child_of(target).get()
    assert not quiz.live
    assert quiz.latest_revision is not None


def _without_source(pack: bytes) -> dict:
    reader = PackReader.open(pack)
    manifest = dict(reader.manifest)
    manifest.pop("source")
    return {**reader.entries, "manifest.json": manifest}


def test_a_course_pack_with_its_quiz_comes_back_the_same(source, site_root):
    """export_course -> import_course into another school's catalogue ->
    export_course gives the same pack (but the manifest's source)."""
    lesson = source.get_children().get(slug="bai-mot")
    quiz = QuizPage.objects.child_of(source).get()
    quiz.intro = f'<p>Đọc lại <a linktype="page" id="{lesson.pk}">bài một</a>.</p>'
    quiz.save_revision().publish()
    pack = export_course(source)
    data = yaml.safe_load(PackReader.open(pack).entries["quizzes/02-kiem-tra.yaml"])
    assert '<a linktype="step" slug="bai-mot"' in data["intro"]
    catalogue = CourseIndexPageFactory(
        parent=site_root, slug="truong-b", school=SchoolFactory(code="B01")
    )

    report = import_course(read_pack(pack), catalogue=catalogue)

    course = report.course
    own_lesson = course.get_children().get(slug="bai-mot")
    copy = QuizPage.objects.child_of(course).get()
    assert f'linktype="page" id="{own_lesson.pk}"' in copy.intro
    assert ("quiz", "Bài kiểm tra", "new") in report.items
    assert _without_source(export_course(course)) == _without_source(pack)


def test_a_bad_question_tag_is_refused_naming_the_tags_file(source, site_root):
    exported = _export(source)

    def bad(data):
        tags = yaml.safe_load(data)
        tags["questions"][1]["difficulty"] = "rất khó"
        return yaml.safe_dump(tags, allow_unicode=True).encode()

    reader = _reader(_with(exported.entries, "questions/tags.yaml", bad))
    questions = Question.objects.count()

    with pytest.raises(PackError) as refused:
        _import(reader, _target(site_root))

    assert refused.value.entry == "questions/tags.yaml"
    assert "questions 2" in refused.value.message
    assert Question.objects.count() == questions


def test_a_dry_run_leaves_no_question_or_picture_behind(source, site_root, settings):
    from pathlib import Path

    pack = export_course(source)
    catalogue = CourseIndexPageFactory(
        parent=site_root, slug="truong-c", school=SchoolFactory(code="C01")
    )
    media = Path(settings.MEDIA_ROOT)
    files = sorted(path for path in media.rglob("*") if path.is_file())
    questions = Question.objects.count()

    report = import_course(read_pack(pack), catalogue=catalogue, dry_run=True)

    assert ("quiz", "Bài kiểm tra", "new") in report.items
    assert Question.objects.count() == questions
    assert sorted(path for path in media.rglob("*") if path.is_file()) == files

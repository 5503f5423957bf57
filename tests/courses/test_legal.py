"""Law that changes: the rule (courses/legal.py), the report of content citing
superseded law, the notice in the lesson editor and the one learners see."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from courses import legal
from courses.blocks import LegalArticleBlock
from courses.models import LegalDocument, LegalReference
from lms.people.models import Role
from lms.people.services import user_groups_sync
from tests.certificates.factories import CertificateTemplateFactory
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2026, 7, 1)
BEFORE = datetime.date(2026, 6, 30)


@pytest.fixture
def old_law():
    new = LegalDocument.objects.create(
        number="116/2025/QH15",
        title="Luật An ninh mạng",
        in_force_from=ENDED,
    )
    old = LegalDocument.objects.create(
        number="24/2018/QH14",
        title="Luật An ninh mạng",
        in_force_from=datetime.date(2019, 1, 1),
        out_of_force_from=ENDED,
        replaced_by=new,
    )
    return LegalReference.objects.create(
        document=old,
        article="8",
        title="Các hành vi bị nghiêm cấm",
        quote="Nghiêm cấm sử dụng không gian mạng để xúc phạm người khác.",
        quote_source="Công báo số 529+530, 2018",
    )


@pytest.fixture
def law_in_force():
    document = LegalDocument.objects.create(number="102/2016/QH13", title="Luật Trẻ em")
    return LegalReference.objects.create(document=document, article="1")


def _legal_block(reference, quote=""):
    return (
        "legal_article",
        {
            "reference": reference,
            "clause": "Khoản 1",
            "quote": quote,
            "quote_source": "",
            "explanation": "",
        },
    )


@pytest.fixture
def lesson_citing(site_root, old_law, law_in_force):
    catalogue = CourseIndexPageFactory(parent=site_root)
    course = CoursePageFactory(parent=catalogue, title="An toàn trên mạng")
    lesson = LessonPageFactory(
        parent=course,
        title="Bài về hành vi bị cấm",
        body=[_legal_block(old_law), _legal_block(law_in_force, quote="Trẻ em…")],
    )
    return lesson


# --- The rule ------------------------------------------------------------------


def test_a_reference_is_superseded_from_the_day_its_document_ends(
    old_law, law_in_force
):
    assert list(legal.superseded_on(BEFORE)) == []
    assert list(legal.superseded_on(ENDED)) == [old_law]
    assert legal.is_superseded(old_law, ENDED)
    assert not legal.is_superseded(law_in_force, ENDED)


def test_the_supersession_names_the_replacing_document_and_its_date(old_law):
    why = legal.supersession(old_law, ENDED)

    assert why.replacement == old_law.document.replaced_by
    assert why.since == ENDED
    assert not why.article


def test_an_article_replaced_by_another_is_superseded_once_the_new_one_applies(
    law_in_force,
):
    later = LegalDocument.objects.create(
        number="1/2030/QH16", title="Luật mới", in_force_from=datetime.date(2030, 1, 1)
    )
    successor = LegalReference.objects.create(document=later, article="3")
    law_in_force.replaced_by = successor
    law_in_force.save()

    assert not legal.is_superseded(law_in_force, datetime.date(2029, 12, 31))
    why = legal.supersession(law_in_force, datetime.date(2030, 1, 1))
    assert (why.replacement, why.article) == (successor, True)
    assert law_in_force in legal.superseded_on(datetime.date(2030, 1, 1))


def test_a_document_ended_without_a_successor_is_superseded_all_the_same():
    document = LegalDocument.objects.create(
        number="15/2020/NĐ-CP", title="Nghị định", out_of_force_from=ENDED
    )
    reference = LegalReference.objects.create(document=document, article="101")

    why = legal.supersession(reference, ENDED)

    assert (why.replacement, why.since) == (None, ENDED)


def test_the_rule_defaults_to_today(old_law, monkeypatch):
    monkeypatch.setattr(legal, "today", lambda: BEFORE)
    assert not legal.superseded_on().exists()
    monkeypatch.setattr(legal, "today", lambda: ENDED)
    assert list(legal.superseded_on()) == [old_law]


def test_old_free_text_citations_are_parsed():
    assert legal.parse_document("Luật An ninh mạng số 24/2018/QH14") == (
        "24/2018/QH14",
        "Luật An ninh mạng",
    )
    number, _title = legal.parse_document(
        "Nghị định số 15/2020/NĐ-CP (được sửa đổi, bổ sung bởi Nghị định "
        "số 14/2022/NĐ-CP)"
    )
    assert number == "15/2020/NĐ-CP"
    assert legal.parse_document("Quyết định số 874/QĐ-BTTTT")[0] == "874/QĐ-BTTTT"
    assert legal.parse_document("Hiến pháp") is None
    assert legal.parse_article("Điều 26") == "26"


# --- Who cites it ------------------------------------------------------------------


def test_citations_find_lessons_questions_and_certificate_templates(
    lesson_citing, old_law, law_in_force
):
    tagged = LessonPageFactory(parent=lesson_citing.get_parent(), title="Bài gắn thẻ")
    tagged.legal_references.add(old_law)
    tagged.save()
    question = QuestionFactory()
    question.legal_references.add(old_law)
    question.save()
    template = CertificateTemplateFactory(body="Đã học Luật An ninh mạng 24/2018/QH14.")
    CertificateTemplateFactory(body="Đã hoàn thành.")

    found = {
        (c.kind, c.obj.pk, c.where)
        for c in legal.citations_of(legal.superseded_on(ENDED))
    }

    assert found == {
        ("lesson", lesson_citing.pk, "block"),
        ("lesson", tagged.pk, "tag"),
        ("question", question.pk, "tag"),
        ("certificate_template", template.pk, "text"),
    }


def test_old_blocks_become_references_in_the_data_migration(old_law):
    from importlib import import_module

    migration = import_module(
        "courses.migrations.0011_legal_article_blocks_point_to_references"
    )
    operation = migration.CitationToReference()
    operation.apps = apps

    known = operation.apply(
        {
            "document": "Luật An ninh mạng số 24/2018/QH14",
            "article": "Điều 8",
            "clause": "Khoản 1",
            "title": "",
            "quote": "Nghiêm cấm …",
            "explanation": "<p>Giải thích</p>",
        }
    )
    new = operation.apply(
        {"document": "Luật Trẻ em số 102/2016/QH13", "article": "Điều 6", "quote": "…"}
    )

    assert known["reference"] == old_law.pk
    assert (known["clause"], known["quote"]) == ("Khoản 1", "Nghiêm cấm …")
    created = LegalReference.objects.get(pk=new["reference"])
    assert (created.document.number, created.article) == ("102/2016/QH13", "6")
    assert operation.apply(known) == known


def test_a_block_without_a_quote_needs_one_on_its_reference(law_in_force, old_law):
    from wagtail.blocks.struct_block import StructBlockValidationError

    block = LegalArticleBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python(_legal_block(law_in_force.pk)[1]))
    block.clean(block.to_python(_legal_block(old_law.pk)[1]))


# --- The learner's notice ---------------------------------------------------------


def test_learners_see_that_a_quoted_law_was_replaced(
    client, lesson_citing, student, monkeypatch
):
    client.force_login(student)
    monkeypatch.setattr(legal, "today", lambda: BEFORE)
    html = client.get(lesson_citing.url).content.decode()
    assert "Nghiêm cấm sử dụng không gian mạng" in html  # the reference's quote
    assert "Công báo số 529+530, 2018" in html
    assert "legal-superseded" not in html

    monkeypatch.setattr(legal, "today", lambda: ENDED)
    html = client.get(lesson_citing.url).content.decode()

    assert html.count('class="legal-superseded"') == 1
    assert (
        "Văn bản này đã được thay thế bởi Luật An ninh mạng 116/2025/QH15 "
        "từ 01/07/2026." in html
    )


# --- Staff: the report and the editor -----------------------------------------------


def _school_admin(username, school):
    user = UserFactory(username=username)
    MembershipFactory(
        user=user, role=Role.SCHOOL_ADMIN, school=school, school_class=None
    )
    user_groups_sync(user=user)
    return user


def test_the_report_finds_the_lesson_once_the_law_has_ended(
    client, superuser, lesson_citing, monkeypatch
):
    client.force_login(superuser)
    url = reverse("lms_courses_superseded_law")

    monkeypatch.setattr(legal, "today", lambda: BEFORE)
    assert lesson_citing.title not in client.get(url).content.decode()

    monkeypatch.setattr(legal, "today", lambda: ENDED)
    today = client.get(url).content.decode()
    chosen = client.get(url, {"on": "2026-06-01"}).content.decode()

    assert "Nội dung trích dẫn văn bản hết hiệu lực" in today
    assert lesson_citing.title in today
    assert reverse("wagtailadmin_pages:edit", args=[lesson_citing.pk]) in today
    assert lesson_citing.title not in chosen


def test_the_report_lists_only_what_the_school_admin_may_edit(
    client, site_root, old_law
):
    school_a, school_b = SchoolFactory(), SchoolFactory()
    for school, title in ((school_a, "Bài của trường A"), (school_b, "Bài trường B")):
        catalogue = CourseIndexPageFactory(
            parent=site_root, school=school, slug=f"kh-{school.pk}"
        )
        course = CoursePageFactory(parent=catalogue)
        LessonPageFactory(parent=course, title=title, body=[_legal_block(old_law)])
    client.force_login(_school_admin("qtt-a", school_a))

    html = client.get(
        reverse("lms_courses_superseded_law"), {"on": "2026-07-01"}
    ).content.decode()

    assert "Bài của trường A" in html
    assert "Bài trường B" not in html


def test_the_lesson_editor_warns_about_superseded_law(
    client, superuser, lesson_citing, monkeypatch
):
    client.force_login(superuser)
    edit = reverse("wagtailadmin_pages:edit", args=[lesson_citing.pk])

    monkeypatch.setattr(legal, "today", lambda: BEFORE)
    assert "lms-superseded-law" not in client.get(edit).content.decode()

    monkeypatch.setattr(legal, "today", lambda: ENDED)
    html = client.get(edit).content.decode()

    assert "lms-superseded-law" in html
    assert "116/2025/QH15" in html


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_reference_a_document_and_keeps_its_id():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("lms_courses", "0006_lessons_before_quizzes")]
    after = [("lms_courses", "0009_references_drop_document_text")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        Reference = old.get_model("lms_courses", "LegalReference")
        art8 = Reference.objects.create(
            document_number="24/2018/QH14",
            document_title="Luật An ninh mạng",
            article="8",
        )
        art9 = Reference.objects.create(
            document_number="24/2018/QH14",
            document_title="Luật An ninh mạng",
            article="9",
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        Reference = new.get_model("lms_courses", "LegalReference")
        moved = {r.pk: r for r in Reference.objects.select_related("document")}

        assert set(moved) == {art8.pk, art9.pk}
        assert moved[art8.pk].document_id == moved[art9.pk].document_id
        assert moved[art8.pk].document.number == "24/2018/QH14"
        assert moved[art8.pk].document.title == "Luật An ninh mạng"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_lesson_quoting_many_articles_reads_them_in_the_same_queries(
    client, lesson_citing, old_law, student
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(student)
    counts = []
    for blocks in (2, 8):
        lesson_citing.body = [_legal_block(old_law) for _ in range(blocks)]
        lesson_citing.save_revision().publish()
        client.get(lesson_citing.url)  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            client.get(lesson_citing.url)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_references_listing_reads_their_documents_in_the_same_queries(
    client, superuser, old_law
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(superuser)
    listing = reverse("wagtailsnippets_lms_courses_legalreference:list")
    counts = []
    for total in (2, 6):
        while LegalReference.objects.count() < total:
            document = LegalDocument.objects.create(
                number=f"{LegalDocument.objects.count()}/2020/QH14", title="Luật"
            )
            LegalReference.objects.create(document=document, article="1")
        client.get(listing)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(listing).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_notice_says_when_an_article_was_replaced_or_a_document_just_ended(
    law_in_force, monkeypatch
):
    monkeypatch.setattr(legal, "today", lambda: ENDED)
    ended = LegalDocument.objects.create(
        number="15/2020/NĐ-CP", title="Nghị định", out_of_force_from=ENDED
    )
    repealed = LegalReference.objects.create(document=ended, article="101", quote="…")
    newer = LegalDocument.objects.create(
        number="1/2026/QH15", title="Luật mới", in_force_from=ENDED
    )
    law_in_force.replaced_by = LegalReference.objects.create(
        document=newer, article="3"
    )
    law_in_force.save()
    block = LegalArticleBlock()

    def render(reference):
        return block.render(block.to_python(_legal_block(reference.pk, quote="…")[1]))

    assert "Văn bản này đã hết hiệu lực từ 01/07/2026." in render(repealed)
    assert (
        "Điều này đã được thay thế bởi Điều 3 Luật mới 1/2026/QH15 từ 01/07/2026."
        in render(LegalReference.objects.get(pk=law_in_force.pk))
    )

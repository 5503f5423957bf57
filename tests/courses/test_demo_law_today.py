"""The demo teaches the law in force today (issue 22 point 6): loaded today, it
cites nothing the report "Nội dung trích dẫn văn bản hết hiệu lực" would list,
and every article it quotes word for word says where the words were checked."""

import pytest
import yaml
from django.core.management import call_command

from courses import legal
from courses.models import LegalDocument, LessonPage
from courses.packs.demo import DEMO_PACKS


def _legal_articles():
    for path in sorted(DEMO_PACKS.glob("*/*/lessons/*.yaml")):
        lesson = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in lesson["body"]:
            ((kind, value),) = block.items()
            if kind == "legal_article":
                yield path.name, value


@pytest.mark.django_db
def test_the_demo_loaded_today_cites_no_law_that_has_ended():
    call_command("seed_demo", verbosity=0)
    today = legal.today()

    superseded = list(legal.superseded_on(today))
    assert legal.citations_of(superseded) == []
    # The register still knows what the demo used to cite and what replaced it.
    old_law = LegalDocument.objects.get(number="24/2018/QH14")
    assert old_law.replaced_by.number == "116/2025/QH15"
    quoted = {
        block.value["reference"].document.number
        for lesson in LessonPage.objects.all()
        for block in lesson.body
        if block.block_type == "legal_article"
    }
    assert {"116/2025/QH15", "91/2025/QH15"} <= quoted


def test_every_quoted_article_of_the_demo_names_where_its_words_were_checked():
    blocks = list(_legal_articles())
    assert blocks
    for slug, value in blocks:
        assert value["quote"], slug
        assert value["quote_source"].startswith("https://"), slug


@pytest.mark.django_db
def test_the_demo_block_keeps_the_source_of_its_quote():
    call_command("seed_demo", verbosity=0)
    sources = [
        block.value["quote_source"]
        for lesson in LessonPage.objects.all()
        for block in lesson.body
        if block.block_type == "legal_article"
    ]
    assert sources and all(sources)

"""Legal articles are listed by their number as a number: 1, 2, 16."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from courses.models import LegalDocument, LegalReference

pytestmark = pytest.mark.django_db

TITLES = ["Điều một", "Điều hai", "Điều mười sáu"]


@pytest.fixture
def articles():
    document = LegalDocument.objects.create(
        number="116/2025/QH15", title="Luật An ninh mạng"
    )
    # Stored out of order, and 16 before 2 as text.
    for article, title in (("16", TITLES[2]), ("1", TITLES[0]), ("2", TITLES[1])):
        LegalReference.objects.create(document=document, article=article, title=title)
    return document


def _in_order(html, titles):
    positions = [html.index(title) for title in titles]
    return positions == sorted(positions)


def test_references_sort_by_article_number(articles):
    assert [ref.article for ref in LegalReference.objects.all()] == ["1", "2", "16"]


def test_a_changed_article_gets_its_new_number(articles):
    reference = LegalReference.objects.get(article="16")
    reference.article = "3"
    reference.save(update_fields=["article"])
    reference.refresh_from_db()
    assert reference.article_number == 3


def test_the_lessons_articles_covered_list_reads_1_2_16(
    client, superuser, make_course, articles
):
    _course, lessons = make_course(lessons=1)
    client.force_login(superuser)
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[lessons[0].pk])
    ).content.decode()
    select = html[html.index('name="legal_references"') :]
    assert _in_order(select, TITLES)


def test_the_legal_references_listing_reads_1_2_16(client, superuser, articles):
    client.force_login(superuser)
    listing = reverse("wagtailsnippets_lms_courses_legalreference:list")
    assert _in_order(client.get(listing).content.decode(), TITLES)


def test_stored_references_get_their_article_number(articles):
    LegalReference.objects.update(article_number=0)
    migration = importlib.import_module(
        "courses.migrations.0013_legal_reference_article_number"
    )
    migration.number_existing_articles(apps, None)
    assert dict(LegalReference.objects.values_list("article", "article_number")) == {
        "1": 1,
        "2": 2,
        "16": 16,
    }

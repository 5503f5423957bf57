"""The lesson editor's legal-reference chooser (the legal-article block)."""

import re

import pytest
from django.urls import reverse

from courses.models import LegalDocument, LegalReference

pytestmark = pytest.mark.django_db

RESULTS = "wagtailsnippetchoosers_lms_courses_legalreference:choose_results"


@pytest.fixture
def register():
    cyber = LegalDocument.objects.create(
        number="116/2025/QH15", title="Luật An ninh mạng"
    )
    data = LegalDocument.objects.create(
        number="91/2025/QH15", title="Luật Bảo vệ dữ liệu cá nhân"
    )
    for article in ("16", "2", "1"):
        LegalReference.objects.create(document=cyber, article=article)
    LegalReference.objects.create(document=data, article="2", title="Giải thích")


def _found(client, query: str) -> list[str]:
    html = client.get(reverse(RESULTS), {"q": query}).content.decode()
    return re.findall(r"Điều \d+ [^<–]*?QH15", html)


def test_the_chooser_finds_a_reference_by_the_laws_number(client, superuser, register):
    client.force_login(superuser)
    assert _found(client, "116/2025") == [
        "Điều 1 Luật An ninh mạng 116/2025/QH15",
        "Điều 2 Luật An ninh mạng 116/2025/QH15",
        "Điều 16 Luật An ninh mạng 116/2025/QH15",
    ]


def test_every_word_of_the_query_narrows_the_choice(client, superuser, register):
    client.force_login(superuser)
    assert _found(client, "Điều 2 an ninh") == [
        "Điều 2 Luật An ninh mạng 116/2025/QH15"
    ]
    assert _found(client, "giải thích") == [
        "Điều 2 Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15"
    ]
    assert _found(client, "an nin") == _found(client, "Luật An ninh mạng")


def test_the_chooser_lists_articles_by_document_then_number(
    client, superuser, register
):
    client.force_login(superuser)
    assert _found(client, "") == [
        "Điều 1 Luật An ninh mạng 116/2025/QH15",
        "Điều 2 Luật An ninh mạng 116/2025/QH15",
        "Điều 16 Luật An ninh mạng 116/2025/QH15",
        "Điều 2 Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15",
    ]


def test_a_bare_number_is_an_article_a_document_number_or_a_year(
    client, superuser, register
):
    client.force_login(superuser)
    assert _found(client, "16") == ["Điều 16 Luật An ninh mạng 116/2025/QH15"]
    assert len(_found(client, "116")) == 3
    assert len(_found(client, "2025")) == 4

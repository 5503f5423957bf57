"""The search backend answers the queries Wagtail's admin listings make
(lms/search.py): any queryset filter, fields restricted on SQLite too."""

import pytest
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from courses.models import LegalDocument
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def law():
    return LegalDocument.objects.create(
        number="24/2018/QH14", title="Luật An ninh mạng"
    )


def test_search_restricted_to_fields_finds_what_it_should(law):
    LegalDocument.objects.create(number="1/2020", title="Nghị định khác")
    backend = get_search_backend()

    found = backend.search("mạng", LegalDocument, fields=["title"])
    completed = backend.autocomplete(
        "24", LegalDocument.objects.all(), fields=["number"]
    )

    assert list(found) == [law]
    assert list(completed) == [law]


def test_search_names_a_field_the_index_lacks_without_error(law):
    backend = get_search_backend()

    found = backend.search("mạng", LegalDocument, fields=["number"])

    assert law in list(found)


def test_search_within_a_queryset_filtered_on_an_unindexed_field():
    home = Page.objects.get(depth=2)
    catalogue = CourseIndexPageFactory(
        parent=home, title="Danh mục an toàn", slug="danh-muc"
    )
    CoursePageFactory(parent=catalogue, title="An toàn trên mạng")
    CourseIndexPageFactory(
        parent=home, title="Danh mục an toàn trống", slug="danh-muc-trong"
    )

    found = get_search_backend().autocomplete(
        "danh", Page.objects.filter(numchild__gt=0, depth=3)
    )

    assert [page.pk for page in found] == [catalogue.pk]

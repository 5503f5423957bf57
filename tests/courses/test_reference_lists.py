"""Legal references and conduct principles are the Department's shared lists."""

import pytest
from django.urls import reverse

from courses.models import LegalDocument, LegalReference
from lms.people.models import Role
from lms.people.services import user_groups_sync
from tests.people.factories import MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    document = LegalDocument.objects.create(
        number="116/2025/QH15", title="Luật An ninh mạng"
    )
    return LegalReference.objects.create(document=document, article="8")


def _staff(username, role, **membership):
    user = UserFactory(username=username)
    MembershipFactory(user=user, role=role, school_class=None, **membership)
    user_groups_sync(user=user)
    return user


def test_a_school_admin_reads_but_cannot_change_legal_references(client, reference):
    admin = _staff("qtt", Role.SCHOOL_ADMIN, school=SchoolFactory())
    client.force_login(admin)
    listing = reverse("wagtailsnippets_lms_courses_legalreference:list")
    assert client.get(listing).status_code == 200
    edit = reverse(
        "wagtailsnippets_lms_courses_legalreference:edit", args=[reference.pk]
    )
    response = client.post(
        edit,
        {"document": reference.document_id, "article": "1", "title": "X"},
    )
    assert response.status_code in (302, 403)
    reference.refresh_from_db()
    assert (reference.article, reference.title) == ("8", "")
    delete = reverse(
        "wagtailsnippets_lms_courses_legalreference:delete", args=[reference.pk]
    )
    client.post(delete)
    assert LegalReference.objects.filter(pk=reference.pk).exists()


def test_a_department_officer_maintains_legal_references(client, reference):
    school = SchoolFactory()
    officer = _staff(
        "canbo", Role.DEPARTMENT_OFFICER, department=school.department, school=None
    )
    client.force_login(officer)
    edit = reverse(
        "wagtailsnippets_lms_courses_legalreference:edit", args=[reference.pk]
    )
    response = client.post(
        edit,
        {
            "document": reference.document_id,
            "article": "8",
            "title": "Các hành vi bị nghiêm cấm",
        },
    )
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.title == "Các hành vi bị nghiêm cấm"

"""A person's export carries their certificates; erasure keeps the record
truthful ("revoked: record removed on request") but nothing that names them."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from certificates.models import Certificate, CertificateStatus
from lms.people.services import person_data_export, person_erase

from .conftest import NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def test_export_contains_the_certificate_and_its_pdf(issued, tuyet):
    archive = zipfile.ZipFile(io.BytesIO(person_data_export(person=tuyet)))
    data = json.loads(archive.read("data.json"))
    text = json.dumps(data, ensure_ascii=False)
    assert issued.serial in text and NAME in text
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert len(pdfs) == 1
    issued.pdf.open("rb")
    assert archive.read(pdfs[0]) == issued.pdf.read()


def test_erasure_revokes_and_forgets_the_name_but_keeps_the_record(
    client, issued, tuyet, superuser
):
    pdf_name = issued.pdf.name
    storage = issued.pdf.storage
    person_erase(person=tuyet, erased_by=superuser, reason="Yêu cầu", source="test")
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REVOKED
    assert "record removed on request" in issued.status_reason
    assert issued.name_as_printed == "" and not issued.pdf and not issued.pdf_sha256
    assert NAME not in json.dumps(issued.snapshot, ensure_ascii=False)
    assert not storage.exists(pdf_name)
    for event in issued.events.all():
        assert NAME not in event.detail
    page = client.get(reverse("lms_certificates:verify", args=[issued.code]))
    html = page.content.decode()
    assert page.status_code == 200 and NAME not in html
    record = client.get(
        reverse("lms_certificates:verify_json", args=[issued.code])
    ).json()
    assert record["status"] == "revoked" and not record["name"]

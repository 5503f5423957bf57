"""Certificates of a course required every school year: one per year, valid
until the year ends, "Hết hiệu lực" on the verification page after it."""

import io

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateStatus
from tests.certificates.factories import CourseCertificateSettingFactory
from tests.people.factories import during

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def yearly_course(make_course, template):
    course, lessons = make_course(lessons=1, required_every_year=True)
    CourseCertificateSettingFactory(course=course, template=template)
    return course, lessons


def vn(day) -> str:
    return day.strftime("%d/%m/%Y")


def test_yearly_certificate_is_valid_until_its_school_year_ends(
    client, yearly_learner, two_years, yearly_course, complete
):
    last_year, this_year = two_years
    course, lessons = yearly_course
    with during(last_year):
        complete(yearly_learner, course, lessons)
        old = Certificate.objects.get(holder=yearly_learner)
        assert old.expires_on == last_year.ends_on
        assert old.school_year == last_year
        assert old.effective_status == CertificateStatus.VALID
        page = client.get(f"/certificates/verify/{old.code}/").content.decode()
        assert "Giấy chứng nhận này còn hiệu lực." in page
    text = PdfReader(io.BytesIO(old.pdf.read())).pages[0].extract_text()
    assert f"Có hiệu lực đến {vn(last_year.ends_on)}" in " ".join(text.split())

    # After the year: no longer valid, and the course asks for a new one.
    old.refresh_from_db()
    assert old.effective_status == CertificateStatus.EXPIRED
    page = client.get(f"/certificates/verify/{old.code}/").content.decode()
    assert "Giấy chứng nhận này đã hết hiệu lực" in page
    assert f"có hiệu lực đến ngày {vn(last_year.ends_on)}" in page
    assert client.get(f"/certificates/verify/{old.code}.json").json()["status"] == (
        "expired"
    )

    complete(yearly_learner, course, lessons)
    new = Certificate.objects.exclude(pk=old.pk).get(holder=yearly_learner)
    assert new.school_year == this_year
    assert new.expires_on == this_year.ends_on
    assert new.effective_status == CertificateStatus.VALID
    old.refresh_from_db()
    assert old.status == CertificateStatus.VALID  # kept in the ledger as it was

    client.force_login(yearly_learner)
    html = client.get(reverse("lms_courses:my_learning")).content.decode()
    assert old.serial in html and new.serial in html
    assert "Hết hiệu lực" in html


def test_certificate_of_a_course_taken_once_never_expires(
    yearly_learner, two_years, certified_course, complete
):
    last_year, _this_year = two_years
    course, lessons = certified_course
    with during(last_year):
        complete(yearly_learner, course, lessons)
    certificate = Certificate.objects.get(holder=yearly_learner)
    assert certificate.expires_on is None
    assert certificate.school_year == last_year
    assert certificate.effective_status == CertificateStatus.VALID
    complete(yearly_learner, course, lessons)
    assert Certificate.objects.filter(holder=yearly_learner).count() == 1


def test_one_valid_certificate_per_course_and_school_year(
    yearly_learner, two_years, yearly_course, complete
):
    last_year, _this_year = two_years
    course, lessons = yearly_course
    with during(last_year):
        complete(yearly_learner, course, lessons)
    first = Certificate.objects.get(holder=yearly_learner)
    twin = {
        field.attname: getattr(first, field.attname)
        for field in Certificate._meta.concrete_fields
        if field.attname not in ("id",)
    }
    twin.update(serial="X-1", code="x1", number=first.number + 100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(**twin)
    twin.update(cycle=first.cycle + 1)
    Certificate.objects.create(**twin)  # another school year: allowed

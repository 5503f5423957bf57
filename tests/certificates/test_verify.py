"""Public verification: page, JSON, lookups (code, serial + name, PDF), limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_reissue, certificate_revoke

from .conftest import NAME

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    tuyet.lms_profile.student_code = "HS-BI-MAT-42"
    tuyet.lms_profile.phone = "0909123456"
    tuyet.lms_profile.save()
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def test_verify_page_and_json_show_the_record(client, issued, certified_course):
    course, _ = certified_course
    response = client.get(f"/certificates/verify/{issued.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for value in (NAME, issued.serial, course.title, issued.school.name):
        assert value in html
    assert "Giấy chứng nhận này còn hiệu lực." in html
    data = client.get(f"/certificates/verify/{issued.code}.json").json()
    assert data == {
        "status": "valid",
        "serial": issued.serial,
        "name": NAME,
        "course": course.title,
        "school": issued.school.name,
        "issue_date": issued.snapshot["issue_date"],
        "expires_on": None,
        "revoked_on": None,
        "replaced_by": None,
    }


def test_verify_page_leaks_no_other_personal_data(client, issued, school_class):
    for url in (
        f"/certificates/verify/{issued.code}/",
        f"/certificates/verify/{issued.code}.json",
    ):
        body = client.get(url).content.decode()
        for secret in (
            "tuyet@example.edu.vn",
            "HS-BI-MAT-42",
            "0909123456",
            "tuyet",  # username
            school_class.name,
        ):
            assert secret not in body, (url, secret)


def test_unknown_code_is_404(client, db):
    assert client.get("/certificates/verify/khong-ton-tai-abcdef/").status_code == 404
    assert (
        client.get("/certificates/verify/khong-ton-tai-abcdef.json").status_code == 404
    )


def test_revoked_shows_on_the_page_and_in_json(client, issued, superuser):
    certificate_revoke(certificate=issued, by=superuser, reason="Gian lận")
    html = client.get(f"/certificates/verify/{issued.code}/").content.decode()
    assert "đã bị thu hồi ngày" in html
    data = client.get(f"/certificates/verify/{issued.code}.json").json()
    assert data["status"] == "revoked" and data["revoked_on"]
    assert "Gian lận" not in html  # the reason is internal


def test_replaced_shows_the_newer_certificate(client, issued, superuser):
    new = certificate_reissue(certificate=issued, by=superuser, reason="Sửa tên")
    data = client.get(f"/certificates/verify/{issued.code}.json").json()
    assert data["status"] == "replaced" and data["replaced_by"] == new.serial
    html = client.get(f"/certificates/verify/{issued.code}/").content.decode()
    assert f"/certificates/verify/{new.code}/" in html


def test_expired_reads_as_expired(client, issued):
    import datetime

    Certificate.objects.filter(pk=issued.pk).update(
        expires_on=datetime.date(2020, 1, 1)
    )
    data = client.get(f"/certificates/verify/{issued.code}.json").json()
    assert data["status"] == "expired"


def test_lookup_by_code_redirects_to_the_record(client, issued):
    url = reverse("lms_certificates:lookup")
    response = client.post(url, {"kind": "code", "code-code": issued.code})
    assert response["Location"] == f"/certificates/verify/{issued.code}/"
    pasted = client.post(
        url, {"kind": "code", "code-code": issued.snapshot["verification_url"]}
    )
    assert pasted.status_code == 302


def test_serial_lookup_answers_match_or_no_match_only(client, issued, certified_course):
    url = reverse("lms_certificates:lookup")
    match = client.post(
        url,
        {"kind": "serial", "serial-serial": issued.serial, "serial-name": NAME.upper()},
    ).content.decode()
    assert "khớp với một giấy chứng nhận còn hiệu lực" in match
    course, _ = certified_course
    assert course.title not in match and issued.code not in match
    wrong = client.post(
        url,
        {"kind": "serial", "serial-serial": issued.serial, "serial-name": "Trần Văn B"},
    ).content.decode()
    assert "Không khớp" in wrong and NAME not in wrong


def test_pdf_upload_checks_the_sha256(client, issued):
    url = reverse("lms_certificates:lookup")
    with issued.pdf.open("rb") as handle:
        original = handle.read()
    ok = client.post(
        url,
        {"kind": "pdf", "pdf-file": SimpleUploadedFile("a.pdf", original)},
    ).content.decode()
    assert "Đây là tệp gốc" in ok
    tampered = client.post(
        url,
        {"kind": "pdf", "pdf-file": SimpleUploadedFile("a.pdf", original + b"\n")},
    ).content.decode()
    assert "Tệp này không khớp với giấy chứng nhận nào." in tampered


def test_lookups_are_rate_limited_per_address(client, issued, settings):
    settings.LMS_CERTIFICATE_LOOKUP_RATE = (3, 600)
    url = f"/certificates/verify/{issued.code}.json"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    other = client.get(url, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    serial = client.post(
        reverse("lms_certificates:lookup"),
        {"kind": "serial", "serial-serial": issued.serial, "serial-name": NAME},
    )
    assert serial.status_code == 429


def test_verify_certificate_command(issued, tmp_path, capsys):
    call_command("verify_certificate", issued.code)
    out = capsys.readouterr().out
    assert issued.serial in out and NAME in out
    pdf = tmp_path / "c.pdf"
    with issued.pdf.open("rb") as handle:
        pdf.write_bytes(handle.read())
    call_command("verify_certificate", str(pdf))
    assert "tệp gốc" in capsys.readouterr().out
    pdf.write_bytes(b"%PDF-1.7 fake")
    with pytest.raises(SystemExit):
        call_command("verify_certificate", str(pdf))
    assert "không khớp" in capsys.readouterr().out


def test_the_public_pages_address_their_reader_as_an_adult(client, issued, tuyet):
    """Whoever checks a certificate (an employer, a parent) is an adult, even
    when the pupil who holds it is the one signed in."""
    client.force_login(tuyet)
    for url in (
        f"/certificates/verify/{issued.code}/",
        reverse("lms_certificates:lookup"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["voice"] == "adult"

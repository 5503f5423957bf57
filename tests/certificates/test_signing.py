"""Signed certificate PDFs (PAdES): checked offline against the published root."""

import io

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from certificates import keystore, rendering, signing
from certificates.models import Certificate, SigningKey
from certificates.services import certificate_issue, certificate_reissue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def pdf_bytes(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def exported_root(tmp_path) -> list:
    """The root as a relying party gets it: the command's PEM file."""
    path = tmp_path / "root.pem"
    call_command("certificate_trust_root", "--output", str(path))
    return [
        asn1_x509.Certificate.load(der)
        for _type, _headers, der in pem.unarmor(path.read_bytes(), multiple=True)
    ]


def pyhanko_status(data: bytes, roots):
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    return reader, validate_pdf_signature(
        reader.embedded_signatures[0], signer_validation_context=context
    )


def flip_one_byte(data: bytes) -> bytes:
    # A byte of the first page's content stream: inside the signed range.
    at = data.index(b"stream", len(data) // 4) + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_pyhanko_accepts_an_issued_certificate_against_the_exported_root(
    issued, tmp_path
):
    reader, status = pyhanko_status(pdf_bytes(issued), exported_root(tmp_path))
    assert status.bottom_line and status.trusted and status.intact
    # PAdES B-T: a trusted signature time-stamp; B-LT: the root's CRL in the DSS.
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.trusted
    assert "/DSS" in reader.root and "/CRLs" in reader.root["/DSS"]
    school = issued.school.name if issued.school else issued.school_code
    assert status.signing_cert.subject.native["common_name"] == school


def test_one_changed_byte_fails_the_signature(issued, tmp_path):
    tampered = flip_one_byte(pdf_bytes(issued))
    _reader, status = pyhanko_status(tampered, exported_root(tmp_path))
    assert not status.intact and not status.bottom_line
    assert signing.verify_pdf(tampered).verdict == signing.Verdict.TAMPERED


def test_a_signature_from_another_root_is_not_trusted(issued, tmp_path):
    data = pdf_bytes(issued)
    ours = signing.trust_root_pem()
    SigningKey.objects.all().delete()
    stranger = signing.trust_root_pem()
    assert stranger != ours
    assert signing.verify_pdf(data, trust_roots_pem=[stranger]).verdict == (
        signing.Verdict.UNTRUSTED
    )


def test_signed_file_keeps_its_pdfa_identification_and_output_intent(issued):
    data = pdf_bytes(issued)
    assert data.startswith(b"%PDF-1.7")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    # ECDSA would make pyHanko raise the version to 2.0, which PDF/A-3 forbids.
    assert root.get("/Version") in (None, "/1.7")
    assert root["/AcroForm"]["/Fields"], "the file is signed"
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="B"' in xmp or (
        "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    )
    # PDF/A: the Info dictionary agrees with the XMP metadata.
    producer = str(reader.trailer["/Info"]["/Producer"])
    assert f'pdf:Producer="{producer}"' in xmp or (
        f"<pdf:Producer>{producer}</pdf:Producer>" in xmp
    )
    assert str(reader.trailer["/Info"]["/Title"]) in xmp


def test_stored_sha256_is_that_of_the_signed_file(issued):
    data = pdf_bytes(issued)
    assert issued.pdf_sha256 == rendering.sha256_hex(data)
    assert signing.verify_pdf(data).valid


def test_private_keys_are_stored_sealed(issued):
    keys = list(SigningKey.objects.all())
    assert {key.kind for key in keys} == {"root", "tsa", "school"}
    for key in keys:
        sealed = bytes(key.sealed_key)
        assert sealed.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
        public = x509.load_pem_x509_certificate(key.certificate_pem.encode())
        assert (
            keystore.unseal(sealed).public_key().public_numbers()
            == public.public_key().public_numbers()
        )


def test_rotation_keeps_an_old_signature_valid(
    issued, certified_course, make_learner, complete
):
    old = pdf_bytes(issued)
    call_command(
        "certificate_keys",
        "--rotate",
        "--school",
        issued.school_code,
        stdout=io.StringIO(),
    )
    assert SigningKey.objects.filter(kind="school", retired_at__isnull=False).exists()
    other = make_learner(username="binh", full_name="Trần Văn Bình")
    course, lessons = certified_course
    complete(other, course, lessons)
    new = pdf_bytes(Certificate.objects.get(holder=other))
    old_check, new_check = signing.verify_pdf(old), signing.verify_pdf(new)
    assert old_check.valid and new_check.valid
    signer_certs = {
        PdfFileReader(io.BytesIO(data)).embedded_signatures[0].signer_cert.dump()
        for data in (old, new)
    }
    assert len(signer_certs) == 2


def test_reissue_signs_the_new_pdf(issued, superuser):
    new = certificate_reissue(certificate=issued, by=superuser, reason="Sửa tên")
    check = signing.verify_pdf(pdf_bytes(new))
    assert check.valid and check.embedded["serial"] == new.serial


def test_verify_command_accepts_the_signed_file_against_the_exported_root(
    issued, tmp_path, capsys
):
    root = tmp_path / "root.pem"
    call_command("certificate_trust_root", "--output", str(root))
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(pdf_bytes(issued))
    call_command("verify_certificate", str(pdf), "--root", str(root))
    out = capsys.readouterr().out
    assert "Chữ ký số hợp lệ" in out and issued.serial in out
    assert "PAdES B-LT" in out


def test_verify_command_exits_non_zero_on_a_tampered_file(issued, tmp_path, capsys):
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(flip_one_byte(pdf_bytes(issued)))
    with pytest.raises(SystemExit) as exited:
        call_command("verify_certificate", str(pdf))
    assert exited.value.code == 1
    assert "đã bị sửa" in capsys.readouterr().out


def test_verify_command_trusts_the_signed_record_when_the_ledger_lost_it(
    issued, tmp_path, capsys
):
    """The server moved or was restored without this row: the signature and
    the record signed inside the file still answer."""
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(pdf_bytes(issued))
    # A ledger without this certificate (another server's, a lost row).
    Certificate.objects.filter(pk=issued.pk).update(
        pdf_sha256="", code="elsewhere-0123456789"
    )
    call_command("verify_certificate", str(pdf))
    out = capsys.readouterr().out
    assert "Chữ ký số hợp lệ" in out and issued.name_as_printed in out


def test_upload_check_reports_a_tampered_file(client, issued):
    url = reverse("lms_certificates:lookup")
    upload = SimpleUploadedFile("a.pdf", flip_one_byte(pdf_bytes(issued)))
    page = client.post(url, {"kind": "pdf", "pdf-file": upload}).content.decode()
    assert "Tệp đã bị sửa sau khi ký" in page
    original = SimpleUploadedFile("a.pdf", pdf_bytes(issued))
    page = client.post(url, {"kind": "pdf", "pdf-file": original}).content.decode()
    assert "Chữ ký số hợp lệ" in page and "Đây là tệp gốc" in page


def test_trust_root_is_public_and_linked_from_the_verification_pages(client, issued):
    response = client.get(reverse("lms_certificates:trust_root"))
    assert response.status_code == 200
    assert response.content.decode() == "".join(signing.trust_root_pems())
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")
    for url in (
        reverse("lms_certificates:lookup"),
        reverse("lms_certificates:verify", args=[issued.code]),
    ):
        page = client.get(url).content.decode()
        assert reverse("lms_certificates:trust_root") in page
        assert "Tự kiểm tra chữ ký số" in page


def test_deploy_check_warns_without_a_key_passphrase(settings):
    settings.LMS_CERTIFICATE_KEY_PASSPHRASE = None
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "lms.W004" in ids
    settings.LMS_CERTIFICATE_KEY_PASSPHRASE = "a long passphrase of the site"
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "lms.W004" not in ids


def test_signing_reuses_the_parsed_chain(issued):
    first = signing._chain(issued.school_code)
    assert signing._chain(issued.school_code) is first


def test_issue_on_a_new_school_makes_its_signing_key(certified_course, complete, tuyet):
    assert not SigningKey.objects.exists()
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    certificate = Certificate.objects.get(holder=tuyet)
    assert SigningKey.objects.filter(
        kind="school", school_code=certificate.school_code
    ).exists()
    assert certificate_issue(user=tuyet, course=course).certificate == certificate


def test_signing_works_inside_a_running_event_loop(issued, monkeypatch):
    """pyHanko's sync API starts its own loop; an async caller (or a browser
    test driving Playwright, which seeds the demo) must still issue and check."""
    import asyncio

    rendered = rendering.render_pdf(template=issued.template, snapshot=issued.snapshot)
    # The database work done before the loop (an async caller would do it
    # in a sync thread): the test is about pyHanko's own loop.
    chain = signing._chain(issued.school_code)
    roots = signing.trust_root_pems()
    monkeypatch.setattr(signing, "_chain", lambda school_code: chain)

    async def inside():
        signed = signing.sign_pdf(rendered, school_code=issued.school_code)
        return signing.verify_pdf(signed, trust_roots_pem=roots).valid

    assert asyncio.run(inside())

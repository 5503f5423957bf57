"""A stranger checks a demo certificate's signature with only the published
root, then the verification page spots a tampered copy (issue 16)."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificates.models import Certificate

from .conftest import PHONE, SCREENSHOTS, describe
from .learner import vi

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_demo_certificate_verifies_offline_and_a_tampered_copy_is_reported(
    browse, axe_check
):
    certificate = Certificate.objects.exclude(pdf="").first()
    with certificate.pdf.open("rb") as handle:
        original = handle.read()
    lookup = reverse("lms_certificates:lookup")
    b = browse("signature")
    b.goto(lookup)
    link = b.page.get_by_role(
        "link", name=vi("Download the Department's root certificate (a .pem file).")
    )
    root_pem = b.context.request.get(b.url(link.get_attribute("href"))).body()
    roots = [
        asn1_x509.Certificate.load(der)
        for _type, _headers, der in pem.unarmor(root_pem, multiple=True)
    ]
    # The file and the root alone: no server, no network. (In a thread:
    # pyHanko starts an event loop, and Playwright runs one in this thread.)
    reader = PdfFileReader(io.BytesIO(original), strict=False)
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(
            validate_pdf_signature,
            reader.embedded_signatures[0],
            signer_validation_context=ValidationContext(
                trust_roots=roots, allow_fetching=False
            ),
        ).result()
    assert status.bottom_line and status.timestamp_validity.trusted

    at = original.index(b"stream", len(original) // 4) + 40
    tampered = original[:at] + bytes([original[at] ^ 1]) + original[at + 1 :]
    b.page.set_input_files(
        "input[name='pdf-file']",
        {"name": "chung-nhan.pdf", "mimeType": "application/pdf", "buffer": tampered},
    )
    b.page.get_by_role("button", name=vi("Check the file")).click()
    verdict = b.page.locator(".signature-verdict").inner_text()
    assert verdict.startswith("Tệp đã bị sửa sau khi ký")
    b.shot("tampered-desktop")
    found = axe_check(b.page)
    assert found == [], describe(found)

    phone = browse("signature-phone", viewport=PHONE)
    phone.goto(lookup)
    phone.page.set_input_files(
        "input[name='pdf-file']",
        {"name": "chung-nhan.pdf", "mimeType": "application/pdf", "buffer": original},
    )
    phone.page.get_by_role("button", name=vi("Check the file")).click()
    assert (
        phone.page.locator(".signature-verdict")
        .inner_text()
        .startswith("Chữ ký số hợp lệ")
    )
    assert phone.page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )
    phone.shot("valid-phone")
    assert (SCREENSHOTS / "signature-phone-valid-phone.png").exists()

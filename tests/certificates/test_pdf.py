"""The stored PDF: real Vietnamese text, PDF/A-3b, shipped fonts, QR, attachment."""

import io
import json
import unicodedata

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from certificates import rendering
from certificates.models import Certificate
from certificates.services import certificate_issue

from .conftest import NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def pdf_bytes(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def test_pdf_text_contains_the_exact_vietnamese_name(issued):
    text = PdfReader(io.BytesIO(pdf_bytes(issued))).pages[0].extract_text()
    assert NAME in unicodedata.normalize("NFC", text)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert issued.serial in text


def test_pdf_is_pdfa_3b_with_an_output_intent(issued):
    reader = PdfReader(io.BytesIO(pdf_bytes(issued)))
    root = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert intents and intents[0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp or (
        'pdfaid:conformance="B"' in xmp
    )


def test_pdf_embeds_only_the_shipped_fonts(issued):
    reader = PdfReader(io.BytesIO(pdf_bytes(issued)))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    # WeasyPrint names embedded fonts after our @font-face families ("LMS Serif"),
    # which only the shipped Noto files carry: no system font was used.
    assert fonts and all("+LMS-" in name for name in fonts), fonts
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object().get("/DescendantFonts")
        obj = descendant[0].get_object() if descendant else font.get_object()
        descriptor = obj["/FontDescriptor"].get_object()
        assert any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )


def test_embedded_json_equals_the_snapshot(issued):
    reader = PdfReader(io.BytesIO(pdf_bytes(issued)))
    attached = reader.attachments[rendering.ATTACHMENT_NAME][0]
    assert json.loads(attached) == issued.snapshot
    assert issued.snapshot["name"] == NAME
    assert issued.snapshot["template"]["version"] == issued.template.version


def test_qr_code_decodes_to_the_verification_url(issued):
    page = pypdfium2.PdfDocument(pdf_bytes(issued))[0]
    image = page.render(scale=4).to_pil()
    found = [result.text for result in zxingcpp.read_barcodes(image)]
    assert found == [f"http://127.0.0.1:8000/certificates/verify/{issued.code}/"]
    assert found[0] == issued.snapshot["verification_url"]


def test_stored_hash_is_the_pdfs_sha256(issued):
    assert issued.pdf_sha256 == rendering.sha256_hex(pdf_bytes(issued))
    assert issued.pdf.name.endswith(
        f"chung-nhan-nguyen-thi-anh-tuyet-{issued.serial}.pdf"
    )


def test_editing_the_template_or_the_name_later_changes_nothing_issued(
    issued, tuyet, certified_course
):
    before_bytes, before_hash = pdf_bytes(issued), issued.pdf_sha256
    template = issued.template
    template.title = "CHỨNG NHẬN MỚI"
    template.body = "Khác hẳn: {name}"
    template.save()
    tuyet.lms_profile.full_name = "Nguyễn Thị Ánh Tuyết Mới"
    tuyet.lms_profile.save()
    course, _lessons = certified_course
    again = certificate_issue(user=tuyet, course=course)
    assert again.created is False
    issued.refresh_from_db()
    assert issued.pdf_sha256 == before_hash
    assert pdf_bytes(issued) == before_bytes
    assert issued.name_as_printed == NAME
    assert template.version == 2 and issued.snapshot["template"]["version"] == 1


def test_file_name_is_ascii_safe_with_d_for_dj():
    assert (
        rendering.pdf_filename(name="Nguyễn Thị Ánh Tuyết", serial="DEMO-2023-000123")
        == "chung-nhan-nguyen-thi-anh-tuyet-DEMO-2023-000123.pdf"
    )
    assert rendering.pdf_filename(name="Đặng Gia Huy", serial="X-2023-000001") == (
        "chung-nhan-dang-gia-huy-X-2023-000001.pdf"
    )


def test_extra_css_cannot_fetch_remote_urls():
    css = (
        '@import url("https://evil.example/x.css");\n'
        "@import 'http://evil.example/y.css';\n"
        "h1 { background: url(https://evil.example/a.png); color: red }"
    )
    cleaned = rendering.sanitise_css(css)
    assert "evil.example" not in cleaned and "@import" not in cleaned
    assert "color: red" in cleaned


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a.png",
        "http://127.0.0.1:8000/media/x.png",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_url_fetcher_refuses_anything_but_shipped_fonts_and_data(url):
    with pytest.raises(ValueError):
        rendering.url_fetcher().fetch(url)


def test_url_fetcher_serves_the_shipped_fonts():
    font = (rendering.FONTS_DIR / "NotoSerif-Regular.ttf").as_uri()
    response = rendering.url_fetcher().fetch(font)
    try:
        assert response.read(4) == b"\x00\x01\x00\x00"
    finally:
        response.close()


def test_default_template_is_vietnamese_and_renders_official_layout(db):
    from certificates.admin_views import sample_snapshot
    from certificates.defaults import DEFAULT_TEMPLATE_NAME, default_template_ensure

    template = default_template_ensure()
    assert template.name == DEFAULT_TEMPLATE_NAME
    snapshot = sample_snapshot(template)
    snapshot["issue_date_iso"] = "2023-10-06"
    data = rendering.render_pdf(template=template, snapshot=snapshot)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "TP. Hồ Chí Minh, ngày 06 tháng 10 năm 2023" in text
    assert "HIỆU TRƯỞNG" in text and "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text


def test_pdf_is_tagged_for_screen_readers(issued):
    root = PdfReader(io.BytesIO(pdf_bytes(issued))).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]


def test_qr_svg_draws_exactly_the_dark_modules_of_the_code():
    import re

    import segno

    qr = segno.make("https://lms.example.edu.vn/xac-minh/ABCD-EFGH/", error="m")
    svg = rendering.qr_svg(qr.matrix)
    size = len(qr.matrix)
    drawn = [[0] * size for _ in range(size)]
    path = re.search(r' d="([^"]+)"', svg).group(1)
    for x, y, length in re.findall(r"M(\d+) (\d+)\.5h(\d+)", path):
        for column in range(int(x), int(x) + int(length)):
            drawn[int(y) - rendering.QR_BORDER][column - rendering.QR_BORDER] = 1
    assert drawn == [list(row) for row in qr.matrix]
    border = (size + 2 * rendering.QR_BORDER) * rendering.QR_SCALE
    assert f'width="{border}" height="{border}"' in svg


def test_qr_matrix_is_segnos_for_every_url_length_and_code():
    """The linear shortcut (rendering.qr_matrix) gives exactly segno's
    modules: verification URLs of two site lengths, family-letter URLs, and
    the URLs it leaves to segno (no lower case, not ASCII)."""
    import secrets

    import segno

    rendering._QR_LINEAR.clear()
    urls = [
        f"{site}/certificates/verify/{secrets.token_urlsafe(16)}/"
        for site in ("https://lms.example.edu.vn", "http://127.0.0.1:8000")
        for _ in range(40)
    ]
    # Another site of the same length: its URLs differ in the site too.
    urls += [
        f"https://abc.example.edu.vn/certificates/verify/{secrets.token_urlsafe(16)}/"
        for _ in range(10)
    ]
    urls += [
        f"https://truong.example/kich-hoat/{secrets.token_urlsafe(24)}/"
        for _ in range(10)
    ]
    urls += ["HTTPS://LMS.VN/CERTIFICATES/VERIFY/ABCDEFGH/", "https://lms.vn/xác-minh/"]
    for url in urls:
        expected = segno.make(url, error="m", micro=False, mask=2, boost_error=False)
        assert [bytes(row) for row in rendering.qr_matrix(url)] == [
            bytes(row) for row in expected.matrix
        ], url
    assert len(rendering._QR_LINEAR) == 3  # one per length of URL
    rendering._QR_LINEAR.clear()


def _clear_render_caches():
    rendering.template_stylesheet.cache_clear()
    rendering._cached_assets.cache_clear()
    rendering._QR_LINEAR.clear()


def test_a_render_after_a_template_edit_is_the_uncached_render(issued):
    """What a worker keeps between certificates (the template's stylesheet
    and images, the QR codes' base) follows an edit of the template: the PDF
    of a process that rendered before the edit is, byte for byte, that of a
    fresh process."""
    from freezegun import freeze_time

    snapshot = dict(issued.snapshot, name="Trần Văn Bình")
    template = issued.template

    def render():
        with freeze_time("2026-12-06 05:00:00"):
            return rendering.render_pdf(template=template, snapshot=snapshot)

    before = render()
    template.accent_colour = "#0b6e4f"
    template.body = "Chứng nhận {name} đã hoàn thành {course}."
    template.page_size = "A5"
    template.save()
    cached = render()
    _clear_render_caches()
    fresh = render()
    assert cached == fresh
    assert cached != before
    _clear_render_caches()
    assert render() == fresh

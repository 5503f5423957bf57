"""HTML and PDF for a certificate: WeasyPrint, PDF/A-3b, shipped fonts, no network.

Fonts and the base stylesheet are parsed once per process (the costly part of a
small render), so a worker issuing many certificates pays for them once.
"""

import atexit
import base64
import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import segno
from anyascii import anyascii
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

FONTS_DIR = Path(__file__).resolve().parent / "fonts"

# WeasyPrint logs each rendering step at INFO; a batch would flood the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
ATTACHMENT_NAME = "certificate.json"

FONT_FACES = [
    ("LMS Serif", "NotoSerif-Regular.ttf", "normal", "normal"),
    ("LMS Serif", "NotoSerif-Bold.ttf", "bold", "normal"),
    ("LMS Serif", "NotoSerif-Italic.ttf", "normal", "italic"),
    ("LMS Sans", "NotoSans-Regular.ttf", "normal", "normal"),
    ("LMS Sans", "NotoSans-Bold.ttf", "bold", "normal"),
]

# Family names of our own, so a font installed on the machine can never be
# picked instead of the shipped files.
FONT_FACES_CSS = "\n".join(
    f'@font-face {{ font-family: "{family}"; '
    f'src: url("{(FONTS_DIR / filename).as_uri()}"); '
    f"font-weight: {weight}; font-style: {style}; }}"
    for family, filename, weight, style in FONT_FACES
)
BASE_CSS = (
    FONT_FACES_CSS
    + """
html { font-family: "LMS Serif"; color: #1a1a1a; font-size: 14pt; }
body { margin: 0; }
.sheet { position: relative; box-sizing: border-box;
  padding: 9mm 12mm; border: 2.2mm double var(--accent); }
.background { position: absolute; inset: 0; width: 100%; height: 100%;
  z-index: -1; object-fit: cover; }
.heads { display: flex; justify-content: space-between; text-align: center;
  font-size: 11.5pt; }
.heads .issuer { width: 44%; }
.heads .nation { width: 56%; }
.heads b { display: block; }
.heads .rule { display: block; width: 45%; margin: 1mm auto 0;
  border-top: 0.3mm solid #1a1a1a; }
.logo { height: 20mm; margin-top: 2mm; }
h1 { text-align: center; color: var(--accent); font-size: 30pt;
  letter-spacing: 1pt; margin: 10mm 0 5mm; }
.body { text-align: center; margin: 0 10mm; line-height: 1.6; }
.body p { margin: 1.5mm 0; }
.holder { font-size: 24pt; font-weight: bold; color: var(--accent); }
.date { text-align: right; font-style: italic; margin: 5mm 6mm 0 0; }
.signatories { display: flex; justify-content: flex-end; text-align: center;
  margin: 1mm 6mm 0 0; }
.signatories .signatory + .signatory { margin-left: 14mm; }
.signatory { min-width: 55mm; }
.signatory .role { font-weight: bold; }
.signatory .sign { height: 18mm; display: block; margin: 1mm auto; }
.signatory .blank { height: 20mm; }
.signatory .name { font-weight: bold; }
.foot { position: absolute; left: 12mm; bottom: 9mm; display: flex;
  align-items: flex-end; font-family: "LMS Sans"; font-size: 8.5pt; }
.foot img { width: 22mm; height: 22mm; margin-right: 3mm; }
"""
)

_CSS_URL_RE = re.compile(r"url\s*\([^)]*\)", re.IGNORECASE)
_CSS_IMPORT_RE = re.compile(r"@import[^;]*;?", re.IGNORECASE)


def sanitise_css(css: str) -> str:
    """Keep styling, drop every way CSS could fetch something (url(), @import)."""
    css = _CSS_IMPORT_RE.sub("", css)
    css = _CSS_URL_RE.sub("none", css)
    return css.replace("</", "")


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyURLFetcher(URLFetcher):
        """Serve our fonts and data: URIs; refuse everything else, remote above all."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(url.split("?")[0].removeprefix("file://")).resolve()
                if path.is_relative_to(FONTS_DIR):
                    return super().fetch(url, headers)
            raise ValueError(f"Refused to fetch {url!r} while rendering a certificate")

    return LocalOnlyURLFetcher


@cache
def url_fetcher():
    return _fetcher_class()(allowed_protocols={"file", "data"})


@cache
def font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


# Drop the cached configuration while its C library is still loaded; left to
# interpreter teardown its destructor fails noisily.
atexit.register(font_config.cache_clear)


@cache
def base_stylesheet():
    from weasyprint import CSS

    return CSS(string=BASE_CSS, font_config=font_config(), url_fetcher=url_fetcher())


@cache
def template_stylesheet(template_id: int | None, version: int, css: str):
    """The per-template part (page, colour, extra CSS), parsed once per version."""
    from weasyprint import CSS

    return CSS(string=css, font_config=font_config(), url_fetcher=url_fetcher())


PAGE_MM = {"A4": (297, 210), "A5": (210, 148), "letter": (279.4, 215.9)}
PAGE_MARGIN_MM = 8


def template_css(template) -> str:
    long, short = PAGE_MM.get(template.page_size, PAGE_MM["A4"])
    height = short if template.orientation == "landscape" else long
    # The frame fills the page; a percentage height has nothing to refer to.
    sheet_height = height - 2 * PAGE_MARGIN_MM - 0.5
    return (
        f"@page {{ size: {template.page_size} {template.orientation}; "
        f"margin: {PAGE_MARGIN_MM}mm; }}\n"
        f":root {{ --accent: {template.accent_colour}; }}\n"
        f".sheet {{ height: {sheet_height}mm; }}\n"
        + sanitise_css(template.extra_css or "")
    )


def image_data_uri(image) -> str:
    """A Wagtail image as a data: URI, so rendering never reads a URL."""
    if image is None:
        return ""
    try:
        with image.open_file() as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    mime = {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(
        (image.file.name.rsplit(".", 1)[-1] or "").lower(), "image/jpeg"
    )
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


QR_BORDER = 2  # modules of quiet zone
QR_SCALE = 4  # SVG units a module


def qr_data_uri(url: str) -> str:
    """The verification URL as a vector (SVG) QR code.

    A fixed mask skips scoring all eight (about 5 ms a code) and any mask
    decodes. Error correction is level M, not "boosted" to the highest level
    that fits the same version: boosting tried each higher level for about
    1 ms and, for a verification URL (version 5 on a short host name), never
    found one that fits; M restores 15 % of a damaged code, enough for a
    printed page. The SVG is one path of horizontal runs written here from
    the module matrix: segno's general SVG writer took as long as encoding.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(
        qr_svg(qr_matrix(url)).encode("ascii")
    ).decode("ascii")


def _qr_make(data: str | bytes):
    return segno.make(data, error="m", micro=False, mask=2, boost_error=False)


def _qr_modules(qr) -> int:
    """A code's module matrix as one integer: a byte (0 or 1) per module."""
    return int.from_bytes(b"".join(qr.matrix), "big")


@dataclass
class _QRLinear:
    """The codes of the URLs of one length, from a first one (`url`, its
    modules `base`) and what flipping one bit of one byte of the URL flips
    in the modules (`flips[(index, bit)]`, computed when first needed).

    With the version, the error correction level, the mask and the byte mode
    fixed, a code is linear over GF(2) in the bits it encodes: the
    Reed-Solomon codewords are sums of the data's images, and placing and
    masking them is an XOR with a fixed pattern. So a URL's modules are
    `base` XOR the flips of the bits where it differs from `url`, exactly
    the matrix segno makes (tests/certificates/test_pdf.py compares them).
    A verification URL differs from another in its code only: after the
    first few certificates of a process, a code costs a few dozen integer
    XORs instead of encoding it (about 1 ms)."""

    url: bytes
    version: int
    size: int
    base: int
    flips: dict


_QR_LINEAR: dict[int, _QRLinear] = {}
_QR_LINEAR_LOCK = threading.Lock()
_QR_LINEAR_LENGTHS = 8  # URL lengths kept per process (verification, letters)


def qr_matrix(url: str):
    """The module matrix of `url`'s code, as `_qr_make(url).matrix` (rows of
    0 and 1 bytes), for a URL of a length seen before without encoding it."""
    data = url.encode("ascii") if url.isascii() else None
    if data is None or not any(c.islower() for c in url):
        # Only URLs segno writes in byte mode whatever their characters.
        return _qr_make(url).matrix
    linear = _QR_LINEAR.get(len(data))
    if linear is None:
        qr = _qr_make(url)
        if qr.mode != "byte" or qr.is_micro:
            return qr.matrix
        with _QR_LINEAR_LOCK:
            if len(_QR_LINEAR) < _QR_LINEAR_LENGTHS:
                _QR_LINEAR.setdefault(
                    len(data),
                    _QRLinear(
                        url=data,
                        version=qr.version,
                        size=len(qr.matrix),
                        base=_qr_modules(qr),
                        flips={},
                    ),
                )
        return qr.matrix
    modules = linear.base
    for index, (byte, first) in enumerate(zip(data, linear.url, strict=True)):
        differ = byte ^ first
        while differ:
            low = differ & -differ
            differ ^= low
            flip = linear.flips.get((index, low))
            if flip is None:
                flipped = bytearray(linear.url)
                flipped[index] ^= low
                qr = _qr_make(bytes(flipped))
                if qr.version != linear.version or qr.mode != "byte":
                    return _qr_make(url).matrix
                flip = _qr_modules(qr) ^ linear.base
                linear.flips[(index, low)] = flip
            modules ^= flip
    size = linear.size
    flat = modules.to_bytes(size * size, "big")
    return tuple(
        bytearray(flat[row : row + size]) for row in range(0, size * size, size)
    )


_DARK_RUN = re.compile(rb"[^\x00]+")


def qr_svg(matrix) -> str:
    """SVG of a QR module matrix: a 1-unit stroke along each run of dark modules."""
    runs = [
        f"M{run.start() + QR_BORDER} {y}.5h{run.end() - run.start()}"
        for y, row in enumerate(matrix, start=QR_BORDER)
        for run in _DARK_RUN.finditer(row)
    ]
    size = (len(matrix) + 2 * QR_BORDER) * QR_SCALE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">'
        f'<path transform="scale({QR_SCALE})" stroke="#000" d="{"".join(runs)}"/>'
        "</svg>"
    )


def date_line(place: str, date_iso: str) -> str:
    year, month, day = date_iso.split("-")
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": day,
        "month": month,
        "year": year,
    }


def body_html(body: str, snapshot: dict) -> str:
    """The template's body text with placeholders filled, escaped, in paragraphs."""
    values = {
        "name": f'<span class="holder">{escape(snapshot["name"])}</span>',
        "course": f"<b>{escape(snapshot['course'])}</b>",
        "completion_date": escape(snapshot.get("completion_date", "")),
        "school": escape(snapshot.get("school", "")),
        "school_year": escape(snapshot.get("school_year", "")),
        "serial": escape(snapshot["serial"]),
        "score": escape(snapshot.get("score") or ""),
    }
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    out = []
    for paragraph in paragraphs:
        text = str(escape(paragraph)).replace("\n", "<br>")
        text = re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), text)
        out.append(f"<p>{text}</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped above


@dataclass
class TemplateAssets:
    """Images of a template as data URIs."""

    logo: str
    background: str
    signatories: list[dict]


def template_assets(template) -> TemplateAssets:
    """Cached per saved template edit; unsaved (previewed) templates are not."""
    if template.pk is None or template.updated_at is None:
        return _load_assets(template)
    return _cached_assets(template.pk, template.version, template.updated_at, template)


@lru_cache(maxsize=32)
def _cached_assets(pk, version, updated_at, template) -> TemplateAssets:
    # Keyed on the edit (version and time), so a change made in another
    # process is never served from this cache.
    return _load_assets(template)


def _load_assets(template) -> TemplateAssets:
    return TemplateAssets(
        logo=image_data_uri(template.logo),
        background=image_data_uri(template.background_image),
        signatories=[
            {
                "name": s.name,
                "title": s.title,
                "image": image_data_uri(s.signature_image),
            }
            for s in template.signatories.all()
        ],
    )


def certificate_html(*, template, snapshot: dict) -> str:
    with override(settings.LANGUAGE_CODE):
        assets = template_assets(template)
        return render_to_string(
            "lms_certificates/pdf/certificate.html",
            {
                "t": template,
                "s": snapshot,
                "assets": assets,
                "issuer_line_2": template.issuer_line_2 or snapshot.get("school", ""),
                "body": body_html(template.body, snapshot),
                "date_line": date_line(template.place, snapshot["issue_date_iso"]),
                "qr": qr_data_uri(snapshot["verification_url"]),
            },
        )


def snapshot_json(snapshot: dict) -> bytes:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, indent=1).encode()


# The shared font configuration is not safe to use from two threads at once;
# renders in one process take turns (workers scale by process, not thread).
_RENDER_LOCK = threading.Lock()


def render_pdf(*, template, snapshot: dict, html: str | None = None) -> bytes:
    """The certificate as PDF/A-3b bytes, with the snapshot attached as JSON."""
    html = html or certificate_html(template=template, snapshot=snapshot)
    with _RENDER_LOCK:
        return _write_pdf(template=template, snapshot=snapshot, html=html)


def _write_pdf(*, template, snapshot: dict, html: str) -> bytes:
    from weasyprint import HTML, Attachment

    stylesheets = [
        base_stylesheet(),
        template_stylesheet(template.pk, template.version, template_css(template)),
    ]
    return HTML(string=html, url_fetcher=url_fetcher(), base_url=None).write_pdf(
        stylesheets=stylesheets,
        font_config=font_config(),
        pdf_variant="pdf/a-3b",
        # Tagged PDF (structure tree) so screen readers read it in order.
        pdf_tags=True,
        pdf_identifier=snapshot["code"].encode(),
        attachments=[
            Attachment(
                string=snapshot_json(snapshot),
                name=ATTACHMENT_NAME,
                description="Certificate record",
                relationship="Data",
                url_fetcher=url_fetcher(),
            )
        ],
        uncompressed_pdf=False,
        custom_metadata=False,
    )


@cache
def _fonts_stylesheet():
    from weasyprint import CSS

    return CSS(
        string=FONT_FACES_CSS, font_config=font_config(), url_fetcher=url_fetcher()
    )


def html_to_pdf(html: str) -> bytes:
    """Another printable document (the family letters) in the shipped fonts
    ("LMS Serif", "LMS Sans"), fetching nothing but them and data: URIs."""
    from weasyprint import HTML

    with _RENDER_LOCK:
        return HTML(string=html, url_fetcher=url_fetcher(), base_url=None).write_pdf(
            stylesheets=[_fonts_stylesheet()],
            font_config=font_config(),
            pdf_tags=True,
        )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_filename(*, name: str, serial: str) -> str:
    """ASCII-safe: chung-nhan-nguyen-thi-anh-tuyet-DEMO-2023-000123.pdf."""
    ascii_name = slugify(anyascii(name)) or "hoc-vien"
    return f"chung-nhan-{ascii_name}-{serial}.pdf"

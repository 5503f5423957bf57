"""A course travels as a pack: export, import, re-import (issue 22 points 1–3)."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses.models import (
    CoursePage,
    LegalDocument,
    LegalReference,
    LessonPage,
)
from courses.packs.services import export_course, import_course, read_pack
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(entries.pop("manifest.json"))
    manifest.pop("source")
    entries["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return entries


def _rich_course(catalogue):
    """A course using every lesson block type and every rich-text reference."""
    Image, Document = get_image_model(), get_document_model()
    image = Image.objects.create(title="Hình", file=get_test_image_file())
    cover = Image.objects.create(
        title="Bìa", file=get_test_image_file(filename="bia.png", colour="red")
    )
    pdf = Document(title="Luật")
    pdf.file.save("luat.pdf", ContentFile(b"%PDF-1.4 luat"), save=False)
    pdf.save()
    video = Document(title="Phim")
    video.file.save("phim.mp4", ContentFile(b"\x00\x00\x00 ftypmp4"), save=False)
    video.save()
    old = LegalDocument.objects.create(
        number="24/2018/QH14", title="Luật An ninh mạng", kind="law"
    )
    new = LegalDocument.objects.create(
        number="116/2025/QH15",
        title="Luật An ninh mạng",
        kind="law",
        in_force_from="2026-07-01",
    )
    old.replaced_by = new
    old.out_of_force_from = new.in_force_from
    old.save()
    article = LegalReference.objects.create(
        document=new, article="2", title="Giải thích từ ngữ", quote="An ninh mạng là…"
    )
    tagged = LegalReference.objects.create(
        document=old, article="8", replaced_by=article
    )
    course = CoursePageFactory(
        parent=catalogue,
        title="Luật An ninh mạng",
        slug="luat-an-ninh-mang",
        cover_image=cover,
        objectives=[("objective", "Biết luật"), ("objective", "Dùng mạng an toàn")],
        for_teachers=True,
    )
    outside = catalogue  # a page that is not a step of the course
    second = LessonPage(
        title="Bài hai", slug="bai-hai", body=[("rich_text", "<p>Hết.</p>")]
    )
    first = LessonPage(
        title="Bài một", slug="bai-mot", body=[("rich_text", "<p>x</p>")]
    )
    course.add_child(instance=first)
    course.add_child(instance=second)
    image.contextual_alt_text, image.decorative = "Một hình", False
    first.body = [
        ("heading", {"text": "Mở đầu", "level": "h2"}),
        (
            "rich_text",
            f'<p>Đọc <a linktype="document" id="{pdf.pk}">luật</a>, sang '
            f'<a linktype="page" id="{second.pk}">bài hai</a>, xem '
            f'<a linktype="page" id="{outside.pk}">danh mục</a> và '
            '<a href="https://vbpl.vn/">vbpl</a>.</p>',
        ),
        (
            "image",
            {
                "image": image,
                "caption": "Chú thích",
            },
        ),
        (
            "video",
            {
                "embed": "https://www.youtube.com/watch?v=abc",
                "file": video,
                "caption": "Phim",
                "transcript": "Lời thoại",
            },
        ),
        (
            "legal_article",
            {
                "reference": article,
                "clause": "Khoản 1",
                "quote": "",
                "quote_source": "Công báo",
                "explanation": "<p>Nói đơn giản.</p>",
            },
        ),
        ("callout", {"kind": "warning", "title": "Chú ý", "text": "<p>OTP</p>"}),
        (
            "scenario",
            {
                "situation": "<p>Có người hỏi mật khẩu.</p>",
                "question": "Em sẽ làm gì?",
                "options": ["Cho", "Không cho"],
                "recommended": "<p>Không cho.</p>",
            },
        ),
        ("document", {"document": pdf, "description": "Toàn văn"}),
        ("key_takeaways", {"title": "Ghi nhớ", "items": ["Một", "Hai"]}),
        (
            "link_card",
            {
                "url": "https://vbpl.vn/",
                "title": "vbpl",
                "description": "Văn bản",
                "source": "Bộ Tư pháp",
            },
        ),
    ]
    first.legal_references.set([tagged])
    first.save_revision().publish()
    return course


@pytest.fixture(autouse=True)
def _no_network_embeds(monkeypatch):
    # The video block checks its address with the embed provider, as the
    # editor does; tests do not reach the network.
    monkeypatch.setattr("wagtail.embeds.embeds.get_embed", lambda *a, **k: object())


@pytest.fixture
def other_catalogue(site_root):
    return CourseIndexPageFactory(parent=site_root, title="Trường", slug="truong")


def _media_count(settings):
    from pathlib import Path

    return sum(1 for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def test_export_then_import_into_an_empty_site_gives_the_same_pack(
    catalogue, other_catalogue
):
    course = _rich_course(catalogue)
    first = export_course(course)
    names = set(_entries(first))
    assert "lessons/01-bai-mot.yaml" in names and "legal.yaml" in names
    # An empty site: the course, its files and its legal texts are gone.
    CoursePage.objects.filter(pk=course.pk).delete()
    get_image_model().objects.all().delete()
    get_document_model().objects.all().delete()
    LegalReference.objects.all().delete()
    LegalDocument.objects.all().delete()

    report = import_course(read_pack(first), catalogue=other_catalogue)

    assert report.created
    again = export_course(report.course)
    before, after = _entries(first), _entries(again)
    assert sorted(after) == sorted(before)
    for name in before:
        if name.endswith((".yaml", ".json")):
            assert after[name].decode() == before[name].decode(), name
    assert after == before
    assert get_image_model().objects.count() == 2
    assert LegalDocument.objects.get(number="24/2018/QH14").replaced_by.number == (
        "116/2025/QH15"
    )

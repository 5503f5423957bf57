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
from courses.packs.container import PackError
from courses.packs.services import export_course, import_course, read_pack
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.people.factories import UserFactory


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


# -- A small pack written by hand ---------------------------------------------


def _lesson(slug="bai-mot", **overrides):
    data = {
        "title": "Bài một",
        "slug": slug,
        "estimated_minutes": 5,
        "required": True,
        "legal_references": [],
        "principles": ["Tôn trọng, tuân thủ pháp luật"],
        "body": [
            {"heading": {"text": "Mở đầu", "level": "h2"}},
            {"rich_text": "<p>Nội dung.</p>"},
        ],
    }
    data.update(overrides)
    return data


def _hand_pack(*, pack_id="goi-1", course=None, lessons=None, files=None) -> bytes:
    from courses.packs.container import PackWriter

    writer = PackWriter()
    lessons = lessons if lessons is not None else {"lessons/01-bai-mot.yaml": _lesson()}
    for name, data in lessons.items():
        writer.add_yaml(name, data)
    for name, data in (files or {}).items():
        writer.add_bytes(name, data)
    writer.add_yaml(
        "course.yaml",
        {
            "title": "Khóa học mẫu",
            "slug": "khoa-hoc-mau",
            "summary": "Tóm tắt.",
            "audience": ["students"],
            "steps": list(lessons),
            **(course or {}),
        },
    )
    return writer.finish(pack_id=pack_id, title="Khóa học mẫu", source={})


def _counts():
    from wagtail.models import Page

    return (
        Page.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        LegalDocument.objects.count(),
    )


@pytest.mark.parametrize(
    ("lessons", "course", "files", "named"),
    [
        (
            {"lessons/01-bai-mot.yaml": _lesson(body=[{"carousel": {}}])},
            None,
            None,
            "lessons/01-bai-mot.yaml: khối 1 (carousel)",
        ),
        (
            {
                "lessons/01-bai-mot.yaml": _lesson(
                    body=[
                        {"rich_text": "<p>x</p>"},
                        {"document": {"document": "files/documents/khong-co.pdf"}},
                    ]
                )
            },
            None,
            None,
            "lessons/01-bai-mot.yaml: khối 2 (document)",
        ),
        (
            {"lessons/01-bai-mot.yaml": _lesson(body=[{"heading": {"txt": "x"}}])},
            None,
            None,
            "khóa không xác định txt",
        ),
        (
            {"lessons/01-bai-mot.yaml": _lesson(body=[{"heading": {"text": 3}}])},
            None,
            None,
            "text phải là văn bản",
        ),
        (
            {"lessons/01-bai-mot.yaml": _lesson(estimated_minutes="năm")},
            None,
            None,
            "lessons/01-bai-mot.yaml: estimated_minutes",
        ),
        (
            {
                "lessons/01-bai-mot.yaml": _lesson(
                    body=[{"legal_article": {"reference": "1/2000/QH10 Điều 1"}}]
                )
            },
            None,
            None,
            "1/2000/QH10 Điều 1",
        ),
        (
            {
                "lessons/01-bai-mot.yaml": _lesson(),
                "lessons/02-bai-hai.yaml": _lesson(slug="bai-hai"),
            },
            {"steps": ["lessons/01-bai-mot.yaml"]},
            None,
            "lessons/02-bai-hai.yaml: ",
        ),
        (
            {
                "lessons/01-bai-mot.yaml": _lesson(),
                "lessons/02-bai-mot.yaml": _lesson(),
            },
            None,
            None,
            "bai-mot",
        ),
        (
            None,
            {"cover_image": "files/images/bia.png"},
            None,
            "course.yaml: ",
        ),
        (
            {
                "lessons/01-bai-mot.yaml": _lesson(
                    body=[
                        {"rich_text": '<p><a linktype="step" slug="khong-co">x</a></p>'}
                    ]
                )
            },
            None,
            None,
            "khong-co",
        ),
    ],
    ids=[
        "unknown-block-type",
        "missing-file",
        "unknown-key",
        "wrong-value-type",
        "wrong-lesson-field-type",
        "reference-not-in-legal-yaml",
        "lesson-not-in-steps",
        "two-steps-one-slug",
        "missing-cover",
        "link-to-a-missing-step",
    ],
)
def test_invalid_packs_are_refused_naming_the_file_with_nothing_written(
    catalogue, settings, lessons, course, files, named
):
    data = _hand_pack(lessons=lessons, course=course, files=files)
    before, media = _counts(), _media_count(settings)

    with pytest.raises(PackError) as refused:
        import_course(read_pack(data), catalogue=catalogue)

    assert named in str(refused.value)
    assert _counts() == before
    assert _media_count(settings) == media


def test_bad_yaml_is_refused_with_its_line(catalogue):
    from courses.packs.container import PackWriter

    writer = PackWriter()
    writer.add_text("course.yaml", "title: [khong dong\nslug: x\n")
    data = writer.finish(pack_id="p", title="x", source={})

    with pytest.raises(PackError) as refused:
        read_pack(data)

    assert refused.value.entry == "course.yaml"


def test_a_block_the_editor_refuses_is_refused_and_its_files_removed(
    catalogue, settings
):
    # A figure without alternative text: the image is stored while applying,
    # then the block's own validation refuses it; nothing stays behind.
    png = get_test_image_file().file.getvalue()
    lesson = _lesson(
        body=[{"image": {"image": "files/images/hinh.png", "caption": "x"}}]
    )
    data = _hand_pack(
        lessons={"lessons/01-bai-mot.yaml": lesson},
        files={"files/images/hinh.png": png},
    )
    before, media = _counts(), _media_count(settings)

    with pytest.raises(PackError) as refused:
        import_course(read_pack(data), catalogue=catalogue)

    assert "khối 1 (image)" in str(refused.value)
    assert _counts() == before
    assert _media_count(settings) == media


def test_a_dry_run_previews_and_writes_nothing(catalogue, settings):
    before = _counts()

    report = import_course(read_pack(_hand_pack()), catalogue=catalogue, dry_run=True)

    assert report.course is None and report.created
    assert ("course", "Khóa học mẫu", "new") in report.items
    assert ("lesson", "Bài một", "new") in report.items
    assert _counts() == before


def test_reimporting_a_pack_updates_its_course_and_keeps_learners_records(
    catalogue, student
):
    from courses.models import CourseCompletion, Enrolment, LessonProgress

    first = import_course(read_pack(_hand_pack()), catalogue=catalogue).course
    lesson = LessonPage.objects.child_of(first).get()
    Enrolment.objects.create(user=student, course=first, source="self")
    LessonProgress.objects.create(
        user=student, lesson=lesson, course=first, lesson_title=lesson.title
    )
    CourseCompletion.objects.create(user=student, course=first, course_title="x")
    changed = _hand_pack(
        lessons={
            "lessons/01-bai-hai.yaml": _lesson(slug="bai-hai", title="Bài mới"),
            "lessons/02-bai-mot.yaml": _lesson(title="Bài một (sửa)"),
        }
    )

    report = import_course(read_pack(changed), catalogue=catalogue)

    assert not report.created and report.course.pk == first.pk
    assert ("lesson", "Bài một (sửa)", "update") in report.items
    lessons = list(LessonPage.objects.child_of(first).order_by("path"))
    assert [page.slug for page in lessons] == ["bai-hai", "bai-mot"]
    assert lessons[1].pk == lesson.pk and lessons[1].title == "Bài một (sửa)"
    assert Enrolment.objects.filter(user=student, course=first).exists()
    assert LessonProgress.objects.filter(user=student, lesson=lesson).exists()
    assert CourseCompletion.objects.filter(user=student, course=first).exists()


def test_a_course_with_the_same_slug_from_another_pack_is_not_overwritten(catalogue):
    other = CoursePageFactory(parent=catalogue, slug="khoa-hoc-mau", title="Của trường")

    report = import_course(read_pack(_hand_pack()), catalogue=catalogue)

    assert report.created and report.course.pk != other.pk
    assert report.course.slug == "khoa-hoc-mau-2"
    other.refresh_from_db()
    assert other.title == "Của trường" and other.pack_id == ""


def test_a_new_title_names_the_imported_course(catalogue):
    report = import_course(
        read_pack(_hand_pack()), catalogue=catalogue, title="Khóa học của trường"
    )

    assert report.course.title == "Khóa học của trường"
    assert report.course.pack_id == "goi-1"
    assert report.course.live


def test_an_editor_who_may_not_publish_imports_drafts(catalogue, monkeypatch):
    monkeypatch.setattr("courses.policies.may_publish_in", lambda **kw: False)
    editor = UserFactory(username="gv")

    report = import_course(read_pack(_hand_pack()), catalogue=catalogue, user=editor)

    course = CoursePage.objects.get(pk=report.course.pk)
    assert not course.live and course.latest_revision is not None
    assert not LessonPage.objects.child_of(course).get().live


def test_the_commands_export_and_import_a_course(catalogue, other_catalogue, tmp_path):
    from django.core.management import call_command

    import_course(read_pack(_hand_pack()), catalogue=catalogue)
    target = tmp_path / "goi.zip"
    out = io.StringIO()

    call_command("export_course", "khoa-hoc-mau", output=str(target), stdout=out)
    call_command(
        "import_course", str(target), catalogue="truong", stdout=out, dry_run=True
    )
    assert not CoursePage.objects.child_of(other_catalogue).exists()
    call_command("import_course", str(target), catalogue="truong", stdout=out)

    assert CoursePage.objects.child_of(other_catalogue).get().slug == "khoa-hoc-mau"
    folder = tmp_path / "goi"
    call_command(
        "export_course",
        "khoa-hoc-mau",
        "--catalogue",
        "truong",
        "--folder",
        str(folder),
        stdout=out,
    )
    assert (folder / "lessons" / "01-bai-mot.yaml").exists()


def test_the_import_command_fails_with_the_pack_error(catalogue, tmp_path):
    from django.core.management import CommandError, call_command

    target = tmp_path / "hong.zip"
    target.write_bytes(
        _hand_pack(lessons={"lessons/01-bai-mot.yaml": _lesson(body=[{"x": {}}])})
    )

    with pytest.raises(CommandError) as failed:
        call_command("import_course", str(target), catalogue="khoa-hoc")

    assert "lessons/01-bai-mot.yaml" in str(failed.value)


def test_rich_text_keeps_only_what_the_editor_allows(catalogue):
    lesson = _lesson(
        body=[
            {
                "rich_text": '<p onclick="x()">Chào <b>em</b></p>'
                "<script>alert(1)</script><style>p{}</style>"
            }
        ]
    )
    data = _hand_pack(lessons={"lessons/01-bai-mot.yaml": lesson})

    course = import_course(read_pack(data), catalogue=catalogue).course

    page = LessonPage.objects.child_of(course).get()
    stored = page.body.raw_data[0]["value"]
    assert "<b>em</b>" in stored
    assert "script" not in stored and "onclick" not in stored and "style" not in stored


def test_a_copied_course_is_not_the_course_of_its_pack(catalogue):
    course = import_course(read_pack(_hand_pack()), catalogue=catalogue).course

    copy = course.copy(update_attrs={"slug": "ban-sao", "title": "Bản sao"})

    assert CoursePage.objects.get(pk=copy.pk).pack_id == ""


def test_the_site_copy_of_a_legal_document_is_kept_and_the_difference_shown(
    catalogue,
):
    from courses.packs.container import PackWriter

    LegalDocument.objects.create(number="116/2025/QH15", title="Luật của trang")
    writer = PackWriter()
    writer.add_yaml(
        "lessons/01-bai-mot.yaml",
        _lesson(legal_references=["116/2025/QH15 Điều 2"]),
    )
    writer.add_yaml(
        "legal.yaml",
        {
            "documents": [
                {"number": "116/2025/QH15", "title": "Luật An ninh mạng", "kind": "law"}
            ],
            "references": [
                {
                    "key": "116/2025/QH15 Điều 2",
                    "document": "116/2025/QH15",
                    "article": "2",
                }
            ],
        },
    )
    writer.add_yaml(
        "course.yaml",
        {
            "title": "Khóa học mẫu",
            "slug": "khoa-hoc-mau",
            "summary": "Tóm tắt.",
            "steps": ["lessons/01-bai-mot.yaml"],
        },
    )
    pack = read_pack(writer.finish(pack_id="p", title="x", source={}))

    report = import_course(pack, catalogue=catalogue)

    assert ("legal-document", "116/2025/QH15", "differs") in report.items
    assert ("legal-reference", "116/2025/QH15 Điều 2", "new") in report.items
    assert LegalDocument.objects.get().title == "Luật của trang"
    lesson = LessonPage.objects.child_of(report.course).get()
    assert [r.article for r in lesson.legal_references.all()] == ["2"]


def test_only_those_who_may_publish_in_a_catalogue_import_live_pages(catalogue):
    from courses.policies import may_publish_in

    boss = UserFactory(username="boss", is_superuser=True)
    nobody = UserFactory(username="nobody")

    assert may_publish_in(user=boss, catalogue=catalogue)
    assert not may_publish_in(user=nobody, catalogue=catalogue)


def test_a_dry_run_runs_the_editors_checks_and_leaves_nothing(catalogue, settings):
    png = get_test_image_file().file.getvalue()
    lesson = _lesson(body=[{"image": {"image": "files/images/hinh.png"}}])
    data = _hand_pack(
        lessons={"lessons/01-bai-mot.yaml": lesson},
        files={"files/images/hinh.png": png},
    )
    before, media = _counts(), _media_count(settings)

    with pytest.raises(PackError) as refused:
        import_course(read_pack(data), catalogue=catalogue, dry_run=True)

    assert "khối 1 (image)" in str(refused.value)
    assert _counts() == before
    assert _media_count(settings) == media


def test_a_lesson_left_out_of_the_pack_stays_and_is_reported(catalogue):
    two = {
        "lessons/01-bai-mot.yaml": _lesson(),
        "lessons/02-bai-hai.yaml": _lesson(slug="bai-hai", title="Bài hai"),
    }
    course = import_course(read_pack(_hand_pack(lessons=two)), catalogue=catalogue)
    course = course.course

    report = import_course(read_pack(_hand_pack()), catalogue=catalogue)

    assert ("lesson", "Bài hai", "removed-from-pack") in report.items
    slugs = [p.slug for p in LessonPage.objects.child_of(course).order_by("path")]
    assert slugs == ["bai-mot", "bai-hai"]


def test_the_import_command_picks_the_catalogue_of_the_named_school(
    site_root, tmp_path
):
    from django.core.management import CommandError, call_command

    from tests.people.factories import SchoolFactory

    hoa_sen = SchoolFactory(code="HOASEN")
    SchoolFactory(code="BINHMINH")
    CourseIndexPageFactory(parent=site_root, slug="kh", school=hoa_sen)
    target = tmp_path / "goi.zip"
    target.write_bytes(_hand_pack())

    with pytest.raises(CommandError):
        call_command("import_course", str(target), catalogue="kh", school="binhminh")
    call_command(
        "import_course",
        str(target),
        catalogue="kh",
        school="hoasen",
        stdout=io.StringIO(),
    )

    course = CoursePage.objects.get(pack_id="goi-1")
    assert course.get_parent().specific.school == hoa_sen


def test_a_page_the_site_refuses_is_a_pack_error(catalogue):
    data = _hand_pack(course={"title": "Rất dài " * 40})
    before = _counts()

    with pytest.raises(PackError):
        import_course(read_pack(data), catalogue=catalogue)

    assert _counts() == before


@pytest.mark.parametrize(
    ("folder", "name"),
    [("documents", "trang.html"), ("documents", "anh.svg"), ("images", "anh.svg")],
)
def test_a_file_of_a_kind_the_site_does_not_accept_is_refused(catalogue, folder, name):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from courses.packs.container import PackError, PackReader, PackWriter
    from courses.packs.sections import ImportContext

    writer = PackWriter()
    path = writer.add_file(folder, name, b"<svg onload='alert(1)'/>")
    pack = PackReader.open(writer.finish(pack_id="p", title="t", source={}))
    context = ImportContext(pack=pack, catalogue=catalogue)
    fetch = context.image if folder == "images" else context.document
    with pytest.raises(PackError) as raised:
        fetch(path, referred_from="lessons/01-a.yaml")
    assert raised.value.entry == path
    assert not get_document_model().objects.exists()
    assert not get_image_model().objects.exists()

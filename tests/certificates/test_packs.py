"""The certificate section of a course pack (issue 22): the course's settings
and the templates they use, with signatories and pictures, out and back."""

import io

import pytest
import yaml
from django.core.files.base import ContentFile
from wagtail.images import get_image_model

from certificates import packs
from certificates.models import (
    CertificateSignatory,
    CertificateTemplate,
    CourseCertificateSetting,
)
from courses.models import Audience
from courses.packs.container import PackError, PackReader, PackWriter
from courses.packs.sections import ExportContext, ImportContext, sections
from tests.certificates.factories import (
    CertificateTemplateFactory,
    CourseCertificateSettingFactory,
)
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory
from tests.people.factories import SchoolFactory


def _png(colour: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(out, format="PNG")
    return out.getvalue()


def _image(name: str, colour: str):
    image = get_image_model()(title=name, file=ContentFile(_png(colour), name=name))
    image.save()
    return image


@pytest.fixture
def source(site_root):
    catalogue = CourseIndexPageFactory(parent=site_root, slug="thu-vien")
    course = CoursePageFactory(parent=catalogue, title="An ninh mạng")
    template = CertificateTemplateFactory(
        name="Mẫu Sở",
        school=SchoolFactory(code="NGUON"),
        page_size="A5",
        orientation="portrait",
        issuer_line_2="TRƯỜNG THPT DEMO",
        national_header=False,
        place="Hà Nội",
        accent_colour="#123456",
        extra_css=".title { letter-spacing: 2px; }",
        show_score=True,
        background_image=_image("nen.png", "white"),
        logo=_image("logo.png", "red"),
        signatories=[("GIÁM ĐỐC", "Lê Văn A"), ("HIỆU TRƯỞNG", "Trần Thị B")],
    )
    signatory = template.signatories.get(name="Lê Văn A")
    signatory.signature_image = _image("chu-ky.png", "blue")
    signatory.save()
    CourseCertificateSettingFactory(
        course=course, template=template, audience="students", auto_issue=False
    )
    CourseCertificateSettingFactory(
        course=course,
        template=template,
        audience="teachers",
        valid_days=365,
        sort_order=1,
    )
    return course


def _export(course) -> tuple[object, dict]:
    writer = PackWriter()
    value = packs.export_section(course, ExportContext(course=course, writer=writer))
    return value, writer.entries


def _reader(entries: dict) -> PackReader:
    writer = PackWriter()
    for name, data in entries.items():
        writer.add_bytes(name, data)
    return PackReader.open(writer.finish(pack_id="p", title="T", source={}))


def _target(site_root, code="T01", title="An ninh mạng"):
    school = SchoolFactory(code=code)
    catalogue = CourseIndexPageFactory(
        parent=site_root, slug=f"truong-{code.lower()}", school=school
    )
    return CoursePageFactory(parent=catalogue, title=title)


def _import(entries: dict, course, value="certificate.yaml") -> ImportContext:
    context = ImportContext(
        pack=_reader(entries), catalogue=course.get_parent().specific, course=course
    )
    packs.import_plan(value, context)
    packs.import_apply(value, context)
    return context


def test_the_certificate_section_comes_after_the_quizzes():
    found = [section for section in sections() if section.name == "certificate"]
    assert [section.order for section in found] == [30]


def test_a_course_without_certificate_settings_has_no_certificate_file(site_root):
    catalogue = CourseIndexPageFactory(parent=site_root)
    course = CoursePageFactory(parent=catalogue)
    assert _export(course) == (None, {})


def test_a_template_with_signatories_and_pictures_comes_back_the_same(
    source, site_root
):
    value, entries = _export(source)
    assert value == "certificate.yaml"
    data = yaml.safe_load(entries["certificate.yaml"])
    assert data["settings"] == [
        {
            "audience": "students",
            "template": "Mẫu Sở",
            "auto_issue": False,
            "valid_days": None,
        },
        {
            "audience": "teachers",
            "template": "Mẫu Sở",
            "auto_issue": True,
            "valid_days": 365,
        },
    ]
    (template,) = data["templates"]
    assert template["logo"] == "files/images/logo.png"
    assert template["signatories"][0]["signature_image"] == "files/images/chu-ky.png"

    # The template's name is taken on this site: a new one is named after
    # the course. A fresh site would keep the name (below).
    target = _target(site_root)
    context = _import(entries, target)

    copy = CertificateTemplate.objects.get(name="Mẫu Sở (An ninh mạng)")
    assert copy.school == target.get_parent().specific.school
    assert ("certificate", "Mẫu Sở (An ninh mạng)", "new") in context.items
    assert list(
        CourseCertificateSetting.objects.filter(course=target).values_list(
            "audience", "template", "auto_issue", "valid_days"
        )
    ) == [("students", copy.pk, False, None), ("teachers", copy.pk, True, 365)]
    assert [s.name for s in copy.signatories.order_by("sort_order")] == [
        "Lê Văn A",
        "Trần Thị B",
    ]
    again_value, again = _export(target)
    renamed = yaml.safe_load(again["certificate.yaml"])
    assert renamed["templates"][0]["name"] == "Mẫu Sở (An ninh mạng)"
    renamed["templates"][0]["name"] = "Mẫu Sở"
    for setting in renamed["settings"]:
        setting["template"] = "Mẫu Sở"
    assert renamed == data
    assert {k: v for k, v in again.items() if k != "certificate.yaml"} == {
        k: v for k, v in entries.items() if k != "certificate.yaml"
    }


def test_on_a_fresh_site_the_pack_gives_the_same_file(source, site_root):
    value, entries = _export(source)
    # Empty the site's templates, as on another deployment.
    CourseCertificateSetting.objects.all().delete()
    CertificateSignatory.objects.all().delete()
    CertificateTemplate.objects.all().delete()
    target = _target(site_root)

    _import(entries, target)

    assert CertificateTemplate.objects.get().name == "Mẫu Sở"
    assert _export(target) == (value, entries)


def test_importing_again_reuses_the_identical_template(source, site_root):
    _value, entries = _export(source)
    target = _target(site_root)
    _import(entries, target)
    templates = CertificateTemplate.objects.count()

    context = _import(entries, target)

    assert CertificateTemplate.objects.count() == templates
    assert ("certificate", "Mẫu Sở (An ninh mạng)", "unchanged") in context.items
    teachers = str(Audience.TEACHERS.label)
    assert ("certificate setting", teachers, "update") in context.items


def test_a_changed_template_is_made_anew_under_a_numbered_name(source, site_root):
    _value, entries = _export(source)
    target = _target(site_root)
    _import(entries, target)
    data = yaml.safe_load(entries["certificate.yaml"])
    data["templates"][0]["place"] = "Đà Nẵng"
    changed = {**entries, "certificate.yaml": yaml.safe_dump(data).encode()}

    _import(changed, target)

    newest = CertificateTemplate.objects.get(name="Mẫu Sở (An ninh mạng) 2")
    assert newest.place == "Đà Nẵng"
    assert set(
        CourseCertificateSetting.objects.filter(course=target).values_list(
            "template", flat=True
        )
    ) == {newest.pk}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["templates"][0].update(body="Chúc mừng {hoten}"), "body"),
        (lambda d: d["templates"][0].update(accent_colour="red"), "accent_colour"),
        (lambda d: d["templates"][0].update(watermark=True), "watermark"),
        (lambda d: d["templates"][0].update(logo="files/images/khong.png"), "khong"),
        (lambda d: d["settings"][0].update(audience="parents"), "settings 1"),
        (lambda d: d["templates"][0].update(signatories=[]), "signatories"),
    ],
)
def test_a_bad_certificate_file_is_refused_naming_the_field(
    source, site_root, change, where
):
    _value, entries = _export(source)
    data = yaml.safe_load(entries["certificate.yaml"])
    change(data)
    bad = {**entries, "certificate.yaml": yaml.safe_dump(data).encode()}
    target = _target(site_root)
    templates = CertificateTemplate.objects.count()

    with pytest.raises(PackError) as refused:
        _import(bad, target)

    assert refused.value.entry == "certificate.yaml"
    assert where in str(refused.value)
    assert CertificateTemplate.objects.count() == templates
    assert not CourseCertificateSetting.objects.filter(course=target).exists()


def test_a_course_pack_with_its_certificate_comes_back_the_same(source, site_root):
    from courses.packs.services import export_course, import_course, read_pack

    pack = export_course(source)
    assert yaml.safe_load(PackReader.open(pack).entries["course.yaml"])[
        "certificate"
    ] == ("certificate.yaml")
    # Another deployment: none of the source's templates.
    CourseCertificateSetting.objects.all().delete()
    CertificateSignatory.objects.all().delete()
    CertificateTemplate.objects.all().delete()
    catalogue = CourseIndexPageFactory(
        parent=site_root, slug="truong-b", school=SchoolFactory(code="B01")
    )

    report = import_course(read_pack(pack), catalogue=catalogue)

    assert ("certificate", "Mẫu Sở", "new") in report.items
    again = PackReader.open(export_course(report.course))
    first = PackReader.open(pack)
    # The same pack, but when and where it was exported.
    assert {**again.manifest, "source": None} == {**first.manifest, "source": None}
    assert {k: v for k, v in again.entries.items() if k != "manifest.json"} == {
        k: v for k, v in first.entries.items() if k != "manifest.json"
    }


def test_the_preview_names_the_template_after_the_new_title(source, site_root):
    from courses.packs.services import export_course, import_course, read_pack

    pack = export_course(source)
    catalogue = CourseIndexPageFactory(
        parent=site_root, slug="truong-b", school=SchoolFactory(code="B01")
    )

    report = import_course(
        read_pack(pack), catalogue=catalogue, title="Luật mới", dry_run=True
    )

    assert ("certificate", "Mẫu Sở (Luật mới)", "new") in report.items
    assert not CertificateTemplate.objects.filter(name__contains="Luật mới").exists()


def test_a_school_reuses_the_identical_template_of_the_department_library(
    source, site_root
):
    library_template = CertificateTemplate.objects.get(name="Mẫu Sở")
    library_template.school = None
    library_template.save()
    _value, entries = _export(source)
    target = _target(site_root)

    context = _import(entries, target)

    assert ("certificate", "Mẫu Sở", "unchanged") in context.items
    assert set(
        CourseCertificateSetting.objects.filter(course=target).values_list(
            "template", flat=True
        )
    ) == {library_template.pk}

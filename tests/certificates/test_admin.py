"""Wagtail admin: templates with a PDF preview, the course tab, the ledger pages."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateStatus, CertificateTemplate
from courses.models import CoursePage

pytestmark = pytest.mark.django_db


def test_template_listing_has_a_preview_pdf_button_that_renders(
    client, superuser, template
):
    client.force_login(superuser)
    listing = client.get(
        reverse("wagtailsnippets_lms_certificates_certificatetemplate:list")
    )
    preview_url = reverse("lms_certificates_template_preview", args=[template.pk])
    assert preview_url in listing.content.decode()
    response = client.get(preview_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Nguyễn Thị Ánh Tuyết" in text and "DEMO-2023-000123" in text


def test_template_edit_form_saves_and_bumps_the_version(client, superuser, template):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    client.force_login(superuser)
    url = reverse(
        "wagtailsnippets_lms_certificates_certificatetemplate:edit", args=[template.pk]
    )
    assert client.get(url).status_code == 200
    signatory = template.signatories.get()
    data = nested_form_data(
        {
            "name": template.name,
            "page_size": "A4",
            "orientation": "portrait",
            "issuer_line_1": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
            "issuer_line_2": "",
            "national_header": "on",
            "title": "GIẤY CHỨNG NHẬN",
            "body": "Chứng nhận {name} đã hoàn thành {course}.",
            "place": "TP. Hồ Chí Minh",
            "accent_colour": "#003366",
            "extra_css": "",
            "signatories": inline_formset(
                [{"id": signatory.pk, "title": "HIỆU TRƯỞNG", "name": "Lê Văn Ký"}],
                initial=1,
            ),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    template.refresh_from_db()
    assert template.orientation == "portrait" and template.version == 2
    data["body"] = "Sai {ten_khong_co}"
    bad = client.post(url, data)
    assert bad.status_code == 200 and "ten_khong_co" in bad.content.decode()


def test_course_editor_has_a_certificates_tab(client, superuser, make_course, template):
    course, _ = make_course(lessons=1)
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content
    html = html.decode()
    assert "certificate_settings-TOTAL_FORMS" in html
    assert "Chứng nhận" in html or "Giấy chứng nhận" in html
    edit_handler = CoursePage.get_edit_handler()
    assert "Giấy chứng nhận" in [str(tab.heading) for tab in edit_handler.children]


def test_default_template_comes_from_the_data_migration(db):
    from certificates.defaults import DEFAULT_TEMPLATE_NAME

    template = CertificateTemplate.objects.get(name=DEFAULT_TEMPLATE_NAME)
    assert template.title == "GIẤY CHỨNG NHẬN"
    assert template.signatories.get().title == "HIỆU TRƯỞNG"


def test_staff_revoke_and_reissue_from_the_admin(
    client, superuser, certified_course, tuyet, complete
):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    certificate = Certificate.objects.get()
    client.force_login(superuser)
    url = reverse("lms_certificates_admin_detail", args=[certificate.pk])
    assert certificate.serial in client.get(url).content.decode()
    listing = client.get(reverse("lms_certificates_admin_list"), {"q": "Ánh Tuyết"})
    assert certificate.serial in listing.content.decode()
    response = client.post(url, {"action": "reissue", "reason": "Sửa tên"})
    new = Certificate.objects.get(replaces=certificate)
    assert response["Location"] == reverse(
        "lms_certificates_admin_detail", args=[new.pk]
    )
    client.post(
        reverse("lms_certificates_admin_detail", args=[new.pk]),
        {"action": "revoke", "reason": "Cấp nhầm"},
    )
    new.refresh_from_db()
    assert new.status == CertificateStatus.REVOKED


def test_staff_issue_one_renders_one_pdf(
    client, superuser, certified_course, tuyet, complete
):
    from unittest import mock

    from certificates import rendering, services

    course, lessons = certified_course
    with mock.patch.object(services, "auto_issue_wanted", return_value=False):
        complete(tuyet, course, lessons)
    client.force_login(superuser)
    real = rendering.render_pdf
    with mock.patch.object(rendering, "render_pdf", side_effect=real) as render:
        response = client.post(
            reverse("lms_certificates_issue_one"),
            {"user": tuyet.pk, "course": course.pk},
        )
    assert render.call_count == 1
    certificate = Certificate.objects.get()
    assert certificate.issued_by == superuser
    assert response["Location"] == reverse(
        "lms_certificates_admin_detail", args=[certificate.pk]
    )


def test_live_preview_of_unsaved_edits_is_a_pdf(client, superuser, template):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    client.force_login(superuser)
    url = reverse(
        "wagtailsnippets_lms_certificates_certificatetemplate:preview_on_edit",
        args=[template.pk],
    )
    data = nested_form_data(
        {
            "name": template.name,
            "page_size": "A5",
            "orientation": "landscape",
            "issuer_line_1": "",
            "issuer_line_2": "TRƯỜNG THPT XEM TRƯỚC",
            "national_header": "on",
            "title": "GIẤY KHEN THỬ",
            "body": "Chứng nhận {name}.",
            "place": "Hà Nội",
            "accent_colour": "#003366",
            "extra_css": "",
            "signatories": inline_formset([{"title": "HIỆU TRƯỞNG", "name": "A"}]),
        }
    )
    assert client.post(url, data).json()["is_valid"] is True
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "GIẤY KHEN THỬ" in text and "TRƯỜNG THPT XEM TRƯỚC" in text
    template.refresh_from_db()
    assert template.title == "GIẤY CHỨNG NHẬN"  # nothing saved

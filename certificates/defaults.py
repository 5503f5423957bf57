"""The default Vietnamese certificate template, in the usual official layout.

The data migration 0002 creates it from these values (copied there, as
migrations must not change when this module does); `default_template_ensure`
recreates it where it is missing (demo seeding, tests after a flush).
"""

DEFAULT_TEMPLATE_NAME = "Mẫu mặc định – Giấy chứng nhận"

DEFAULT_TEMPLATE = {
    "page_size": "A4",
    "orientation": "landscape",
    "issuer_line_1": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "issuer_line_2": "",
    "national_header": True,
    "title": "GIẤY CHỨNG NHẬN",
    "body": (
        "Chứng nhận: {name}\n\n"
        "Đơn vị: {school} – Năm học {school_year}\n\n"
        "Đã hoàn thành khóa học “{course}”\n"
        "ngày {completion_date}."
    ),
    "place": "TP. Hồ Chí Minh",
    "accent_colour": "#8b0000",
}
DEFAULT_SIGNATORY = {"title": "HIỆU TRƯỞNG", "name": "Họ và tên người ký"}


def default_template_ensure():
    from .models import CertificateSignatory, CertificateTemplate

    template, created = CertificateTemplate.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME, defaults=DEFAULT_TEMPLATE
    )
    if created or not template.signatories.exists():
        CertificateSignatory.objects.create(
            template=template, sort_order=0, **DEFAULT_SIGNATORY
        )
    return template

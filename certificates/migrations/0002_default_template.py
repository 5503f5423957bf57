from django.db import migrations

NAME = "Mẫu mặc định – Giấy chứng nhận"


def create_default_template(apps, schema_editor):
    CertificateTemplate = apps.get_model("lms_certificates", "CertificateTemplate")
    CertificateSignatory = apps.get_model("lms_certificates", "CertificateSignatory")
    if CertificateTemplate.objects.filter(name=NAME).exists():
        return
    template = CertificateTemplate.objects.create(
        name=NAME,
        page_size="A4",
        orientation="landscape",
        issuer_line_1="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        issuer_line_2="",
        national_header=True,
        title="GIẤY CHỨNG NHẬN",
        body=(
            "Chứng nhận: {name}\n\n"
            "Đơn vị: {school} – Năm học {school_year}\n\n"
            "Đã hoàn thành khoá học “{course}”\n"
            "ngày {completion_date}."
        ),
        place="TP. Hồ Chí Minh",
        accent_colour="#8b0000",
        extra_css="",
        show_score=False,
        version=1,
    )
    CertificateSignatory.objects.create(
        template=template, sort_order=0, title="HIỆU TRƯỞNG", name="Họ và tên người ký"
    )


def remove_default_template(apps, schema_editor):
    CertificateTemplate = apps.get_model("lms_certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(name=NAME, course_settings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("lms_certificates", "0001_certificate_ledger")]

    operations = [
        migrations.RunPython(create_default_template, remove_default_template)
    ]

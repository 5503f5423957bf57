from django.db import migrations
from django.db.models import F

# The default template as migration 0002 wrote it, spelt "khoá"; the Ministry's
# 2018 rule puts the tone mark on the "o": "khóa". Only a body nobody edited is
# rewritten, and its version moves on like any other edit.
NAME = "Mẫu mặc định – Giấy chứng nhận"
OLD_BODY = (
    "Chứng nhận: {name}\n\n"
    "Đơn vị: {school} – Năm học {school_year}\n\n"
    "Đã hoàn thành kho\u00e1 học “{course}”\n"
    "ngày {completion_date}."
)
NEW_BODY = OLD_BODY.replace("kho\u00e1 học", "kh\u00f3a học")


def respell(apps, schema_editor):
    CertificateTemplate = apps.get_model("lms_certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(name=NAME, body=OLD_BODY).update(
        body=NEW_BODY, version=F("version") + 1
    )


class Migration(migrations.Migration):
    dependencies = [("lms_certificates", "0004_template_rights_for_managers")]

    operations = [migrations.RunPython(respell, migrations.RunPython.noop)]

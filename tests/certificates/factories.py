import factory

from certificates.models import (
    CertificateSignatory,
    CertificateTemplate,
    CourseCertificateSetting,
)


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Mẫu chứng nhận {n}")
    issuer_line_1 = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    title = "GIẤY CHỨNG NHẬN"
    body = (
        "Chứng nhận: {name}\n\nĐơn vị: {school} – Năm học {school_year}\n\n"
        "Đã hoàn thành khóa học “{course}” ngày {completion_date}."
    )

    @factory.post_generation
    def signatories(template, create, extracted, **kwargs):
        if not create:
            return
        for index, (title, name) in enumerate(
            extracted or [("HIỆU TRƯỞNG", "Trần Văn Hiệu")]
        ):
            CertificateSignatory.objects.create(
                template=template, sort_order=index, title=title, name=name
            )


class CourseCertificateSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseCertificateSetting

    template = factory.SubFactory(CertificateTemplateFactory)
    audience = "students"
    auto_issue = True

from django.db import migrations


def documents_from_references(apps, schema_editor):
    """One document per document number the references carried; each
    reference keeps its id and points to its document."""
    LegalDocument = apps.get_model("lms_courses", "LegalDocument")
    LegalReference = apps.get_model("lms_courses", "LegalReference")
    for reference in LegalReference.objects.order_by("pk"):
        document, _created = LegalDocument.objects.get_or_create(
            number=reference.document_number,
            defaults={"title": reference.document_title},
        )
        reference.document = document
        reference.save(update_fields=["document"])


def text_from_documents(apps, schema_editor):
    LegalReference = apps.get_model("lms_courses", "LegalReference")
    for reference in LegalReference.objects.select_related("document"):
        reference.document_number = reference.document.number
        reference.document_title = reference.document.title[:200]
        reference.save(update_fields=["document_number", "document_title"])


class Migration(migrations.Migration):
    dependencies = [
        ("lms_courses", "0007_legal_documents"),
    ]

    operations = [
        migrations.RunPython(documents_from_references, text_from_documents),
    ]

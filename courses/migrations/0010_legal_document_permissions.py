from django.contrib.auth.management import create_permissions
from django.db import migrations

# Like the legal references (0005): the Department keeps the list of legal
# documents, school admins read and use it.
SCHOOL_ADMINS = "LMS – Quản trị trường"
OFFICERS = "LMS – Cán bộ Sở"
CHANGE = ["add_legaldocument", "change_legaldocument", "delete_legaldocument"]
VIEW = ["view_legaldocument"]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="lms_courses", codename__in=codenames
    )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("lms_courses")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=SCHOOL_ADMINS):
        group.permissions.add(*_permissions(apps, VIEW))
    officers, _created = Group.objects.get_or_create(name=OFFICERS)
    officers.permissions.add(*_permissions(apps, CHANGE + VIEW))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=[SCHOOL_ADMINS, OFFICERS]):
        group.permissions.remove(*_permissions(apps, CHANGE + VIEW))


class Migration(migrations.Migration):
    dependencies = [
        ("lms_courses", "0009_references_drop_document_text"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

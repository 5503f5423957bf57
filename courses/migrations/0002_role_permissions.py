from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen at the time of this migration: school admins (group created by
# lms_people.0002_role_groups) keep the lists of legal references and
# code-of-conduct principles that lessons and questions are tagged with.
GROUP_PERMISSIONS = {
    "LMS – Quản trị trường": [
        "add_legalreference",
        "change_legalreference",
        "delete_legalreference",
        "view_legalreference",
        "add_conductprinciple",
        "change_conductprinciple",
        "delete_conductprinciple",
        "view_conductprinciple",
    ],
}


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
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUP_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("lms_courses", "0001_initial"),
        ("lms_people", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

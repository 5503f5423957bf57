from django.contrib.auth.management import create_permissions
from django.db import migrations

# School admins keep their school's certificate templates and officers the
# Department library's; which template each may change is the owner rule in
# certificates/policies.py, so the model permissions here only open the door.
GROUPS = ["LMS – Quản trị trường", "LMS – Cán bộ Sở"]
CODENAMES = [
    "add_certificatetemplate",
    "change_certificatetemplate",
    "delete_certificatetemplate",
    "view_certificatetemplate",
]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="lms_certificates", codename__in=CODENAMES
    )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("lms_certificates")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("lms_certificates", "0003_add_template_owner_school"),
        ("lms_people", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

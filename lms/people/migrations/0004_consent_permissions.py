from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of the group names and grants at the time of this migration.
GRANTS = {
    "LMS – Quản trị trường": ["add_consent", "change_consent", "view_consent"],
    "LMS – Giáo viên chủ nhiệm": ["view_consent"],
}


def grant_consent_permissions(apps, schema_editor):
    # Permissions are normally created after migrate; make sure ours exist now.
    app_config = apps.get_app_config("lms_people")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="lms_people", codename__in=codenames
            )
        )


def revoke_consent_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="lms_people", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("lms_people", "0003_add_consent_birth_date_and_erasure"),
        ("lms_people", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(grant_consent_permissions, revoke_consent_permissions)
    ]

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of the group names and grants at the time of this migration.
GRANTS = {
    "LMS – Quản trị trường": [
        "add_guardian",
        "change_guardian",
        "delete_guardian",
        "view_guardian",
    ],
}


def grant_guardian_permissions(apps, schema_editor):
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


def revoke_guardian_permissions(apps, schema_editor):
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
        ("lms_people", "0012_add_guardians_and_activation_codes"),
    ]

    operations = [
        migrations.RunPython(grant_guardian_permissions, revoke_guardian_permissions)
    ]

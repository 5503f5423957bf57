from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen at the time of this migration: school admins (group created by
# lms_people.0002_role_groups) build the question banks. Teachers grade essays,
# which needs no model permission (the visibility rule decides).
GROUP_PERMISSIONS = {
    "LMS – Quản trị trường": [
        "add_question",
        "change_question",
        "delete_question",
        "view_question",
        "add_questioncategory",
        "change_questioncategory",
        "delete_questioncategory",
        "view_questioncategory",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("lms_quizzes")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="lms_quizzes", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="lms_quizzes", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("lms_quizzes", "0001_initial"),
        ("lms_people", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

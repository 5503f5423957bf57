from django.db import migrations

# The question bank's permission policy (quizzes.policies) decides who may
# change or delete which questions, from ownership and school years. Global
# change/delete permissions held through the school admins' group would
# widen that to every school's questions in any code path that asks Django's
# `has_perm`, so the group keeps only add and view.
GROUP = "LMS – Quản trị trường"
REVOKED = [
    "change_question",
    "delete_question",
    "change_questioncategory",
    "delete_questioncategory",
]


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="lms_quizzes", codename__in=REVOKED
    )
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*permissions)


def grant_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="lms_quizzes", codename__in=REVOKED
    )
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("lms_quizzes", "0007_essay_remark"),
        ("lms_quizzes", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(revoke, grant_back)]

"""The content authors' ("soạn bài") role group, with admin access only.

Their page rights come from each school's own group ("LMS – Soạn bài –
CODE"), made with the school and given rights on its catalogues by
courses.services.catalogue_permissions_sync. Names frozen here.
"""

from django.db import migrations

GROUP = "LMS – Soạn bài"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms_people", "0009_membership_role_content_author"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

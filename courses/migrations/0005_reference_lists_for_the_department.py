from django.db import migrations

# Legal references and code-of-conduct principles are shared by every school:
# the Department maintains them, school admins only read and use them.
SCHOOL_ADMINS = "LMS – Quản trị trường"
OFFICERS = "LMS – Cán bộ Sở"
CHANGE = [
    "add_legalreference",
    "change_legalreference",
    "delete_legalreference",
    "add_conductprinciple",
    "change_conductprinciple",
    "delete_conductprinciple",
]
VIEW = ["view_legalreference", "view_conductprinciple"]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="lms_courses", codename__in=codenames
    )


def to_department(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=SCHOOL_ADMINS):
        group.permissions.remove(*_permissions(apps, CHANGE))
        group.permissions.add(*_permissions(apps, VIEW))
    officers, _created = Group.objects.get_or_create(name=OFFICERS)
    officers.permissions.add(*_permissions(apps, CHANGE + VIEW))


def back_to_schools(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=SCHOOL_ADMINS):
        group.permissions.add(*_permissions(apps, CHANGE))
    for group in Group.objects.filter(name=OFFICERS):
        group.permissions.remove(*_permissions(apps, CHANGE + VIEW))


class Migration(migrations.Migration):
    dependencies = [
        ("lms_courses", "0004_catalogue_rights_per_school"),
    ]

    operations = [migrations.RunPython(to_department, back_to_schools)]

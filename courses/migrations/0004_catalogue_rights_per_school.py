"""Catalogue page rights move from every school admin to the owner's admins.

Before: the "LMS – Quản trị trường" role group held add/change/publish on
every catalogue, so every school admin could publish in every school's
catalogue. After: each school has its own admin group ("LMS – Quản trị
trường – CODE") with rights on its own catalogues; the Department library
(no owner) is the Department officers' group's only. School admins of years
not yet ended join their school's group. Names frozen at this migration.
"""

import datetime

from django.db import migrations

SCHOOL_ADMIN_GROUP = "LMS – Quản trị trường"
OFFICER_GROUP = "LMS – Cán bộ Sở"
CODENAMES = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    CourseIndexPage = apps.get_model("lms_courses", "CourseIndexPage")
    School = apps.get_model("lms_people", "School")
    Membership = apps.get_model("lms_people", "Membership")

    permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=CODENAMES
        )
    )
    officers, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    school_groups = {}
    for school in School.objects.all():
        school_groups[school.pk], _ = Group.objects.get_or_create(
            name=f"{SCHOOL_ADMIN_GROUP} – {school.code}"
        )
    for catalogue in CourseIndexPage.objects.all():
        GroupPagePermission.objects.filter(
            page_id=catalogue.pk, group__name=SCHOOL_ADMIN_GROUP
        ).delete()
        groups = [officers]
        if catalogue.school_id is not None:
            groups.append(school_groups[catalogue.school_id])
        for group in groups:
            for permission in permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page_id=catalogue.pk, permission=permission
                )
    today = datetime.date.today()
    for membership in Membership.objects.filter(
        role="school_admin", school__isnull=False, school_year__ends_on__gte=today
    ):
        school_groups[membership.school_id].user_set.add(membership.user_id)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    CourseIndexPage = apps.get_model("lms_courses", "CourseIndexPage")
    group, _ = Group.objects.get_or_create(name=SCHOOL_ADMIN_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=CODENAMES
    )
    for catalogue in CourseIndexPage.objects.all():
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=catalogue.pk, permission=permission
            )
    Group.objects.filter(name__startswith=f"{SCHOOL_ADMIN_GROUP} – ").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms_courses", "0003_add_catalogue_owner_school"),
        ("lms_people", "0004_consent_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

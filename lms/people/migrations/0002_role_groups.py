from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of lms.people.roles at the time of this migration.
ROLE_GROUPS = {'collaborator': 'LMS – Cộng tác viên',
 'department_officer': 'LMS – Cán bộ Sở',
 'homeroom_teacher': 'LMS – Giáo viên chủ nhiệm',
 'school_admin': 'LMS – Quản trị trường',
 'student': 'LMS – Học sinh',
 'teacher': 'LMS – Giáo viên'}
ROLE_PERMISSIONS = {'collaborator': [],
 'department_officer': ['wagtailadmin.access_admin',
                        'lms_people.view_user',
                        'lms_people.view_membership',
                        'lms_people.view_schoolclass',
                        'lms_people.add_school',
                        'lms_people.change_school',
                        'lms_people.view_school',
                        'lms_people.add_schoolyear',
                        'lms_people.change_schoolyear',
                        'lms_people.view_schoolyear',
                        'lms_people.view_department'],
 'homeroom_teacher': ['wagtailadmin.access_admin',
                      'lms_people.view_user',
                      'lms_people.view_membership',
                      'lms_people.view_schoolclass'],
 'school_admin': ['wagtailadmin.access_admin',
                  'lms_people.add_user',
                  'lms_people.change_user',
                  'lms_people.view_user',
                  'lms_people.add_membership',
                  'lms_people.change_membership',
                  'lms_people.delete_membership',
                  'lms_people.view_membership',
                  'lms_people.add_schoolclass',
                  'lms_people.change_schoolclass',
                  'lms_people.delete_schoolclass',
                  'lms_people.view_schoolclass',
                  'lms_people.view_school',
                  'lms_people.view_schoolyear'],
 'student': [],
 'teacher': ['wagtailadmin.access_admin']}


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after migrate; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            group.permissions.add(permission)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms_people", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]

"""Courses made before 0016 still have structure version 0, which routing
takes as "structure not known" and so looks a quiz up by every step type (one
query more on each quiz request). Give them a version of their own."""

from django.db import migrations, models


def version_existing_courses(apps, schema_editor):
    # Any number but 0 will do: no structure was ever stored under the page
    # id (fresh versions are random, courses.structure.new_version).
    CoursePage = apps.get_model("lms_courses", "CoursePage")
    CoursePage.objects.filter(structure_version=0).update(
        structure_version=models.F("page_ptr_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lms_courses", "0016_course_structure_version"),
    ]

    operations = [
        migrations.RunPython(version_existing_courses, migrations.RunPython.noop),
    ]

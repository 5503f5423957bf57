"""PostgreSQL statistics on how memberships fall into report groups.

The report summary's rebuild groups a million enrolments and completions by
the membership's (school, school year, class, role). PostgreSQL estimates
the number of such groups from each column alone, as if they were
independent: 163,000 where there are 8,000 (seed_scale), and then plans the
grouped counts without parallel workers. With these statistics it knows the
columns go together (a class belongs to one school and year) and counts in
parallel. Nothing changes elsewhere (SQLite has no such statistics).
"""

from django.db import migrations

NAME = "lms_people_membership_report_group_stats"
COLUMNS = "school_id, school_year_id, school_class_id, role"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (ndistinct, dependencies) "
        f"ON {COLUMNS} FROM lms_people_membership"
    )
    # Read now rather than at the next autovacuum (a sample: well under a
    # second on 300,000 memberships).
    schema_editor.execute("ANALYZE lms_people_membership")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("lms_people", "0014_add_family_digests"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

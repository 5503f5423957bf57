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
    """Delete the group and the rows pointing at it, in SQL by id.

    Not with a cascading `delete()`: when migrating back, the historical
    models of other apps (Wagtail's page permissions) may be rendered from a
    state that matches neither this Group nor the tables, and the collector
    refuses the instances or selects missing columns. Table and column names
    are all that is needed, and they have not changed.
    """
    Group = apps.get_model("auth", "Group")
    ids = list(Group.objects.filter(name=GROUP).values_list("pk", flat=True))
    if not ids:
        return
    pointing = [(Group.permissions.through, "group_id")]
    for rel in Group._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            column = next(
                field.column
                for field in through._meta.fields
                if field.is_relation and field.related_model._meta.label == "auth.Group"
            )
            pointing.append((through, column))
        else:
            pointing.append((rel.related_model, rel.field.column))
    pointing.append((Group, "id"))
    placeholders = ", ".join(["%s"] * len(ids))
    quote = schema_editor.quote_name
    for model, column in pointing:
        # Quoted names from the models and integer ids as parameters.
        table = quote(model._meta.db_table)
        sql = f"DELETE FROM {table} WHERE {quote(column)} IN ({placeholders})"  # noqa: S608
        schema_editor.execute(sql, ids)


class Migration(migrations.Migration):
    dependencies = [
        ("lms_people", "0009_membership_role_content_author"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

from django.db import migrations

RECOUNT_TASK = "lms.reports.tasks.summary_recount_task"


def move_to_the_outbox(apps, schema_editor):
    """Each waiting recount becomes a row of the generic outbox."""
    alias = schema_editor.connection.alias
    RecountRequest = apps.get_model("lms_reports", "RecountRequest")
    PendingTask = apps.get_model("lms_core", "PendingTask")
    PendingTask.objects.using(alias).bulk_create(
        PendingTask(
            task=RECOUNT_TASK,
            args=[
                request.user_id,
                request.course_id,
                request.figures.split(",") if request.figures else None,
            ],
            kwargs={"using": alias},
            requested_at=request.requested_at,
        )
        for request in RecountRequest.objects.using(alias).order_by("pk")
    )


def move_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    RecountRequest = apps.get_model("lms_reports", "RecountRequest")
    PendingTask = apps.get_model("lms_core", "PendingTask")
    rows = PendingTask.objects.using(alias).filter(task=RECOUNT_TASK)
    RecountRequest.objects.using(alias).bulk_create(
        RecountRequest(
            user_id=row.args[0],
            course_id=row.args[1],
            figures=",".join(row.args[2] or []),
            requested_at=row.requested_at,
        )
        for row in rows
    )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms_core", "0001_add_outbox"),
        ("lms_reports", "0004_summary_counts_completions_without_enrolment"),
    ]

    operations = [
        migrations.RunPython(move_to_the_outbox, move_back),
        migrations.DeleteModel(name="RecountRequest"),
    ]

"""Clean the HTML already stored (questions, choices, attempt snapshots) with
the sanitiser new input goes through (lms.html)."""

from django.db import migrations

from lms.html import html_clean

QUESTION_FIELDS = ("text", "general_feedback", "feedback_true", "feedback_false")
SNAPSHOT_FIELDS = QUESTION_FIELDS
BATCH = 500


def _clean_rows(queryset, fields) -> None:
    changed = []
    for row in queryset.only("pk", *fields).iterator(chunk_size=BATCH):
        dirty = False
        for name in fields:
            value = getattr(row, name)
            cleaned = html_clean(value)
            if cleaned != (value or ""):
                setattr(row, name, cleaned)
                dirty = True
        if dirty:
            changed.append(row)
        if len(changed) >= BATCH:
            queryset.model.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        queryset.model.objects.bulk_update(changed, fields)


def _clean_snapshot(snapshot) -> bool:
    """Clean one attempt's frozen questions in place; True if anything changed."""
    changed = False
    for question in snapshot if isinstance(snapshot, list) else []:
        if not isinstance(question, dict):
            continue
        items = [(question, name) for name in SNAPSHOT_FIELDS]
        items += [
            (choice, "feedback")
            for choice in question.get("choices") or []
            if isinstance(choice, dict)
        ]
        for holder, name in items:
            value = holder.get(name)
            if isinstance(value, str) and value:
                cleaned = html_clean(value)
                if cleaned != value:
                    holder[name] = cleaned
                    changed = True
    return changed


def clean_stored_html(apps, schema_editor) -> None:
    Question = apps.get_model("lms_quizzes", "Question")
    Choice = apps.get_model("lms_quizzes", "Choice")
    QuizAttempt = apps.get_model("lms_quizzes", "QuizAttempt")
    _clean_rows(Question.objects.all(), QUESTION_FIELDS)
    _clean_rows(Choice.objects.all(), ("feedback",))
    changed = []
    for attempt in QuizAttempt.objects.only("pk", "snapshot").iterator(
        chunk_size=BATCH
    ):
        if _clean_snapshot(attempt.snapshot):
            changed.append(attempt)
        if len(changed) >= BATCH:
            QuizAttempt.objects.bulk_update(changed, ["snapshot"])
            changed = []
    if changed:
        QuizAttempt.objects.bulk_update(changed, ["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("lms_quizzes", "0008_role_groups_without_bank_change_delete"),
    ]

    operations = [
        migrations.RunPython(clean_stored_html, migrations.RunPython.noop),
    ]

"""Every question there is stays live, published as its first revision, so
nothing a quiz draws today disappears when drafts start to exist."""

from django.db import migrations
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields

BATCH = 500


def _content(question, choices, pairs, legal, principles) -> dict:
    # The shape of ClusterableModel.serializable_data(), built from the
    # historical models (which have none of the real model's methods).
    data = get_serializable_data_for_fields(question)
    data["choices"] = [get_serializable_data_for_fields(row) for row in choices]
    data["pairs"] = [get_serializable_data_for_fields(row) for row in pairs]
    data["legal_references"] = legal
    data["principles"] = principles
    return data


def _object_str(question) -> str:
    from django.utils.html import strip_tags

    if question.name:
        return question.name
    text = strip_tags(question.text)
    return text[:80] + ("…" if len(text) > 80 else "")


def first_revisions(apps, schema_editor):
    Question = apps.get_model("lms_quizzes", "Question")
    Choice = apps.get_model("lms_quizzes", "Choice")
    MatchPair = apps.get_model("lms_quizzes", "MatchPair")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not Question.objects.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(
        app_label="lms_quizzes", model="question"
    )
    legal_through = Question.legal_references.through
    principles_through = Question.principles.through
    now = timezone.now()
    ids = list(
        Question.objects.filter(live_revision__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        batch = list(Question.objects.filter(pk__in=ids[start : start + BATCH]))
        keys = [question.pk for question in batch]
        choices, pairs, legal, principles = {}, {}, {}, {}
        for row in Choice.objects.filter(question_id__in=keys).order_by(
            "sort_order", "pk"
        ):
            choices.setdefault(row.question_id, []).append(row)
        for row in MatchPair.objects.filter(question_id__in=keys).order_by(
            "sort_order", "pk"
        ):
            pairs.setdefault(row.question_id, []).append(row)
        for question_id, ref_id in legal_through.objects.filter(
            question_id__in=keys
        ).values_list("question_id", "legalreference_id"):
            legal.setdefault(question_id, []).append(ref_id)
        for question_id, principle_id in principles_through.objects.filter(
            question_id__in=keys
        ).values_list("question_id", "conductprinciple_id"):
            principles.setdefault(question_id, []).append(principle_id)
        for question in batch:
            updated = question.updated_at or now
            revision = Revision.objects.create(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(question.pk),
                created_at=updated,
                object_str=_object_str(question),
                content=_content(
                    question,
                    choices.get(question.pk, []),
                    pairs.get(question.pk, []),
                    legal.get(question.pk, []),
                    principles.get(question.pk, []),
                ),
            )
            Question.objects.filter(pk=question.pk).update(
                live=True,
                has_unpublished_changes=False,
                latest_revision=revision,
                live_revision=revision,
                first_published_at=question.created_at or now,
                last_published_at=updated,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("lms_quizzes", "0018_question_drafts_and_revisions"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]

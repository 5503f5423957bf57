from django.db import migrations, models


class Migration(migrations.Migration):
    """A regrade records which version of each question it applied."""

    dependencies = [
        ("lms_quizzes", "0005_category_top_name_unique_per_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="regrade",
            name="question_versions",
            field=models.JSONField(
                default=dict, verbose_name="question versions used"
            ),
        ),
    ]

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Re-marking a graded essay is recorded: who, when, old and new mark."""

    dependencies = [
        ("lms_quizzes", "0006_regrade_question_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EssayRemark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("done_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "old_score",
                    models.DecimalField(decimal_places=2, max_digits=8, null=True),
                ),
                (
                    "new_score",
                    models.DecimalField(decimal_places=2, max_digits=8, null=True),
                ),
                (
                    "done_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "old_graded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="remarks",
                        to="lms_quizzes.questionresponse",
                    ),
                ),
            ],
            options={
                "verbose_name": "essay re-mark",
                "verbose_name_plural": "essay re-marks",
            },
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """Top-level category names are unique per owner school (or the library)."""

    dependencies = [
        ("lms_quizzes", "0004_add_category_owner_school"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="questioncategory",
            name="lms_quizzes_category_unique_top",
        ),
        migrations.AddConstraint(
            model_name="questioncategory",
            constraint=models.UniqueConstraint(
                condition=models.Q(("parent__isnull", True)),
                fields=("school", "name"),
                name="lms_quizzes_category_unique_top_per_school",
            ),
        ),
        migrations.AddConstraint(
            model_name="questioncategory",
            constraint=models.UniqueConstraint(
                condition=models.Q(("parent__isnull", True), ("school__isnull", True)),
                fields=("name",),
                name="lms_quizzes_category_unique_top_in_library",
            ),
        ),
    ]

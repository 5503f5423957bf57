"""The one review workflow of questions ("Duyệt câu hỏi"): Wagtail binds a
workflow to a snippet model, so its single task asks who reviews each
question (the admins of its owner school)."""

from django.db import migrations

WORKFLOW_NAME = "Duyệt câu hỏi"
TASK_NAME = "Quản trị trường của câu hỏi duyệt"


def review_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    QuestionReviewTask = apps.get_model("lms_quizzes", "QuestionReviewTask")
    task_type, _created = ContentType.objects.get_or_create(
        app_label="lms_quizzes", model="questionreviewtask"
    )
    question_type, _created = ContentType.objects.get_or_create(
        app_label="lms_quizzes", model="question"
    )
    task = QuestionReviewTask.objects.first()
    if task is None:
        task = QuestionReviewTask.objects.create(
            name=TASK_NAME, content_type=task_type, active=True
        )
    workflow = Workflow.objects.filter(workflow_tasks__task=task).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.update_or_create(
        content_type=question_type, defaults={"workflow": workflow}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lms_quizzes", "0020_question_review_task"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(review_workflow, migrations.RunPython.noop),
    ]

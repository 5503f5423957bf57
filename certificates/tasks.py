"""Background work for certificates, through the django-tasks API.

Arguments are ids, not objects: a task may run in another process (an RQ
worker) long after it was enqueued.
"""

from django_tasks import task


@task()
def certificate_auto_issue_task(user_id: int, course_id: int) -> str | None:
    from .services import certificate_auto_issue

    certificate = certificate_auto_issue(user_id=user_id, course_id=course_id)
    return certificate.serial if certificate else None


@task()
def batch_item_task(item_id: int) -> str:
    from .services import batch_item_process

    return batch_item_process(item_id=item_id)


@task()
def certificate_render_task(certificate_id: int) -> str | None:
    from .models import Certificate
    from .services import certificate_render

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    return certificate_render(certificate=certificate).pdf_sha256

"""Background sending, through the django-tasks API (ids, not objects)."""

from django_tasks import task


@task()
def outgoing_email_send_task(row_id: int) -> int:
    from .services import outgoing_send

    return outgoing_send(row_id).sent

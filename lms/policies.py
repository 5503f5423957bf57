"""Who may see the core app's admin pages (the outbox of background work).

The outbox holds work for every school (certificates, report figures), so
it is the Department's, as the outgoing mail queue is.
"""

from lms.people.policies import is_department_manager


def may_see_pending_tasks(*, user) -> bool:
    return is_department_manager(user=user)

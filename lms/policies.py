"""Who may see the core app's admin pages (the outbox of background work).

The outbox holds work for every school (certificates, report figures), so
it is the Department's, as the outgoing mail queue is.
"""

from lms.people.policies import is_department_manager


def may_see_pending_tasks(*, user) -> bool:
    # Asked by the admin menu each time it is drawn (more than once per
    # page): answered once per user object, that is once per request.
    memo = user.__dict__
    if "_lms_may_see_pending_tasks" not in memo:
        memo["_lms_may_see_pending_tasks"] = is_department_manager(user=user)
    return memo["_lms_may_see_pending_tasks"]

"""Who may see the outgoing mail queue and send a message again.

Messages go to people of every school, so the queue is the Department's
(superusers and Department officers in a school year not ended).
"""

from lms.people.policies import is_department_manager


def may_see_mail_queue(*, user) -> bool:
    return is_department_manager(user=user)


def may_resend_mail(*, user) -> bool:
    return is_department_manager(user=user)

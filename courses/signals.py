from django.dispatch import Signal

# Sent once, inside the transaction that records it, when a learner completes
# a course. Arguments: completion (CourseCompletion). Certificates listen to
# this. A listener only writes (it rolls back with the completion) or defers
# work with transaction.on_commit (the outbox): it must never fail the request.
course_completed = Signal()

# Sent inside the transaction when enrolments are created in bulk, which sends
# no post_save. Arguments: course (CoursePage), user_ids (list[int]).
enrolments_added = Signal()

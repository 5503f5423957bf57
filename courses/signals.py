from django.dispatch import Signal

# Sent once, inside the transaction that records it, when a learner completes
# a course. Arguments: completion (CourseCompletion). Certificates listen to
# this. A listener only writes (it rolls back with the completion) or defers
# work with transaction.on_commit (the outbox): it must never fail the request.
course_completed = Signal()

# Sent inside the transaction when enrolments are created in bulk, which sends
# no post_save. Arguments: course (CoursePage), user_ids (list[int]).
enrolments_added = Signal()

# Sent inside the transaction of a proposal for the Department library, after
# the course and its steps are copied there and before the copy is submitted
# for review. Arguments: source (CoursePage, the school's, left unchanged),
# copy (CoursePage, in the library), user. A listener makes the copy own what
# the school owned (quizzes copy their questions, certificates drop the
# school's template) and saves a new revision of each page it changes, since
# the officers' approval publishes the latest revisions. Errors roll the
# whole proposal back.
course_copied_to_library = Signal()

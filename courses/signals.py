from django.dispatch import Signal

# Sent once, after commit, when a learner completes a course.
# Arguments: completion (CourseCompletion). Certificates listen to this.
course_completed = Signal()

# Sent inside the transaction when enrolments are created in bulk, which sends
# no post_save. Arguments: course (CoursePage), user_ids (list[int]).
enrolments_added = Signal()

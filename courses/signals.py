from django.dispatch import Signal

# Sent once, after commit, when a learner completes a course.
# Arguments: completion (CourseCompletion). Certificates listen to this.
course_completed = Signal()

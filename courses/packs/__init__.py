"""Course packs: a course, its lessons, quizzes, questions, certificate
template and files as one zip that another site can import (docs/course-packs.md)."""

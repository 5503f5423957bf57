"""Demo quizzes: a final quiz for each demo course, from the GIFT files beside this."""

from pathlib import Path

from django.db import transaction

from courses.models import CoursePage
from lms.people.voice import ADULT, STUDENT, voice_for

from .importing import category_for_path, questions_import
from .models import Question, QuizPage, QuizRandomDraw

DEMO_DIR = Path(__file__).resolve().parent / "demo"

# What the quiz says to its learner: "em" in a course for pupils, "bạn" for
# adults (lms.people.voice).
QUIZ_TEXTS = {
    STUDENT: {
        "retake": "Em có thể làm lại.",
        "success": "<p>Chúc mừng em đã vượt qua bài kiểm tra!</p>",
        "failure": "<p>Em chưa đạt. Hãy xem lại các bài học và thử lại nhé.</p>",
    },
    ADULT: {
        "retake": "Bạn có thể làm lại.",
        "success": "<p>Chúc mừng bạn đã vượt qua bài kiểm tra!</p>",
        "failure": "<p>Bạn chưa đạt. Hãy xem lại các bài học và làm lại.</p>",
    },
}


@transaction.atomic
def seed_quizzes(
    *, courses: list[CoursePage], school=None, draw: int = 10
) -> list[QuizPage]:
    """For each course with a GIFT file named after its slug, import and add a quiz.

    The questions go into the file's category, owned by `school` (None: the
    Department's shared library); the quiz draws `draw` of them at random.
    """
    quizzes = []
    for course in courses:
        source = DEMO_DIR / f"{course.slug}.gift"
        if not source.exists():
            continue
        data = source.read_bytes()
        report = questions_import(data=data, fmt="gift", dry_run=True)
        category = category_for_path(report.categories[0], school=school)
        if not Question.objects.filter(category=category).exists():
            questions_import(data=data, fmt="gift", school=school)
        quiz = QuizPage.objects.child_of(course).first()
        if quiz is None:
            texts = QUIZ_TEXTS[voice_for(None, course)]
            quiz = QuizPage(
                title="Bài kiểm tra cuối khóa",
                slug="bai-kiem-tra",
                intro=f"<p>{draw} câu hỏi được chọn ngẫu nhiên từ ngân hàng câu hỏi "
                "của khóa học. Cần đạt 70% để hoàn thành khóa học. "
                f"{texts['retake']}</p>",
                pass_mark=70,
                required=True,
                review_correct_answers=True,
                success_text=texts["success"],
                failure_text=texts["failure"],
            )
            quiz.draws.add(QuizRandomDraw(category=category, count=draw))
            course.add_child(instance=quiz)
            quiz.save_revision().publish()
        quizzes.append(quiz)
    return quizzes

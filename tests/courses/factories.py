import factory
import wagtail_factories

from courses.models import CourseIndexPage, CoursePage, LessonPage


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Khóa học"
    slug = "khoa-hoc"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Khóa học {n}")
    slug = factory.Sequence(lambda n: f"khoa-hoc-{n}")
    summary = "Tóm tắt khóa học."
    for_students = True
    # Most tests take a quiz on its own; the rule that lessons come first
    # (on for new courses) has its own tests, which switch it on.
    lessons_before_quizzes = False


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Bài {n}")
    slug = factory.Sequence(lambda n: f"bai-{n}")
    body = factory.LazyFunction(lambda: [("rich_text", "<p>Nội dung bài học.</p>")])
    required = True

import factory
import wagtail_factories

from courses.models import CourseIndexPage, CoursePage, LessonPage


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Khoá học"
    slug = "khoa-hoc"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Khoá học {n}")
    slug = factory.Sequence(lambda n: f"khoa-hoc-{n}")
    summary = "Tóm tắt khoá học."
    for_students = True


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Bài {n}")
    slug = factory.Sequence(lambda n: f"bai-{n}")
    body = factory.LazyFunction(lambda: [("rich_text", "<p>Nội dung bài học.</p>")])
    required = True

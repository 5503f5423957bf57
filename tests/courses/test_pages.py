"""Page types: where they may live, and that they render and preview."""

import pytest
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LegalDocument,
    LegalReference,
    LessonPage,
)
from lms.home.models import HomePage


class CoursePageTypesTests(WagtailPageTestCase):
    def test_parent_and_child_types(self):
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, CoursePage)

    def _tree(self):
        root = Site.objects.get(is_default_site=True).root_page
        catalogue = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
        root.add_child(instance=catalogue)
        course = CoursePage(title="Luật An ninh mạng", slug="luat", summary="Tóm tắt")
        catalogue.add_child(instance=course)
        lesson = LessonPage(
            title="Bài 1",
            slug="bai-1",
            body=[
                ("heading", {"text": "Phạm vi điều chỉnh", "level": "h2"}),
                (
                    "legal_article",
                    {
                        "reference": LegalReference.objects.create(
                            document=LegalDocument.objects.create(
                                number="116/2025/QH15", title="Luật An ninh mạng"
                            ),
                            article="1",
                            title="Phạm vi điều chỉnh",
                        ),
                        "clause": "",
                        "quote": "Luật này quy định về bảo vệ an ninh quốc gia …",
                        "quote_source": "",
                        "explanation": "<p>Giải thích.</p>",
                    },
                ),
                (
                    "scenario",
                    {
                        "situation": "<p>Bạn Minh nhận tin nhắn lạ.</p>",
                        "question": "Em sẽ làm gì?",
                        "options": ["Bấm vào", "Bỏ qua"],
                        "recommended": "<p>Không bấm vào đường link lạ.</p>",
                    },
                ),
                ("callout", {"kind": "tip", "title": "", "text": "<p>Mẹo</p>"}),
                ("key_takeaways", {"title": "Ghi nhớ", "items": ["Một", "Hai"]}),
                (
                    "link_card",
                    {
                        "url": "https://chinhphu.vn",
                        "title": "Cổng TTĐT Chính phủ",
                        "description": "",
                        "source": "",
                    },
                ),
            ],
        )
        course.add_child(instance=lesson)
        return catalogue, course, lesson

    def test_each_page_renders_and_previews(self):
        catalogue, course, lesson = self._tree()
        for page in (catalogue, course, lesson):
            self.assertPageIsRenderable(page, accept_redirect=True)
        self.assertPageIsPreviewable(catalogue)
        self.assertPageIsPreviewable(
            lesson,
            post_data=nested_form_data(
                {
                    "title": lesson.title,
                    "slug": lesson.slug,
                    "body": streamfield(
                        [("heading", {"text": "Mở đầu", "level": "h2"})]
                    ),
                    "estimated_minutes": 5,
                    "required": "on",
                }
            ),
        )
        self.assertPageIsPreviewable(
            course,
            post_data=nested_form_data(
                {
                    "title": course.title,
                    "slug": course.slug,
                    "summary": course.summary,
                    "objectives": streamfield([("objective", "Hiểu Luật")]),
                    "estimated_minutes": 30,
                    "for_students": "on",
                    "enrolment_mode": "automatic",
                    # The Certificates tab (added by the certificates app).
                    "certificate_settings": inline_formset([]),
                }
            ),
        )

    def test_lesson_renders_every_block(self):
        _catalogue, _course, lesson = self._tree()
        self.login()
        html = self.client.get(lesson.url).content.decode()
        assert "Điều 1" in html and "Em sẽ làm gì?" in html
        assert "<details" in html  # the scenario's answer is revealed on request

    def test_admin_can_create_each_type(self):
        root = Page.get_first_root_node()
        self.login()
        self.assertCanCreate(
            root,
            CourseIndexPage,
            nested_form_data(
                {"title": "Danh mục", "slug": "danh-muc", "intro": rich_text("")}
            ),
        )
        catalogue = CourseIndexPage.objects.get(slug="danh-muc")
        self.assertCanCreate(
            catalogue,
            CoursePage,
            nested_form_data(
                {
                    "title": "Văn hóa ứng xử",
                    "slug": "van-hoa",
                    "summary": "Tóm tắt",
                    "objectives": streamfield([("objective", "Biết ứng xử văn minh")]),
                    "estimated_minutes": 30,
                    "for_students": "on",
                    "enrolment_mode": "automatic",
                    # The Certificates tab (added by the certificates app).
                    "certificate_settings": inline_formset([]),
                }
            ),
        )
        course = CoursePage.objects.get(slug="van-hoa")
        self.assertCanCreate(
            course,
            LessonPage,
            nested_form_data(
                {
                    "title": "Bài 1",
                    "slug": "bai-1",
                    "body": streamfield(
                        [("heading", {"text": "Mở đầu", "level": "h2"})]
                    ),
                    "estimated_minutes": 5,
                    "required": "on",
                }
            ),
        )


@pytest.mark.django_db
def test_course_offers_step_types_from_any_app():
    from courses.steps import CourseStep

    assert all(issubclass(m, CourseStep) for m in CoursePage.clean_subpage_models())
    assert LessonPage in CoursePage.clean_subpage_models()

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from lms.routing import child_by_slug

from .blocks import HomeBodyBlock


class HomePage(Page):
    """The site's front page: an introduction and links to the courses."""

    # Declared so its reverse accessor on Page is not the default `homepage`,
    # which a host's own `home.HomePage` (as `wagtail start` makes) already uses.
    page_ptr = models.OneToOneField(
        Page,
        on_delete=models.CASCADE,
        parent_link=True,
        related_name="lms_home_page",
        primary_key=True,
        serialize=False,
    )
    body = StreamField(HomeBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    template = "lms_home/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def route(self, request, path_components):
        # A learner's pages live under a course catalogue, a child of this
        # page: look it up by its own model, one query instead of two (the
        # child's base row, then its specific row). Any other child is found
        # as Wagtail finds it.
        if path_components:
            from courses.models import CourseIndexPage

            slug, *rest = path_components
            catalogue = child_by_slug(CourseIndexPage, self, slug, last=not rest)
            if catalogue is not None:
                return catalogue.route(request, rest)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        """A signed-in person's home is their learning dashboard; visitors get
        the catalogues and the way to sign in."""
        from courses.selectors import catalogues_live, learner_home_for
        from courses.views import family_context, my_learning_panels

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        if user.is_authenticated and not getattr(request, "is_preview", False):
            dashboard = family_context(request, learner_home_for(user=user))
            dashboard["lms_panels"] = (
                []
                if dashboard["parent_only"]
                else my_learning_panels(request, dashboard)
            )
            context["dashboard"] = dashboard
        else:
            context["catalogues"] = catalogues_live(root=self)
        return context


class DemoRecord(models.Model):
    """An account or page that `seed_demo` created.

    The command reuses only what is recorded here: it never changes a site's
    own accounts or pages, and refuses to run where it finds some unless told
    ``--force``.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("demo record")
        verbose_name_plural = _("demo records")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="lms_home_demo_record_once"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}"

"""Editor panels of the courses app."""

from wagtail.admin.panels import Panel

from . import legal


class SupersededLawPanel(Panel):
    """A warning at the top of the lesson editor when the lesson cites a legal
    reference no longer in force today (in its blocks or its tags)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "lms_courses/admin/superseded_law_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.superseded = self._superseded()

        def _superseded(self) -> list:
            instance = self.instance
            if instance is None or not hasattr(instance, "body"):
                return []
            ids = set(legal.block_reference_ids(legal.raw_stream(instance.body)))
            ids |= {reference.pk for reference in instance.legal_references.all()}
            if not ids:
                return []
            on = legal.today()
            return [
                (reference, legal.supersession(reference, on))
                for reference in legal.superseded_on(on).filter(pk__in=ids)
            ]

        def is_shown(self):
            return bool(self.superseded)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["superseded"] = self.superseded
            return context

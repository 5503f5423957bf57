"""The lessons' stream: the shared blocks of the library (`lms.blocks`) and
the blocks that belong to courses (a legal article points to a legal
reference; a scenario and the objectives are lesson exercises).

The library's blocks are imported here under their names, so migrations that
recorded `courses.blocks.RichTextBlock` and code importing them from here keep
working.
"""

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from lms.blocks import (
    RICH_TEXT_FEATURES,
    CalloutBlock,
    DocumentBlock,
    FigureBlock,
    HeadingBlock,
    KeyTakeawaysBlock,
    LinkCardBlock,
    RichTextBlock,
    VideoBlock,
)

__all__ = [
    "RICH_TEXT_FEATURES",
    "CalloutBlock",
    "DocumentBlock",
    "FigureBlock",
    "HeadingBlock",
    "KeyTakeawaysBlock",
    "LegalArticleBlock",
    "LessonBodyBlock",
    "LinkCardBlock",
    "ObjectivesBlock",
    "RichTextBlock",
    "ScenarioBlock",
    "VideoBlock",
]


class LegalArticleBlock(blocks.StructBlock):
    """A quoted article: it points to a legal reference, so the lesson knows
    when the law it cites is replaced."""

    reference = SnippetChooserBlock(
        "lms_courses.LegalReference",
        label=_("Legal article"),
        help_text=_("Choose the article from the legal references."),
    )
    clause = blocks.CharBlock(
        label=_("Clause"), max_length=40, required=False, help_text=_("e.g. Khoản 1")
    )
    quote = blocks.TextBlock(
        label=_("Quoted text"),
        required=False,
        help_text=_("Leave empty to quote the text recorded with the reference."),
    )
    quote_source = blocks.CharBlock(
        label=_("Quote checked against"),
        max_length=255,
        required=False,
        help_text=_("Where the words were checked; empty: the reference's."),
    )
    explanation = RichTextBlock(label=_("In plain words"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Legal article")
        template = "lms_courses/blocks/legal_article.html"
        description = _("A quoted article of a law or decision, explained simply.")

    def _upgrade(self, value):
        # Data saved before blocks pointed to references (document and article
        # as text): find the reference it meant, so old blocks keep rendering.
        if (
            isinstance(value, dict)
            and "reference" not in value
            and value.get("document")
        ):
            from .legal import reference_for_text

            reference = reference_for_text(
                value.get("document", ""), value.get("article", "")
            )
            value = {**value, "reference": reference.pk if reference else None}
        return value

    def to_python(self, value):
        return self._with_documents([super().to_python(self._upgrade(value))])[0]

    def bulk_to_python(self, values):
        return self._with_documents(
            super().bulk_to_python([self._upgrade(value) for value in values])
        )

    @staticmethod
    def _with_documents(struct_values):
        # What the block shows and the rule reads, fetched for all blocks of
        # the page at once rather than once per block.
        references = [v["reference"] for v in struct_values if v.get("reference")]
        prefetch_related_objects(
            references, "document__replaced_by", "replaced_by__document"
        )
        return struct_values

    def clean(self, value):
        value = super().clean(value)
        reference = value.get("reference")
        if reference is not None and not value.get("quote") and not reference.quote:
            raise StructBlockValidationError(
                block_errors={
                    "quote": ValidationError(
                        _(
                            "Quote the text: the chosen reference has no quoted "
                            "text recorded."
                        )
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        from .legal import supersession

        context = super().get_context(value, parent_context=parent_context)
        reference = value.get("reference")
        quote, source = value.get("quote"), value.get("quote_source")
        if reference is not None:
            if not quote:
                quote, source = reference.quote, source or reference.quote_source
            context["supersession"] = supersession(reference)
        context["quote"] = quote
        context["quote_source"] = source
        context["reference"] = reference
        return context


class ScenarioBlock(blocks.StructBlock):
    situation = RichTextBlock(label=_("Situation"))
    question = blocks.CharBlock(
        label=_("Question"), max_length=200, default="Em sẽ làm gì?"
    )
    options = blocks.ListBlock(
        blocks.CharBlock(label=_("Option"), max_length=300),
        label=_("Possible responses"),
        required=False,
    )
    recommended = RichTextBlock(label=_("Recommended response"))

    class Meta:
        icon = "help"
        label = _("Scenario: what would you do?")
        template = "lms_courses/blocks/scenario.html"
        description = _(
            "A real-life situation; the recommended response is revealed on request."
        )


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    rich_text = RichTextBlock()
    image = FigureBlock()
    video = VideoBlock()
    legal_article = LegalArticleBlock()
    callout = CalloutBlock()
    scenario = ScenarioBlock()
    document = DocumentBlock()
    key_takeaways = KeyTakeawaysBlock()
    link_card = LinkCardBlock()


class ObjectivesBlock(blocks.StreamBlock):
    objective = blocks.CharBlock(
        label=_("Objective"),
        max_length=255,
        help_text=_("What the learner will be able to do, in one sentence."),
    )

    class Meta:
        icon = "list-ul"
        label = _("Learning objectives")
        template = "lms_courses/blocks/objectives.html"

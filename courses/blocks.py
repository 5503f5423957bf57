"""StreamField blocks for lessons: the shared block library of the site."""

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "lms_courses/blocks/heading.html"
        description = _("A heading that splits the lesson into parts.")
        preview_value = {"text": "Luật An ninh mạng là gì?", "level": "h2"}


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "lms_courses/blocks/rich_text.html"
        description = _("Formatted text: bold, italic, lists and links.")
        preview_value = (
            "<p>Mỗi người dùng mạng cần biết bảo vệ thông tin cá nhân của mình.</p>"
        )


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "lms_courses/blocks/figure.html"
        description = _("An image with a caption below it.")


class VideoBlock(blocks.StructBlock):
    embed = EmbedBlock(
        label=_("Video address (YouTube, Vimeo…)"),
        required=False,
        help_text=_("Paste the address of a video page."),
    )
    file = DocumentChooserBlock(
        label=_("or an uploaded video file (MP4, WebM)"), required=False
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)
    transcript = blocks.TextBlock(
        label=_("Transcript"),
        required=False,
        help_text=_("For learners who cannot play sound."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "lms_courses/blocks/video.html"
        description = _("An embedded video or an uploaded video file.")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("embed") and not value.get("file"):
            raise StructBlockValidationError(
                block_errors={
                    "embed": ValidationError(
                        _("Give a video address or choose an uploaded video file.")
                    )
                }
            )
        return value


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


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            ("remember", _("Remember")),
            ("warning", _("Warning")),
            ("tip", _("Tip")),
        ],
        default="remember",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = RichTextBlock(label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "lms_courses/blocks/callout.html"
        description = _(
            "A highlighted note: something to remember, a warning or a tip."
        )
        preview_value = {
            "kind": "warning",
            "title": "Cảnh giác",
            "text": "<p>Không bao giờ gửi mã OTP cho người khác.</p>",
        }


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


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(
        label=_("Description"), required=False, max_length=255
    )

    class Meta:
        icon = "download"
        label = _("Document download")
        template = "lms_courses/blocks/document.html"
        description = _("A file learners can download, such as the full text of a law.")


class KeyTakeawaysBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, default="Ghi nhớ")
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Point"), max_length=300),
        label=pgettext_lazy("key takeaways", "Points"),
    )

    class Meta:
        icon = "list-ul"
        label = _("Key takeaways")
        template = "lms_courses/blocks/key_takeaways.html"
        description = _("The few points learners should keep from the lesson.")
        preview_value = {
            "title": "Ghi nhớ",
            "items": ["Giữ bí mật mật khẩu", "Bật xác thực hai lớp"],
        }


class LinkCardBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Address"))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    description = blocks.TextBlock(label=_("Description"), required=False)
    source = blocks.CharBlock(label=_("Source"), max_length=120, required=False)

    class Meta:
        icon = "link-external"
        label = _("External link")
        template = "lms_courses/blocks/link_card.html"
        description = _("A card linking to a trustworthy page elsewhere.")


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

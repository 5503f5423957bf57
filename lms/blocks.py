"""The block library: every StreamField of the site composes its stream from
these blocks (lessons in `courses.blocks`, the home page in `lms.home.blocks`).

The blocks here depend on nothing but Wagtail, so they live in the core app
that every site installs; each has one template under `lms/blocks/`. Blocks
that need a model of an optional app (a legal article points to the courses'
legal references; a scenario is a lesson exercise) stay in that app and are
added to its stream there. A page type adds a block to its stream under a name
of its own; stored streams keep the names they were saved with, so renaming a
child of a stream needs a data migration.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

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
        template = "lms/blocks/heading.html"
        description = _("A heading that splits the content into sections.")
        preview_value = {"text": "Luật An ninh mạng là gì?", "level": "h2"}


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "lms/blocks/rich_text.html"
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
        template = "lms/blocks/figure.html"
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
        template = "lms/blocks/video.html"
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
        template = "lms/blocks/callout.html"
        description = _(
            "A highlighted note: something to remember, a warning or a tip."
        )
        preview_value = {
            "kind": "warning",
            "title": "Cảnh giác",
            "text": "<p>Không bao giờ gửi mã OTP cho người khác.</p>",
        }


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(
        label=_("Description"), required=False, max_length=255
    )

    class Meta:
        icon = "download"
        label = _("Document download")
        template = "lms/blocks/document.html"
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
        template = "lms/blocks/key_takeaways.html"
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
        template = "lms/blocks/link_card.html"
        description = _("A card linking to a trustworthy page elsewhere.")


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Button text"), max_length=80)
    page = blocks.PageChooserBlock(label=_("Target page"), required=False)
    url = blocks.URLBlock(label=_("or web address"), required=False)

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "lms/blocks/call_to_action.html"
        description = _("A button that takes learners to the page they need.")
        preview_value = {"text": "Xem các khóa học", "url": "/"}

"""Blocks for the home page; later apps compose their own from these."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Large heading")), ("h3", _("Small heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "lms_home/blocks/heading.html"
        description = _("A heading that splits the content into sections.")
        preview_value = {"text": "Luật An ninh mạng là gì?", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "lms_home/blocks/paragraph.html"
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
        template = "lms_home/blocks/figure.html"
        description = _("An image with a caption below it.")


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Button text"), max_length=80)
    page = blocks.PageChooserBlock(label=_("Target page"), required=False)
    url = blocks.URLBlock(label=_("or web address"), required=False)

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "lms_home/blocks/call_to_action.html"
        description = _("A button that takes learners to the page they need.")
        preview_value = {"text": "Xem các khóa học", "url": "/"}


class HomeBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    figure = FigureBlock()
    call_to_action = CallToActionBlock()

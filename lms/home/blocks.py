"""The home page's stream, composed from the block library (`lms.blocks`)."""

from wagtail import blocks

from lms.blocks import CallToActionBlock, FigureBlock, HeadingBlock, RichTextBlock


class HomeBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = RichTextBlock()
    figure = FigureBlock()
    call_to_action = CallToActionBlock()

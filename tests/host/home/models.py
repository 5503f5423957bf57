"""The host's own home page, as `wagtail start` generates it."""

from wagtail.models import Page


class HomePage(Page):
    pass

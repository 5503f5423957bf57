from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def home_page_ensure(*, title: str, body: list | None = None) -> HomePage:
    """Make a HomePage the root of the default site; safe to call again.

    Replaces the placeholder page that Wagtail's first migration creates.
    """
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        placeholder = root.get_children().filter(slug="home").first()
        if placeholder is not None and placeholder.specific_class is Page:
            Site.objects.filter(root_page=placeholder).update(root_page=root)
            placeholder.delete()
        home = HomePage(title=title, slug="home", body=body or [])
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Công dân số",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home

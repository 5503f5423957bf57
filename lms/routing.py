"""Page routing lookups with their SQL compiled once (lms.sqlcache).

Wagtail finds the page of each URL segment among the children of the page
before it: a query per segment on every page request, whose building costs
more Python than the database spends on it.
"""

from django.db.models import Q

from lms import sqlcache


def child_by_slug(model, parent, slug: str):
    """`model.objects.child_of(parent).filter(slug=slug).first()`: the same
    query (Wagtail's `child_of_q`, written with the child's depth as a value
    of its own), compiled once per process and model."""
    return sqlcache.cached_first(
        ("lms.routing.child_by_slug", model._meta.label),
        lambda values: _children(model, values),
        model=model,
        values={
            "path": parent.path,
            "depth": parent.depth,
            "child_depth": parent.depth + 1,
            "pk": parent.pk,
            "slug": slug,
        },
    )


def _children(model, values):
    # PageQuerySet.child_of_q(parent): descendant_of_q(parent) & depth + 1.
    return model.objects.filter(
        Q(path__startswith=values["path"])
        & Q(depth__gte=values["depth"])
        & ~Q(pk=values["pk"])
        & Q(depth=values["child_depth"]),
        slug=values["slug"],
    )

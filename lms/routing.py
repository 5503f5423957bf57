"""Page routing lookups with their SQL compiled once (lms.sqlcache).

Wagtail finds the page of each URL segment among the children of the page
before it: a query per segment on every page request, whose building costs
more Python than the database spends on it.
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Substr
from wagtail.models import Page

from lms import sqlcache

# The deepest page whose ancestors `page_blockers` checks with the row that
# names it; a deeper page (never an LMS page: home, catalogue, course, step)
# gets no flags, and its checks make their own queries.
BLOCKER_DEPTH = 10


def _chain(path: str, first_depth: int):
    """The page at `path` (an outer reference) and its ancestors from
    `first_depth` on, as far as BLOCKER_DEPTH."""
    step = Page.steplen
    return Page.objects.filter(
        reduce(
            or_,
            (
                Q(path=Substr(OuterRef(path), 1, depth * step))
                for depth in range(first_depth, BLOCKER_DEPTH + 1)
            ),
        )
    )


def page_blockers(path: str) -> dict:
    """Annotations for a row naming a page by `path` (e.g. "path", or
    "quiz__path" through a relation), read with the row instead of queries
    of their own:

    - `lms_unpublished`: the page or an ancestor below the root is not live;
    - `lms_restricted`: one of them has a view restriction;
    - `lms_restricted_elsewhere`: the root has one, or one of them is an
      alias of a page that has one.

    With the first two false, learners may reach the page
    (`courses.selectors.page_is_live_for_learners`); with the last two false,
    it has no view restriction to check (`get_view_restrictions`)."""
    chain = _chain(path, 2)
    return {
        "lms_unpublished": Exists(chain.filter(live=False)),
        "lms_restricted": Exists(chain.filter(view_restrictions__isnull=False)),
        "lms_restricted_elsewhere": Exists(
            _chain(path, 1).filter(
                Q(depth=1, view_restrictions__isnull=False)
                | Q(alias_of__view_restrictions__isnull=False)
            )
        ),
    }


def known_unrestricted(page) -> bool:
    """Whether the flags read with `page` (`page_blockers`) say that no view
    restriction applies to it: no query needed to find none."""
    return (
        page.depth <= BLOCKER_DEPTH
        and getattr(page, "lms_restricted", None) is False
        and getattr(page, "lms_restricted_elsewhere", None) is False
    )


def child_by_slug(model, parent, slug: str, *, last: bool = False):
    """`model.objects.child_of(parent).filter(slug=slug).first()`: the same
    query (Wagtail's `child_of_q`, written with the child's depth as a value
    of its own), compiled once per process and model.

    `last`: the page is the one the request serves; it is read with its
    `page_blockers` flags, which spare the request the view-restriction and
    live-ancestor queries.
    """
    return sqlcache.cached_first(
        ("lms.routing.child_by_slug", model._meta.label, last),
        lambda values: _children(model, values, last=last),
        model=model,
        values={
            "path": parent.path,
            "depth": parent.depth,
            "child_depth": parent.depth + 1,
            "pk": parent.pk,
            "slug": slug,
        },
    )


def _children(model, values, *, last: bool):
    # PageQuerySet.child_of_q(parent): descendant_of_q(parent) & depth + 1.
    pages = model.objects.annotate(**page_blockers("path")) if last else model.objects
    return pages.filter(
        Q(path__startswith=values["path"])
        & Q(depth__gte=values["depth"])
        & ~Q(pk=values["pk"])
        & Q(depth=values["child_depth"]),
        slug=values["slug"],
    )

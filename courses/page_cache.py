"""Cache the catalogue and course pages for anonymous visitors.

A page opts in by marking its response (`anonymous_cacheable`); only GET
requests without a query string, from visitors with no session or messages
cookie, are stored or served. The CSRF token in the page is swapped for a
placeholder when stored and for the visitor's own token when served, so no
token or Set-Cookie header is ever shared. Keys carry a site-wide version that
publishing, unpublishing, moving or deleting a page (or changing a view
restriction) bumps, so the next visitor sees the change at once. With several
web processes that needs a shared cache (REDIS_URL);
`LMS_ANONYMOUS_PAGE_CACHE_SECONDS` (0: off) bounds how long a page lives.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from lms.cache import cache_available

VERSION_KEY = "lms:anon-page:version"
CSRF_PLACEHOLDER = "__lms_csrf_token__"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CACHED_HEADER = "X-LMS-Page-Cache"


def anonymous_cacheable(response):
    """Mark a page response as the same for every anonymous visitor."""
    response.lms_anonymous_cacheable = True
    return response


def cache_seconds() -> int:
    return getattr(settings, "LMS_ANONYMOUS_PAGE_CACHE_SECONDS", 0)


def page_cache_clear(**kwargs) -> None:
    """Make every cached anonymous page stale (signal receiver)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh number, not 1: if the key was lost (the cache restarted, or
        # it was dropped as stale after an outage), pages stored under an
        # earlier version must not match again.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def _key(request) -> str:
    raw = "|".join(
        (
            str(_version()),
            request.get_host(),
            "https" if request.is_secure() else "http",
            request.path,
            translation.get_language() or "",
        )
    )
    return "lms:anon-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _eligible(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


class AnonymousPageCacheMiddleware:
    """Serve and store pages marked `anonymous_cacheable` for anonymous visitors.

    Place it after the language, session, CSRF, auth and CSP middleware, so
    that a page served from the cache still gets their headers and the
    visitor's own CSRF cookie: just before django-axes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = cache_seconds()
        if not seconds or not _eligible(request) or not cache_available():
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            if CSRF_PLACEHOLDER.encode() in content:
                content = content.replace(
                    CSRF_PLACEHOLDER.encode(), get_token(request).encode()
                )
            response = HttpResponse(content, content_type=content_type)
            patch_vary_headers(response, ("Cookie",))
            response[CACHED_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(response, "lms_anonymous_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(request, "_messages", None)
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            content = CSRF_INPUT.sub(
                rb"\g<1>" + CSRF_PLACEHOLDER.encode() + rb"\g<2>", response.content
            )
            cache.set(key, (content, response["Content-Type"]), seconds)
            response[CACHED_HEADER] = "miss"
        return response


def connect_signals() -> None:
    """Bump the version whenever what an anonymous visitor sees may change."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    uid = "lms_anon_page_cache"
    page_published.connect(page_cache_clear, dispatch_uid=f"{uid}_published")
    page_unpublished.connect(page_cache_clear, dispatch_uid=f"{uid}_unpublished")
    post_page_move.connect(page_cache_clear, dispatch_uid=f"{uid}_moved")
    for model in (PageViewRestriction, Site):
        post_save.connect(page_cache_clear, sender=model, dispatch_uid=f"{uid}_{model}")
        post_delete.connect(
            page_cache_clear, sender=model, dispatch_uid=f"{uid}_{model}_del"
        )

    def page_deleted(sender, instance, **kwargs):
        if isinstance(instance, Page):
            page_cache_clear()

    post_delete.connect(page_deleted, weak=False, dispatch_uid=f"{uid}_page_deleted")

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db.models import Case, IntegerField, Q, When
from django.http.request import split_domain_port
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)
from wagtail.views import serve as wagtail_serve

from lms import sqlcache


class DefaultLanguageMiddleware:
    """Activate the language the person chose, or Vietnamese.

    Unlike Django's LocaleMiddleware this ignores the browser's
    Accept-Language header: school computers and phones often report English
    while their users expect the Vietnamese site. The language switcher sets
    the cookie that this middleware reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SiteRootPageMiddleware:
    """Wagtail routes a page request from the site's root page made specific:
    one query for the home page's own row, which routing never reads. Its
    specific instance is made without a query instead, its own fields
    deferred (read only if the home page itself is shown). The site itself
    is found by Wagtail's query with its SQL compiled once (`site_for_request`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve:
            if not hasattr(request, "_wagtail_site"):
                # Where Site.find_for_request keeps it for the request.
                request._wagtail_site = site_for_request(request)
            site = request._wagtail_site
            root = site.root_page if site is not None else None
            if root is not None and "specific" not in root.__dict__:
                root.specific = root.specific_deferred
        return None


# Wagtail's own, before `site_lookup_install` (an odd port goes to it).
_wagtail_find_for_request = Site._find_for_request


def site_lookup_install() -> None:
    """Wagtail's `Site.find_for_request` everywhere through `site_for_request`.

    Outside page serving (a quiz review, "My learning"), `{% pageurl %}` and
    `page.get_url(request)` find the site with Wagtail's query built afresh
    each time; this makes them use the compiled one too (same query, same
    choice, still once per request: Wagtail keeps it on the request).
    """
    Site._find_for_request = staticmethod(site_for_request)


def site_for_request(request) -> Site | None:
    """Wagtail's `Site.find_for_request` (Site._find_for_request and
    get_site_for_hostname in wagtail.models.sites, the same query and choice)
    with the query's SQL compiled once per process (lms.sqlcache)."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    if not (port.isascii() and port.isdigit()):
        return _wagtail_find_for_request(request)
    sites = sqlcache.cached_instances(
        "lms.middleware.site_for_request",
        _sites_queryset,
        model=Site,
        values={"hostname": hostname, "port": int(port)},
    )
    if sites:
        if len(sites) == 1 or sites[0].match in (
            MATCH_HOSTNAME_PORT,
            MATCH_HOSTNAME_DEFAULT,
        ):
            return sites[0]
        if sites[0].match == MATCH_DEFAULT:
            return sites[len(sites) == 2]
    return None


def _sites_queryset(values):
    hostname, port = values["hostname"], values["port"]
    return (
        Site.objects.annotate(
            match=Case(
                When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
                When(
                    hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT
                ),
                When(is_default_site=True, then=MATCH_DEFAULT),
                default=MATCH_HOSTNAME,
                output_field=IntegerField(),
            )
        )
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page")
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under /admin/.

    The admin policy (LMS_ADMIN_CONTENT_SECURITY_POLICY, under its URL_PREFIX
    or wherever Wagtail's admin is mounted) runs no inline script
    either; it differs from the learner pages' by what Wagtail's editor needs
    (inline styles, blob: images, framing its own previews).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin = getattr(settings, "LMS_ADMIN_CONTENT_SECURITY_POLICY", None)
        if admin and not report_only and parts.config is None:
            prefix = admin.get("URL_PREFIX") or wagtail_admin_prefix()
            if prefix and request.path_info.startswith(prefix):
                parts.config = admin["DIRECTIVES"]
        return parts


def wagtail_admin_prefix() -> str | None:
    """Where the site mounts Wagtail's admin ("/admin/" in a stock site)."""
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve


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
    deferred (read only if the home page itself is shown).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve:
            site = Site.find_for_request(request)  # kept on the request
            root = site.root_page if site is not None else None
            if root is not None and "specific" not in root.__dict__:
                root.specific = root.specific_deferred
        return None


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

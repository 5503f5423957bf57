from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .profiles import profile_of
from .selectors import request_memo_enable


class ForcePasswordChangeMiddleware:
    """Send a person with an initial password to the change-password page."""

    ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request_memo_enable(user)
        if (
            user is not None
            and user.is_authenticated
            and profile_of(user).must_change_password
        ):
            allowed = {
                reverse("lms_people:password_change"),
                reverse("lms_people:logout"),
            }
            path = request.path
            if path not in allowed and not path.startswith(self.ALLOWED_PREFIXES):
                target = reverse("lms_people:password_change")
                return redirect(f"{target}?{urlencode({'next': path})}")
        return self.get_response(request)

"""Small security helpers shared by the settings (sign-in throttling)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, trusting X-Forwarded-For only from our proxies.

    With ``LMS_PROXY_COUNT = n`` the n-th address from the right of
    X-Forwarded-For is the client (each proxy appends the address it saw);
    anything further left was written by the client and is ignored.
    """
    count = getattr(settings, "LMS_PROXY_COUNT", 0)
    if count > 0:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.cache import cache_available


@never_cache
@require_GET
def healthz(request):
    """Liveness and database reachability, for load balancers and monitors.

    The cache is reported but never makes the process unhealthy: pages are
    served without it (lms/cache.py), so taking web processes out of the load
    balancer for a Redis outage would only make things worse.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse(
            {
                "status": "error",
                "database": "unreachable",
                "detail": type(exc).__name__,
            },
            status=503,
        )
    cache.get("lms:healthz")  # a probe: marks the cache away if it is
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "cache": "ok" if cache_available() else "unreachable",
        }
    )


@require_GET
def favicon(request):
    """/favicon.ico, which browsers request on their own: our static icon."""
    return redirect(static("lms/favicon.ico"))

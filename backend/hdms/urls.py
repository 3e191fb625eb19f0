import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

from hdms.api import api
from hdms.core.faults import response_for_failure
from hdms.core.responses import error_response
from hdms.ops.metrics import metrics_view

urlpatterns = [path("api/v1/", api.urls), path("metrics", metrics_view)]

if "debug_toolbar" in settings.INSTALLED_APPS:  # development settings only (settings/embedded.py)
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()


def _json_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("Not found.", "not_found", status=404)


def _json_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("Bad request.", "validation_error", status=400)


def _json_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("Forbidden.", "forbidden", status=403)


def _json_500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its ``except`` block, also for failures in middleware (a Redis
    # or database outage there is a 503 service_unavailable, not a 500).
    return response_for_failure(sys.exc_info()[1])


handler400 = _json_400
handler403 = _json_403
handler404 = _json_404
handler500 = _json_500

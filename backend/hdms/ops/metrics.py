"""Prometheus metrics of one process (DESIGN §7, technical architecture §23).

Every service process exposes ``GET /metrics`` on its own port to a scraper holding
``HDMS_METRICS_TOKEN``; Prometheus scrapes each process (the gateway refuses ``/metrics``). Names:

- ``hdms_http_requests_total{service,method,route,status}``   request rate and status classes
- ``hdms_http_request_duration_seconds{service,method,route}`` latency histogram
- ``hdms_http_errors_total{service,method,route,kind}``        ``kind`` = ``client`` (4xx) / ``server`` (5xx)
- ``hdms_http_requests_in_progress{service}``                   requests being served now
- ``hdms_websocket_connections{service,route}``                 open WebSocket connections (gauge;
  the communication consumers call ``websocket_opened(route)`` / ``websocket_closed(route)``, or use
  ``WEBSOCKET_CONNECTIONS`` directly)
- ``hdms_celery_queue_length{queue}``                           messages waiting in each Celery queue (read
  from the Redis broker at scrape time)
"""

import hmac
import time
from collections.abc import Callable, Iterator
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hdms.core.redis import get_redis
from hdms.core.responses import error_response

QUEUES = ("high", "default", "low")  # DESIGN §1
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "hdms_http_requests_total", "HTTP requests served.", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "hdms_http_request_duration_seconds", "HTTP request latency in seconds.", ["service", "method", "route"],
    buckets=LATENCY_BUCKETS,
)
HTTP_ERRORS = Counter(
    "hdms_http_errors_total", "HTTP responses with a 4xx (client) or 5xx (server) status.",
    ["service", "method", "route", "kind"],
)
HTTP_IN_PROGRESS = Gauge("hdms_http_requests_in_progress", "HTTP requests being served.", ["service"])
WEBSOCKET_CONNECTIONS = Gauge(
    "hdms_websocket_connections", "Open WebSocket connections.", ["service", "route"]
)


def websocket_opened(route: str) -> None:
    """Call from a consumer's ``connect`` once the connection is accepted."""
    WEBSOCKET_CONNECTIONS.labels(service=settings.HDMS_SERVICE, route=route).inc()


def websocket_closed(route: str) -> None:
    """Call from a consumer's ``disconnect`` for a connection that was accepted."""
    WEBSOCKET_CONNECTIONS.labels(service=settings.HDMS_SERVICE, route=route).dec()


def _route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "unmatched"  # unknown paths share one label: no label explosion from scanners
    return "/" + match.route


class MetricsMiddleware:
    """Counts and times every HTTP request; the route label is the URL pattern, never the raw path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        service = settings.HDMS_SERVICE
        in_progress = HTTP_IN_PROGRESS.labels(service=service)
        in_progress.inc()
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            elapsed = time.perf_counter() - started
            in_progress.dec()
            route = _route_of(request)
            if route != "/metrics":
                method = request.method or "?"
                HTTP_REQUESTS.labels(service=service, method=method, route=route, status=str(status)).inc()
                HTTP_LATENCY.labels(service=service, method=method, route=route).observe(elapsed)
                if status >= 400:
                    kind = "server" if status >= 500 else "client"
                    HTTP_ERRORS.labels(service=service, method=method, route=route, kind=kind).inc()


class CeleryQueueCollector(Collector):
    """Length of each Celery queue in the Redis broker, read when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("hdms_celery_queue_length", "Messages waiting in a Celery queue.",
                                   labels=["queue"])
        for queue, length in queue_lengths().items():
            family.add_metric([queue], length)
        yield family


def queue_lengths() -> dict[str, int]:
    if not settings.USE_REDIS:
        return {}
    try:
        client = get_redis()
        # cast: redis-py types a sync call's result as "Awaitable or value" (it shares the async stubs).
        return {queue: int(cast(int, client.llen(queue))) for queue in QUEUES}
    except Exception:  # noqa: BLE001 - a broker outage must not break the scrape
        return {}


_collector_registered = False


def register_collectors() -> None:
    global _collector_registered
    if not _collector_registered:
        REGISTRY.register(CeleryQueueCollector())
        _collector_registered = True


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition of this process, only for ``Authorization: Bearer $HDMS_METRICS_TOKEN``.

    No token configured: there is no /metrics (404), whatever the caller's address; the API port is
    reachable by every client of the desk (``make run`` serves it directly), so an address is no
    proof of being the scraper. The gateway never forwards ``/metrics`` either.
    """
    token = settings.HDMS_METRICS_TOKEN
    if not token:
        return error_response("Not found.", "not_found", status=404)
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return error_response("The metrics token is missing or wrong.", "not_authenticated", status=401)
    register_collectors()
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)

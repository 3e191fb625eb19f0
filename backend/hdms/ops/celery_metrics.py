"""Celery task metrics: outcomes and run time of every task, from Celery's signals.

- ``hdms_celery_tasks_total{task, state}``          ``state`` = ``succeeded`` / ``failed`` / ``retried``
- ``hdms_celery_task_duration_seconds{task}``       run time of each attempt (histogram)

Tasks run in the Celery worker's pool processes (prefork), so the worker keeps these in
prometheus_client's multiprocess mode: the launcher gives each worker ``PROMETHEUS_MULTIPROC_DIR``
(a directory of its own, emptied here when the worker starts) and ``HDMS_WORKER_METRICS_PORT``,
where the worker's main process serves ``/metrics`` for all its pool processes, on 127.0.0.1 with
its own access rule (``scrape_allowed``). In the embedded mode tasks run inside the web process and
appear in its own ``/metrics``.
"""

import hmac
import ipaddress
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from celery import signals
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

logger = logging.getLogger("hdms.ops")

TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)
TASKS = Counter("hdms_celery_tasks_total", "Celery task attempts by outcome.", ["task", "state"])
TASK_DURATION = Histogram("hdms_celery_task_duration_seconds", "Run time of one Celery task attempt.", ["task"],
                          buckets=TASK_BUCKETS)

_started: dict[str, float] = {}


def _name(sender: Any) -> str:
    return str(getattr(sender, "name", None) or sender or "unknown")


def _on_prerun(task_id: str | None = None, **_: Any) -> None:
    _started[task_id or ""] = time.perf_counter()


def _on_postrun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    if started is not None:
        TASK_DURATION.labels(task=_name(task)).observe(time.perf_counter() - started)


def _on_success(sender: Any = None, **_: Any) -> None:
    TASKS.labels(task=_name(sender), state="succeeded").inc()


def _on_failure(sender: Any = None, **_: Any) -> None:
    TASKS.labels(task=_name(sender), state="failed").inc()


def _on_retry(sender: Any = None, **_: Any) -> None:
    TASKS.labels(task=_name(sender), state="retried").inc()


def connect() -> None:
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="hdms-metrics-prerun")
    signals.task_postrun.connect(_on_postrun, weak=False, dispatch_uid="hdms-metrics-postrun")
    signals.task_success.connect(_on_success, weak=False, dispatch_uid="hdms-metrics-success")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="hdms-metrics-failure")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="hdms-metrics-retry")
    signals.worker_init.connect(_on_worker_init, weak=False, dispatch_uid="hdms-metrics-worker-init")


# -- the worker's /metrics ----------------------------------------------------------------------

def worker_registry() -> CollectorRegistry:
    """Every pool process's figures in multiprocess mode, else this process's registry."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _is_private(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def scrape_allowed(remote_addr: str, authorization: str) -> bool:
    """Who may read a Celery worker's metrics on its own internal listener (127.0.0.1, never the API
    port): with ``HDMS_METRICS_TOKEN`` set, only that bearer token; otherwise loopback / private addresses."""
    token = os.environ.get("HDMS_METRICS_TOKEN", "")
    if token:
        return hmac.compare_digest(authorization, f"Bearer {token}")
    return _is_private(remote_addr)


def metrics_app(environ: dict, start_response: Any) -> list[bytes]:
    if environ.get("PATH_INFO") != "/metrics":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found.\n"]
    if not scrape_allowed(environ.get("REMOTE_ADDR", ""), environ.get("HTTP_AUTHORIZATION", "")):
        start_response("403 Forbidden", [("Content-Type", "text/plain")])
        return [b"Forbidden.\n"]
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
    return [generate_latest(worker_registry())]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_worker_metrics(port: int, host: str = "127.0.0.1") -> WSGIServer:
    server = make_server(host, port, metrics_app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="hdms-worker-metrics", daemon=True).start()
    return server


def _on_worker_init(**_: Any) -> None:
    """In the worker's main process, before the pool forks: a clean multiprocess directory (files
    of an earlier run would add old counts) and the metrics endpoint, when the launcher asks."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()
    port = os.environ.get("HDMS_WORKER_METRICS_PORT")
    if port:
        # Where the services listen too: loopback on one machine, every interface in a container.
        host = os.environ.get("HDMS_BIND_HOST", "127.0.0.1")
        serve_worker_metrics(int(port), host=host)
        logger.info("Worker metrics on %s:%s/metrics", host, port)

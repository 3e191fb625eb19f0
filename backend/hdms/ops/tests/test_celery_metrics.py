"""Task outcomes and run time in /metrics (Celery signals), in-process and from a real worker."""

import re
import secrets
import socket
import urllib.error
import urllib.request

import pytest

from hdms.celery import app
from hdms.ops.celery_metrics import serve_worker_metrics

calls: dict[str, int] = {}


@app.task(name="ops_tests.metrics_ok")
def metrics_ok() -> str:
    return "ok"


@app.task(name="ops_tests.metrics_boom")
def metrics_boom() -> None:
    raise RuntimeError("boom")


@app.task(name="ops_tests.metrics_flaky", bind=True, max_retries=3, default_retry_delay=0)
def metrics_flaky(self, key: str) -> str:
    calls[key] = calls.get(key, 0) + 1
    if calls[key] <= 2:
        raise self.retry(exc=RuntimeError("not yet"), countdown=0)
    return "done"


def _value(text: str, metric: str, **labels: str) -> float:
    """The sample of ``metric`` whose labels include ``labels`` (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(metric + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


SCRAPER_TOKEN = secrets.token_urlsafe(32)


def _scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {SCRAPER_TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def test_successes_failures_retries_and_run_time_are_counted_per_task(client, settings):
    settings.HDMS_METRICS_TOKEN = SCRAPER_TOKEN  # the API port's /metrics needs it (hdms/ops/metrics.py)
    before = _scrape(client)
    for _ in range(2):
        assert metrics_ok.delay().get() == "ok"
    metrics_boom.delay()
    assert metrics_flaky.delay("k1").get() == "done"
    after = _scrape(client)

    def grew(metric: str, **labels: str) -> float:
        return _value(after, metric, **labels) - _value(before, metric, **labels)

    assert grew("hdms_celery_tasks_total", task="ops_tests.metrics_ok", state="succeeded") == 2
    assert grew("hdms_celery_tasks_total", task="ops_tests.metrics_boom", state="failed") == 1
    assert grew("hdms_celery_tasks_total", task="ops_tests.metrics_boom", state="succeeded") == 0
    assert grew("hdms_celery_tasks_total", task="ops_tests.metrics_flaky", state="retried") == 2
    assert grew("hdms_celery_tasks_total", task="ops_tests.metrics_flaky", state="succeeded") == 1
    assert grew("hdms_celery_task_duration_seconds_count", task="ops_tests.metrics_ok") == 2
    assert re.search(r'hdms_celery_task_duration_seconds_bucket\{le="0.01",task="ops_tests.metrics_ok"\}', after)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_worker_metrics_endpoint_serves_loopback_and_asks_a_token_when_one_is_set(monkeypatch):
    assert metrics_ok.delay().get() == "ok"
    server = serve_worker_metrics(_free_port())
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
            assert 'hdms_celery_tasks_total{state="succeeded",task="ops_tests.metrics_ok"}' in response.read().decode()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "/other", timeout=5)
        assert missing.value.code == 404
        monkeypatch.setenv("HDMS_METRICS_TOKEN", "t" * 40)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "/metrics", timeout=5)
        assert refused.value.code == 403
        request = urllib.request.Request(url + "/metrics", headers={"Authorization": "Bearer " + "t" * 40})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()

"""Prometheus metrics and the request context carried into Celery tasks."""

import re

import pytest
from celery import signals

from hdms.core.context import request_id_var, user_id_var
from hdms.ops import celery_context
from hdms.ops.metrics import WEBSOCKET_CONNECTIONS, websocket_closed, websocket_opened

METRICS_TOKEN = "scraper-token-for-the-metrics-tests-0123456789"


@pytest.mark.django_db
def test_metrics_count_requests_by_route_pattern_not_raw_path(api, make_user, settings):
    settings.HDMS_METRICS_TOKEN = METRICS_TOKEN
    admin = make_user(role="admin")
    client = api(admin)
    for _ in range(3):
        assert client.get("auth/me").status_code == 200
    client.get("users/00000000-0000-4000-8000-000000000001")
    text = client.client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}").content.decode()
    count = re.search(r'hdms_http_requests_total\{method="GET",route="/api/v1/auth/me",service="all",'
                      r'status="200"\} (\d+)', text)
    assert count and int(float(count.group(1))) >= 3
    assert "00000000-0000-4000-8000-000000000001" not in text  # ids never become labels
    assert 'hdms_http_errors_total{kind="client",method="GET",route="/api/v1/users/' in text
    assert "hdms_http_request_duration_seconds_bucket" in text
    assert 'hdms_celery_queue_length{queue="high"}' in text


def test_metrics_are_not_served_without_the_token_even_to_loopback(client, settings):
    settings.HDMS_METRICS_TOKEN = ""
    for address in ("127.0.0.1", "10.0.0.5", "8.8.8.8"):
        response = client.get("/metrics", REMOTE_ADDR=address)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    settings.HDMS_METRICS_TOKEN = METRICS_TOKEN
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    served = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    assert served.status_code == 200
    assert b"hdms_http_requests_total" in served.content


def test_websocket_gauge_goes_up_and_down():
    gauge = WEBSOCKET_CONNECTIONS.labels(service="all", route="chat")
    before = gauge._value.get()
    websocket_opened("chat")
    assert gauge._value.get() == before + 1
    websocket_closed("chat")
    assert gauge._value.get() == before


def test_publish_puts_request_and_user_id_into_task_headers():
    headers: dict = {}
    tokens = request_id_var.set("req-abc"), user_id_var.set("user-1")
    try:
        signals.before_task_publish.send(sender="hdms.ops.probe_write", headers=headers, body=None)
    finally:
        request_id_var.reset(tokens[0])
        user_id_var.reset(tokens[1])
    assert headers[celery_context.REQUEST_ID_HEADER] == "req-abc"
    assert headers[celery_context.USER_ID_HEADER] == "user-1"

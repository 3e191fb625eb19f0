"""No Django debug page, URL map, settings or traceback is ever served (issue 10 item 2), not even
with HDMS_DEBUG=true: every error is the JSON of DESIGN §4."""

import pytest
from django.test import Client

from hdms.testing.client import bearer_for

SECRET_WORDS = ("secret internals", "Traceback", "SECRET_KEY", "Django tried these URL patterns", "<html")


def _assert_plain_json_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    for word in SECRET_WORDS:
        assert word.encode() not in response.content


def test_debug_is_off_unless_asked_for():
    from django.conf import settings

    assert settings.DEBUG is False
    import hdms.settings.embedded as embedded

    assert embedded.DEBUG is False  # `make run` sets no HDMS_DEBUG


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_paths_are_json_404_without_the_url_map(db, settings, debug):
    settings.DEBUG = debug
    for path in ("/api/v1/xyz", "/api/v1/tickets/a/b/c/d", "/xyz", "/admin/"):
        _assert_plain_json_error(Client().get(path), 404, "not_found")


@pytest.mark.parametrize("debug", [False, True])
def test_a_failing_view_never_leaks_a_traceback(make_user, settings, monkeypatch, debug):
    from hdms.ops import metrics
    from hdms.users import selectors

    settings.DEBUG = debug
    settings.HDMS_METRICS_TOKEN = "metrics-token-of-the-error-page-tests-0123456789"

    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "department_list", boom)
    monkeypatch.setattr(metrics, "register_collectors", boom)
    client = Client(raise_request_exception=False)
    api_answer = client.get("/api/v1/departments", HTTP_AUTHORIZATION=bearer_for(make_user()))
    _assert_plain_json_error(api_answer, 500, "server_error")
    plain_answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.HDMS_METRICS_TOKEN}")
    _assert_plain_json_error(plain_answer, 500, "server_error")


def test_an_undeclared_method_is_json_405_naming_the_allowed_methods(db):
    response = Client().generic("TRACE", "/api/v1/health")
    _assert_plain_json_error(response, 405, "validation_error")
    assert "GET" in {m.strip() for m in response["Allow"].split(",")}

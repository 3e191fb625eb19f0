"""Carries the request id and user id from the request that queued a task into the task.

The web process puts ``hdms_request_id`` / ``hdms_user_id`` into the message headers when it
publishes (``before_task_publish``); the worker sets the same context variables the web process
uses (``hdms.core.context``) before the task runs and clears them after (``task_prerun`` /
``task_postrun``), so every log line a task writes carries the request id nginx gave the request
(``X-Request-ID: $request_id``) and the id of the user who made it. A task queued by another
task keeps the first request's id; a task with no request behind it (beat) gets ``task-<task id>``.
"""

from typing import Any

from celery import signals

from hdms.core.context import request_id_var, user_id_var

REQUEST_ID_HEADER = "hdms_request_id"
USER_ID_HEADER = "hdms_user_id"

_tokens: dict[str, tuple] = {}


def _on_publish(headers: dict | None = None, **_: Any) -> None:
    if headers is None:
        return
    request_id = request_id_var.get()
    if request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id
    user_id = user_id_var.get()
    if user_id and USER_ID_HEADER not in headers:
        headers[USER_ID_HEADER] = user_id


def _header(task: Any, name: str) -> str:
    request = task.request
    value = getattr(request, name, None)
    if not value and isinstance(getattr(request, "headers", None), dict):
        value = request.headers.get(name)
    return str(value) if value else ""


def _on_prerun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task is None or task.request.is_eager:
        return  # an eager task runs inside the request: the context is already there
    request_id = _header(task, REQUEST_ID_HEADER) or f"task-{task_id}"
    user_id = _header(task, USER_ID_HEADER)
    _tokens[task_id or ""] = (request_id_var.set(request_id), user_id_var.set(user_id))


def _on_postrun(task_id: str | None = None, **_: Any) -> None:
    tokens = _tokens.pop(task_id or "", None)
    if tokens is not None:
        request_id_var.reset(tokens[0])
        user_id_var.reset(tokens[1])


def connect() -> None:
    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="hdms-request-id-publish")
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="hdms-request-id-prerun")
    signals.task_postrun.connect(_on_postrun, weak=False, dispatch_uid="hdms-request-id-postrun")


def _setup_logging(**_: Any) -> None:
    """Workers and beat log through the project's LOGGING (JSON lines with request_id and user_id)
    instead of Celery replacing the root logger's handlers with its own plain format."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


signals.setup_logging.connect(_setup_logging, weak=False, dispatch_uid="hdms-logging")

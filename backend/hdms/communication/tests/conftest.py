"""Fixtures of the communication tests: a real SMTP server, real ASGI servers over sockets."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from hdms.core.jwt import encode_access
from hdms.testing.smtp import smtp_server  # noqa: F401 - a fixture of these tests

BACKEND_DIR = Path(__file__).resolve().parents[3]
ORIGIN = "http://127.0.0.1:3000"  # the frontend's origin in development


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def token_for(user) -> str:
    return encode_access(user_id=str(user.id), role=user.role)[0]


def _server_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("The real-server tests need PostgreSQL: set DATABASE_URL.")
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "hdms.settings.test",
        # The test database, so the server sees what the (transactional) test committed.
        "DATABASE_URL": (
            f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "HDMS_SERVICE": "communication",
        # The suite flushes Redis before each test (the cache fixture), which forgets the servers'
        # membership of the access-event group: renew it at every handshake.
        "HDMS_WS_ACCESS_RESUBSCRIBE_SECONDS": "0",
        # As in production, the servers queue their Celery tasks (message_notify) in Redis rather
        # than running them inside the socket's request; the suite flushes the queues between tests.
        "HDMS_TASKS_EAGER": "false",
        "HDMS_LOG_LEVEL": "WARNING",
        # Presence states (test_ws_presence.py): back to viewing 2 s after the last typing frame.
        "HDMS_COMPOSING_SECONDS": "2",
    })
    return env


def start_server(port: int, *, env: dict[str, str]) -> subprocess.Popen:
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hdms.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         # A 2-core machine under load can keep a busy client from answering a keep-alive ping
         # within uvicorn's 20 s (the flood test was closed 1011 "keepalive ping timeout"); no
         # test here is about dead-peer detection, so the servers wait two minutes for a pong.
         "--log-level", "warning", "--ws", "websockets", "--ws-ping-timeout", "120"],
        cwd=BACKEND_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="session")
def ws_servers(django_db_setup, django_db_blocker):
    """Two uvicorn processes serving the communication service, sharing the Redis channel layer."""
    if not settings.USE_REDIS:
        raise RuntimeError("The two-process tests need Redis: set REDIS_URL.")
    env = _server_env()
    ports = [free_port(), free_port()]
    procs = [start_server(port, env=env) for port in ports]
    try:
        yield [f"ws://127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def celery_worker_thread(settings):
    """A real Celery worker (thread, solo pool) on the Redis broker, tasks no longer eager."""
    from celery.contrib.testing.worker import start_worker

    from hdms.celery import app

    if not settings.USE_REDIS:
        raise RuntimeError("This test needs Redis as the Celery broker: set REDIS_URL.")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          queues=["high", "default", "low"]) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new channel-layer instance per test: each async test runs its own event loop, and the
    Redis layer's receive locks belong to the loop that created them (a server has one loop)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _close_consumer_database_thread():
    """Consumers keep their database thread's connection open a while (consumers.py); close it
    after each test so the test database can be flushed and dropped."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


class PatientCommunicator(WebsocketCommunicator):
    """channels' WebsocketCommunicator whose handshake and frame waits default to 20 s, not 1 s.

    The suite shares a 2-core machine with much else: a frame that arrives is returned at once,
    only a frame that never comes costs the whole wait. ``receive_nothing`` (an assertion that
    nothing arrives) keeps the timeout each test gives it.
    """

    async def connect(self, timeout: float = 20):
        return await super().connect(timeout)

    async def receive_from(self, timeout: float = 20):
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout: float = 20):
        return await super().receive_json_from(timeout)


# ---- helpers of the real-socket tests (the ``websockets`` client against ``ws_servers``) ----

def ws_connect(base: str, path: str, token: str | None = None, origin: str | None = ORIGIN, **options: Any):
    import websockets

    return websockets.connect(
        # Generous: the suite shares a 2-core machine with much else; a refused handshake still fails at once.
        f"{base}{path}", origin=origin, subprotocols=["bearer", token] if token else None, open_timeout=20,
        max_size=None, **options,
    )


async def ws_frames_until(ws, kind: str, timeout: float = 30) -> dict:
    """Frames are read until the first of ``kind``, which is returned (30 s between frames at
    most: generous for a loaded machine; a test asserting that nothing comes passes its own)."""
    import asyncio
    import json

    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] == kind:
            return frame


async def ws_closed(ws, timeout: float = 10) -> tuple[int | None, list[dict]]:
    """Wait for the server to close ``ws``: (close code, the frames received before it).
    ``TimeoutError`` when it stays open."""
    import asyncio
    import json

    from websockets.exceptions import ConnectionClosed

    frames = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                frames.append(json.loads(await ws.recv()))
    except ConnectionClosed as closed:
        return (closed.rcvd.code if closed.rcvd else None), frames

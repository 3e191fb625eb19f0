"""A prefork worker with psycopg's pool (HDMS_DB_POOL) keeps its PostgreSQL connections from one task
to the next (hdms/ops/celery_connections.py), and never hands a task one PostgreSQL has closed.

A real worker (two pool processes) on a throw-away database of the suite's PostgreSQL and a Redis of
its own. Each task records the backend that ran it (hdms/ops/tests/worker_tasks.py).
"""

import secrets
import signal
import subprocess
from collections.abc import Iterator

import pytest

from hdms.ops.tests.faults import PrivateRedis, Service, free_ports, make_folder, python_argv, wait_until
from hdms.ops.tests.topology import manage, postgres_admin_url, psql, topology_env, with_database

pytestmark = pytest.mark.timeout(300)

TASKS = 30


@pytest.fixture(scope="module")
def worker() -> Iterator[tuple[dict[str, str], str]]:
    folder = make_folder()
    redis_port, clamd_port = free_ports(2)
    redis = PrivateRedis(folder / "redis", redis_port)
    admin_url = postgres_admin_url()
    name = f"hdms_worker_{secrets.token_hex(4)}"
    database_url = with_database(admin_url, name)
    env = topology_env(database_url=database_url, redis_url=redis.url, data_dir=folder / "data")
    env.update({"HDMS_DB_POOL": "true", "HDMS_DB_POOL_MIN": "2", "HDMS_DB_POOL_MAX": "4",
                "HDMS_CLAMD_URL": f"tcp://127.0.0.1:{clamd_port}"})  # named, as production requires; never called
    service = Service("worker", python_argv(
        "-m", "celery", "-A", "hdms", "worker", "-Q", "high,default,low", "-c", "2", "--loglevel", "INFO",
        "-n", f"connections{redis_port}@%h", "--include", "hdms.ops.tests.worker_tasks"), env, folder)
    try:
        psql(with_database(admin_url, "postgres"), f"CREATE DATABASE {name}")
        manage(env, "migrate", "--noinput")
        redis.start()
        service.start()
        yield env, database_url
    finally:
        service.kill(signal.SIGTERM)
        redis.stop()
        psql(with_database(admin_url, "postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def _run(env: dict[str, str], database_url: str, key: str, count: int) -> set[str]:
    """Queues ``count`` tasks, waits for their rows, returns the backends that ran them."""
    manage(env, "shell", stdin="from hdms.ops.tests.worker_tasks import record_backend\n"
                               f"for n in range({count}): record_backend.delay('{key}-' + str(n))\n")
    query = f"SELECT key FROM ops_task_probe WHERE key LIKE '{key}-%'"
    wait_until(lambda: len(psql(database_url, query).split()) == count, timeout=120,
               what=f"the worker running {count} tasks")
    return {row.rsplit(":", 1)[1] for row in psql(database_url, query).split()}


def test_tasks_share_a_few_kept_connections(worker):
    env, database_url = worker
    backends = _run(env, database_url, "kept", TASKS)
    # Two pool processes, each with a pool of at most four (it takes a returned connection back in
    # a thread of its own, so a task may find none idle and open one more), where a pool opened per
    # task (Celery's own handling) gave every task new backends.
    assert 1 <= len(backends) <= 2 * 4, backends


def test_a_connection_postgresql_closed_is_replaced_before_a_task_gets_it(worker):
    env, database_url = worker
    before = _run(env, database_url, "before", 6)
    killed = psql(database_url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert int(killed) >= 1
    after = _run(env, database_url, "after", 10)  # every task succeeds: none gets a dead connection
    assert after and not after & before

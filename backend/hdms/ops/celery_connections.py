"""A worker's database connections, kept from one task to the next as a server keeps them between requests.

Celery's Django fixup closes every database connection before and after each task, and in a prefork
worker it closes psycopg's pool with them (``celery.fixups.django``, ``_close_database``). Under
``HDMS_DB_POOL`` every task therefore opened a pool of its own: new PostgreSQL backends (a fork, an
authentication, cold catalog caches), each with none of the statements PostgreSQL had prepared on the
last one (bench/RESULTS.md, "The worker's connections").

``CELERY_DB_REUSE_MAX`` (settings) has the fixup do that once per so many tasks. In between, a task
starts and ends as a request does, with ``close_old_connections``: a pooled connection goes back to its
pool, one that failed or outlived ``CONN_MAX_AGE`` is closed, the others are kept. The fixup still
closes what a pool process inherits from its parent when it starts.
"""

from typing import Any

from celery import signals
from django.db import close_old_connections


def _between_tasks(task: Any = None, **_: Any) -> None:
    if task is not None and task.request.is_eager:
        return  # an eager task runs inside a request, whose own end looks after its connection
    close_old_connections()


def connect() -> None:
    signals.task_prerun.connect(_between_tasks, weak=False, dispatch_uid="hdms-connections-prerun")
    signals.task_postrun.connect(_between_tasks, weak=False, dispatch_uid="hdms-connections-postrun")

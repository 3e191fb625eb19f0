"""A task only the worker test loads (``celery worker --include``): it records which PostgreSQL backend ran it."""

from celery import shared_task
from django.db import connection

from hdms.ops import services


@shared_task(name="ops_tests.record_backend")
def record_backend(key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    services.task_probe_record(key=f"{key}:{backend}")

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate

from hdms.ops import celery_connections, celery_context, celery_metrics, reporting


class OpsConfig(AppConfig):
    name = "hdms.ops"
    label = "ops"
    verbose_name = "Operations: serving, metrics, backups"

    def ready(self) -> None:
        # Carries the request id and user id from the web process to Celery tasks.
        celery_context.connect()
        # Task outcomes and run time in /metrics (hdms/ops/celery_metrics.py).
        celery_metrics.connect()
        # A task starts and ends with the connections a request would keep (hdms/ops/celery_connections.py).
        celery_connections.connect()
        # The reporting views follow every migration (hdms/ops/reporting.py).
        pre_migrate.connect(reporting.before_migrate, sender=self)
        post_migrate.connect(reporting.after_migrate, sender=self)

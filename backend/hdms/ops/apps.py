from django.apps import AppConfig

from hdms.ops import celery_context, celery_metrics


class OpsConfig(AppConfig):
    name = "hdms.ops"
    label = "ops"
    verbose_name = "Operations: serving, metrics, backups"

    def ready(self) -> None:
        # Carries the request id and user id from the web process to Celery tasks.
        celery_context.connect()
        # Task outcomes and run time in /metrics (hdms/ops/celery_metrics.py).
        celery_metrics.connect()

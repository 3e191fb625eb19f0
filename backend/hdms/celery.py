"""The one Celery application. Queues: high, default, low (DESIGN §1)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")

app = Celery("hdms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

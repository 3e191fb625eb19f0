"""The project's Celery app with a short broker visibility timeout, for bench/tasks_throughput.py
only: a worker killed as a whole gives its unacknowledged messages back after this many seconds
instead of production's 3600 (hdms/settings/base.py). Everything else is unchanged."""

from hdms.celery import app

app.conf.broker_transport_options = {**(app.conf.broker_transport_options or {}), "visibility_timeout": 15}

__all__ = ["app"]

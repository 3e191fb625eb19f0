"""WSGI entry point for a service that serves HTTP only (``manage.py serve``, ``WSGI_SERVICES``).

The same Django application as ``hdms/asgi.py`` without the ASGI adapter: every synchronous view
under ASGI runs in a fresh thread handed over from the event loop, which cost the ticket service
12-33 % of its CPU per request (bench/RESULTS.md, "The ticket service under WSGI"). WebSockets,
streamed uploads and the ai service's FastAPI application stay on ASGI.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
# This process serves people: its settings give database statements a time limit
# (HDMS_STATEMENT_TIMEOUT_MS), as hdms/asgi.py says to its own.
_told = "HDMS_INTERACTIVE" not in os.environ
os.environ.setdefault("HDMS_INTERACTIVE", "true")
django_http = get_wsgi_application()
if _told:
    del os.environ["HDMS_INTERACTIVE"]

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402

from hdms.core.http_body import ChunkedBodyLimitWSGI  # noqa: E402
from hdms.core.logging import install_token_redaction  # noqa: E402

install_token_redaction()  # no log line of the server or of Django holds a ``?token=``

# Behind the gateway nginx serves static files; alone the process does, as under ASGI.
application = ChunkedBodyLimitWSGI(StaticFilesHandler(django_http) if settings.HDMS_SERVE_STATIC else django_http)

"""WSGI entry point for a service that serves HTTP only (``manage.py serve``, ``WSGI_SERVICES``).

The same Django application as ``hdms/asgi.py`` without the ASGI adapter: every synchronous view
under ASGI runs in a fresh thread handed over from the event loop, which cost the ticket service
12-33 % of its CPU per request (bench/RESULTS.md, "The ticket service under WSGI"). WebSockets,
streamed uploads and the ai service's FastAPI application stay on ASGI.
"""

from django.core.wsgi import get_wsgi_application

from hdms.core.interactive import interactive_application

# This process serves people: its statements have a time limit (hdms.core.interactive).
django_http = interactive_application(get_wsgi_application)

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402

from hdms.core.http_body import ChunkedBodyLimitWSGI  # noqa: E402
from hdms.core.logging import install_token_redaction  # noqa: E402

install_token_redaction()  # no log line of the server or of Django holds a ``?token=``

# Behind the gateway nginx serves static files; alone the process does, as under ASGI.
application = ChunkedBodyLimitWSGI(StaticFilesHandler(django_http) if settings.HDMS_SERVE_STATIC else django_http)

"""Django's application for a process that serves people (``hdms/asgi.py``, ``hdms/wsgi.py``).

Such a process's settings give database statements a time limit (``HDMS_STATEMENT_TIMEOUT_MS``,
read when ``HDMS_INTERACTIVE`` is set: hdms/settings/base.py). The flag is said to this process's
settings only, not to the processes it starts (workers, commands), so it is taken back once the
settings are loaded unless the environment already had it.
"""

import os
from collections.abc import Callable
from typing import TypeVar

Application = TypeVar("Application")


def interactive_application(load: Callable[[], Application]) -> Application:
    """``load()`` (``get_asgi_application`` or ``get_wsgi_application``) with the interactive
    settings; the embedded settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
    told = "HDMS_INTERACTIVE" not in os.environ
    os.environ.setdefault("HDMS_INTERACTIVE", "true")
    try:
        return load()
    finally:
        if told:
            del os.environ["HDMS_INTERACTIVE"]

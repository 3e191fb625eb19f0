"""A real SMTP server for tests (aiosmtpd on a free port), with Django's SMTP backend pointed at it."""

import pytest
from aiosmtpd.controller import Controller

from hdms.testing.desk import free_port


class Collect:
    """Keeps each message the server receives (envelope and parsed message)."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
             "message": message_from_bytes(envelope.content, policy=policy.default)}
        )
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port; Django's SMTP backend pointed at it."""
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()

"""``manage.py mail_in [--host H] [--port P]``: the SMTP listener of email in (DESIGN §11) as its
own process; the launcher and `make run` start it when HDMS_MAIL_IN_PORT is set."""

import asyncio
import contextlib
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from hdms.communication.smtp import serve


class Command(BaseCommand):
    help = "Run the SMTP listener that turns mail to the desk into tickets and replies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.HDMS_MAIL_IN_HOST)
        parser.add_argument("--port", type=int, default=settings.HDMS_MAIL_IN_PORT or 2525)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        asyncio.run(self._run(host, port))

    async def _run(self, host: str, port: int) -> None:
        task = asyncio.ensure_future(serve(host=host, port=port, ready=lambda p: self.stdout.write(
            f"HDMS mail in: SMTP on {host}:{p}", ending="\n")))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

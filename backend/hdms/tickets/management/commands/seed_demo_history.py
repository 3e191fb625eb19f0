"""A 120-day demo history of about 2,000 tickets (demo mode only; idempotent). See
``hdms.tickets.demo_history``. Needs the demo accounts of ``seed_demo``."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hdms.tickets import demo_history
from hdms.users import selectors as users_selectors
from hdms.users.management.commands.seed_demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Create the demo history: ~2,000 tickets over 120 days (demo mode only; skipped when it exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=demo_history.TICKETS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HDMS_DEMO:
            raise CommandError("The demo history is only created in demo mode (HDMS_DEMO=true).")
        if users_selectors.users_by_codes(codes=["mod1", "fin1", "ceo1"]).count() != 3:
            raise CommandError("Run seed_demo first (the demo accounts are missing).")
        if demo_history.already_seeded():
            self.stdout.write("Demo history already exists.")
            return
        started = time.monotonic()
        demo_history.ensure_accounts(DEMO_PASSWORD)
        builder = demo_history.seed_history(count=int(options["count"]))
        self.stdout.write(f"Demo history ready: {len(builder.tickets)} tickets, {len(builder.messages)} messages, "
                          f"{len(builder.audits)} history entries in {time.monotonic() - started:.1f} s.")

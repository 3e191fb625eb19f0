"""Everything the server names for a client to say in the reader's language (DESIGN §9), written
to ``frontend/lib/server-vocabulary.json`` (``manage.py vocabulary --write``). The web app's tests
check each entry has English and Urdu text; the backend's test checks the file is current."""

import json
from pathlib import Path

from hdms.audit.kinds import AUDIT_KINDS
from hdms.core.errors import STATUS_BY_CODE
from hdms.core.field_errors import FIELD_ERROR_CODES
from hdms.core.notification_kinds import NotificationKind
from hdms.tickets.models import Priority, TicketStatus

VOCABULARY_FILE = Path(__file__).resolve().parents[3] / "frontend" / "lib" / "server-vocabulary.json"

# Codes sent besides the table of §4 (``account_locked`` by sign-in).
EXTRA_ERROR_CODES = ("account_locked",)


def vocabulary() -> dict[str, list[str]]:
    return {
        "notification_kinds": [kind.value for kind in NotificationKind],
        "error_codes": sorted({*STATUS_BY_CODE, *EXTRA_ERROR_CODES}),
        "field_error_codes": list(FIELD_ERROR_CODES),
        "history_kinds": list(AUDIT_KINDS),
        "ticket_statuses": [status.value for status in TicketStatus],
        "priorities": [priority.value for priority in Priority],
    }


def vocabulary_json() -> str:
    return json.dumps(vocabulary(), indent=2, ensure_ascii=False) + "\n"

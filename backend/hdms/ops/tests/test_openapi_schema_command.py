"""manage.py openapi_schema writes, without a server, the schema the API serves (the web app's types
are generated from it by scripts/api-types.sh)."""

import json

from django.core.management import call_command

from hdms.ops.management.commands.openapi_schema import openapi_schema


def test_the_command_writes_the_served_schema(db, api, tmp_path):
    served = api().get("openapi.json").json()
    out = tmp_path / "openapi.json"
    call_command("openapi_schema", output=str(out))
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == served == openapi_schema()
    # The ticket payload carries what the web app renders from (issue 12).
    ticket = written["components"]["schemas"]["TicketOut"]
    assert {"allowed_actions", "editable_fields"} <= set(ticket["required"])

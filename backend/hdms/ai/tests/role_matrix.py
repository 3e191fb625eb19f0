"""Role x endpoint cases of the ai service (DESIGN §12). Its FastAPI application is not reached by
Django's test client, so these cases run through the ASGI application in committed transactions
(hdms/ai/tests/test_role_matrix_ai.py); the core matrix counts them for coverage only."""

from hdms.ai.models import ModelStatus, ModelVersion, Suggestion
from hdms.testing.factories_tickets import submitted_ticket
from hdms.testing.matrix import Case

THROUGH_ASGI = True
EVERYONE = {"requestor": 200, "assignee": 200, "moderator": 200, "admin": 200}
STAFF = {"moderator": 200, "admin": 200}


def cases(world):
    ticket = submitted_ticket(world.users["requestor"], title="Projector shows no picture",
                              description="Room 12 projector stays blue.")
    suggestion = Suggestion.objects.create(source="rules", requested_by=world.users["moderator"],
                                           departments=[{"department_id": str(world.departments["IT"].id),
                                                         "probability": 1.0}])
    version = ModelVersion.objects.create(number=1, status=ModelStatus.SKIPPED)
    department = world.departments["IT"]
    return [
        Case("POST", "/api/v1/ai/triage", "/api/v1/ai/triage", EVERYONE,
             body={"title": "Printer jams", "description": "In the staff room."}),
        Case("GET", "/api/v1/ai/tickets/{ticket_id}/triage", f"/api/v1/ai/tickets/{ticket.id}/triage", STAFF),
        Case("POST", "/api/v1/ai/feedback", "/api/v1/ai/feedback", STAFF,
             body={"suggestion_id": str(suggestion.id), "accepted": True}),
        Case("POST", "/api/v1/ai/sla-risk", "/api/v1/ai/sla-risk", STAFF, body={"ticket_ids": [str(ticket.id)]}),
        Case("GET", "/api/v1/ai/at-risk", "/api/v1/ai/at-risk", STAFF),
        Case("GET", "/api/v1/ai/models", "/api/v1/ai/models", {"admin": 200}),
        Case("POST", "/api/v1/ai/models/train", "/api/v1/ai/models/train", {"admin": 202}),
        # A skipped version cannot be served: the admin passes the role check and gets 409
        # invalid_transition (its state forbids it, as with a ticket action).
        Case("POST", "/api/v1/ai/models/{version_id}/activate", f"/api/v1/ai/models/{version.id}/activate",
             {"admin": 409}),
        Case("GET", "/api/v1/ai/departments", "/api/v1/ai/departments", {"admin": 200}),
        Case("PATCH", "/api/v1/ai/departments/{department_id}", f"/api/v1/ai/departments/{department.id}",
             {"admin": 200}, body={"keywords": "wifi"}),
    ]

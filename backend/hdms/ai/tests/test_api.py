"""The ai service over HTTP, mounted in the one ASGI application of the embedded default (every
service in one process): sign in through the user service, then ask the ai service with the same
JWT. Requests run through the real ASGI stack (Django and FastAPI), in threads of their own, so
the database rows are committed (transactional tests)."""

import asyncio

import httpx
import pytest

from hdms.ai import services
from hdms.ai.models import ModelStatus, ModelVersion
from hdms.audit.models import AuditEntry
from hdms.testing.client import bearer_for
from hdms.testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def call(method: str, path: str, *, user=None, token: str | None = None, **kwargs):
    from hdms.asgi import application

    headers = kwargs.pop("headers", {})
    if user is not None:
        headers["Authorization"] = bearer_for(user)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"

    async def go():
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.request(method, path, headers=headers, **kwargs)

    return asyncio.run(go())


def test_the_embedded_process_signs_in_and_answers_triage_with_the_same_token(people):
    login = call("POST", "/api/v1/auth/login",
                 json={"employee_code": people["moderator"].employee_code, "password": DEFAULT_PASSWORD})
    assert login.status_code == 200, login.text
    response = call("POST", "/api/v1/ai/triage", token=login.json()["access"],
                    json={"title": "Printer jams", "description": "The printer in the staff room jams."})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"suggestion_id", "departments", "categories", "abstained", "model_version", "similar",
                         "source", "reason"}
    assert body["source"] == "rules" and body["model_version"] is None
    assert response.headers["X-RateLimit-Limit"] == "unlimited"
    assert response.headers["X-Request-ID"]


def test_errors_use_the_desk_codes(people):
    assert call("POST", "/api/v1/ai/triage", json={"title": "x"}).json()["code"] == "not_authenticated"
    bad = call("POST", "/api/v1/ai/triage", token="not-a-token", json={"title": "x"})
    assert bad.status_code == 401 and bad.json()["code"] == "token_invalid"
    invalid = call("POST", "/api/v1/ai/triage", user=people["moderator"], json={"title": 5 * "x" * 100})
    assert invalid.status_code == 422 and invalid.json()["code"] == "validation_error"
    assert invalid.json()["errors"][0]["field"] == "title"
    nul = call("POST", "/api/v1/ai/triage", user=people["moderator"], json={"title": "a\u0000b"})
    assert nul.status_code == 422
    assert call("GET", "/api/v1/ai/models", user=people["moderator"]).json()["code"] == "forbidden"
    assert call("GET", "/api/v1/ai/nothing", user=people["moderator"]).json()["code"] == "not_found"


def test_requestors_share_their_rate_limit_bucket_with_the_other_services(people, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "requestor": 2}
    answers = [call("POST", "/api/v1/ai/triage", user=people["requestor"], json={"title": "wifi"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2" and answers[1].headers["X-RateLimit-Remaining"] == "0"
    assert answers[2].json()["code"] == "rate_limited" and int(answers[2].headers["Retry-After"]) >= 1


def test_admin_trains_lists_versions_and_switches_a_department_off(history, people):
    admin = people["admin"]
    started = call("POST", "/api/v1/ai/models/train", user=admin)
    assert started.status_code == 202, started.text
    # In the test settings tasks run in-process right after commit: the version is trained.
    listed = call("GET", "/api/v1/ai/models", user=admin).json()
    assert listed["count"] == 1 and listed["min_history"] == 1000
    version = listed["items"][0]
    assert version["status"] == ModelStatus.READY and version["is_active"] and version["training_size"] == 1500
    assert version["metrics"]["departments"]["per_label"]

    departments = call("GET", "/api/v1/ai/departments", user=admin).json()
    it = next(d for d in departments if d["code"] == "IT")
    assert it["suggestions_enabled"] and it["precision"] is not None
    for coerced in (0, "false"):  # a switch is a JSON boolean: 0 or "false" is refused, not read as false
        refused = call("PATCH", f"/api/v1/ai/departments/{it['department_id']}", user=admin,
                       json={"suggestions_enabled": coerced})
        assert refused.status_code == 422 and refused.json()["code"] == "validation_error", refused.text
    changed = call("PATCH", f"/api/v1/ai/departments/{it['department_id']}", user=admin,
                   json={"suggestions_enabled": False, "keywords": "wifi, projector"})
    assert changed.status_code == 200
    assert not next(d for d in changed.json() if d["code"] == "IT")["suggestions_enabled"]

    triage = call("POST", "/api/v1/ai/triage", user=people["moderator"],
                  json={"title": "Wi-Fi not working in the library", "description": "Internet keeps disconnecting."})
    body = triage.json()
    assert body["source"] == "model" and body["model_version"] == 1
    assert it["department_id"] not in [d["department_id"] for d in body["departments"]]

    accepted = call("POST", "/api/v1/ai/feedback", user=people["moderator"],
                    json={"suggestion_id": body["suggestion_id"], "accepted": False,
                          "chosen_department_id": it["department_id"]})
    assert accepted.status_code == 200 and accepted.json()["accepted"] is False
    assert AuditEntry.objects.filter(action="ai.feedback", object_id=body["suggestion_id"]).count() == 1


def test_a_ticket_under_review_keeps_its_latest_suggestion(history, people):
    from hdms.testing.factories_tickets import submitted_ticket

    ticket = submitted_ticket(people["requestor"], title="Leaking tap in hall B", description="Water on the floor.")
    assert call("GET", f"/api/v1/ai/tickets/{ticket.id}/triage", user=people["moderator"]).json() is None
    asked = call("POST", "/api/v1/ai/triage", user=people["moderator"],
                 json={"title": ticket.title, "description": ticket.description, "ticket_id": str(ticket.id)})
    latest = call("GET", f"/api/v1/ai/tickets/{ticket.id}/triage", user=people["moderator"]).json()
    assert latest["suggestion_id"] == asked.json()["suggestion_id"]
    assert call("GET", f"/api/v1/ai/tickets/{ticket.id}/triage", user=people["requestor"]).status_code == 403
    # DESIGN §12: the ticket's payload carries the latest suggestion for staff, on lists and details.
    detail = call("GET", f"/api/v1/tickets/{ticket.id}", user=people["moderator"]).json()
    assert detail["triage"]["suggestion_id"] == asked.json()["suggestion_id"]
    assert detail["triage"]["departments"] == asked.json()["departments"]
    assert (detail["triage"]["source"], detail["triage"]["model_version"]) == (asked.json()["source"],
                                                                              asked.json()["model_version"])
    listed = call("GET", "/api/v1/tickets", user=people["moderator"], params={"q": ticket.number}).json()["items"]
    assert [t["triage"]["suggestion_id"] for t in listed] == [asked.json()["suggestion_id"]]
    assert call("GET", f"/api/v1/tickets/{ticket.id}", user=people["requestor"]).json()["triage"] is None
    review = call("POST", "/api/v1/ai/triage", user=people["requestor"],
                  json={"title": "x", "ticket_id": str(ticket.id)})
    assert review.status_code == 403


def test_sla_risk_for_open_tickets_and_the_at_risk_order(history, people):
    version = services.model_train_run(trigger="admin")
    assert ModelVersion.objects.get(id=version.id).is_active
    at_risk = call("GET", "/api/v1/ai/at-risk?min_level=low&limit=20", user=people["moderator"])
    assert at_risk.status_code == 200, at_risk.text
    rows = at_risk.json()
    assert rows and [r["probability"] for r in rows] == sorted((r["probability"] for r in rows), reverse=True)
    some = [r["ticket_id"] for r in rows[:3]]
    chosen = call("POST", "/api/v1/ai/sla-risk", user=people["moderator"], json={"ticket_ids": some}).json()
    assert {r["ticket_id"] for r in chosen} == set(some)
    assert call("GET", "/api/v1/ai/at-risk", user=people["requestor"]).status_code == 403


def test_training_stores_open_tickets_risk_on_the_ticket_lists_and_the_job_refreshes_it(history, people):
    from hdms.ai.tasks import sla_risk_refresh_task
    from hdms.tickets.models import Ticket

    services.model_train_run(trigger="admin")
    computed = services.sla_risk()
    stored = dict(Ticket.objects.filter(sla_risk__isnull=False).values_list("id", "sla_risk"))
    assert computed and {str(i) for i in stored} == set(computed)  # the training refreshed them
    Ticket.objects.filter(id__in=list(stored)[:5]).update(sla_risk=None, sla_risk_level="")
    assert sla_risk_refresh_task() == 5  # the beat job puts back what is missing, nothing else
    listed = call("GET", "/api/v1/tickets?ordering=-risk&page_size=10", user=people["moderator"]).json()["items"]
    first = listed[0]["sla_risk"]
    assert first == {"probability": max(r["probability"] for r in computed.values()),
                     "level": computed[listed[0]["id"]]["level"]}


def test_the_review_shows_the_latest_suggestion_with_similar_open_tickets(history, people):
    from hdms.testing.factories_tickets import submitted_ticket

    twin = submitted_ticket(people["requestor"], title="Projector in room 12 shows no picture",
                            description="The projector turns on but the screen stays blue.")
    ticket = submitted_ticket(people["requestor"], title="Projector in room 12 shows no picture",
                              description="Projector on, screen blue, class at 10.")
    call("POST", "/api/v1/ai/triage", user=people["moderator"],
         json={"title": ticket.title, "description": ticket.description, "ticket_id": str(ticket.id)})
    from hdms.ai import similar

    similar.forget()  # the index is rebuilt each minute; the two new tickets in it now
    review = call("GET", f"/api/v1/ai/tickets/{ticket.id}/triage", user=people["moderator"]).json()
    numbers = [row["number"] for row in review["similar"]]
    assert twin.number in numbers and ticket.number not in numbers
    assert all(0 < row["score"] <= 1 for row in review["similar"])

"""Every transition of DESIGN §3 for every role, through the API: who may (200), who is refused
(403 visible / 404 invisible), and every action refused from every state it is not allowed in
(409 invalid_transition, ticket unchanged)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hdms.testing.factories_tickets import assigned_ticket, in_progress_ticket, resolved_ticket, submitted_ticket
from hdms.tickets import services
from hdms.tickets.models import Ticket

ROLES = ("requestor", "other_requestor", "assignee", "assignee2", "mnt_assignee", "moderator", "admin", "finance",
         "ceo")


def _until():
    return (timezone.now() + timedelta(days=5)).isoformat()


def _pending(desk, amount="500.00"):
    ticket = submitted_ticket(desk.requestor, amount=amount)
    return services.ticket_request_approval(ticket_id=ticket.id, by=desk.moderator, version=ticket.version)


def _approved(desk):
    ticket = _pending(desk)
    step = ticket.approval_steps.get(step=1)
    services.approval_decide(approval_id=step.id, by=desk.finance, decision="approve", version=ticket.version)
    return Ticket.objects.get(id=ticket.id)


def _postponed(desk):
    ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    return services.ticket_postpone(ticket_id=ticket.id, by=desk.assignee, version=ticket.version,
                                    reason="Waiting for parts", until=timezone.now() + timedelta(days=5))


def _closed(desk):
    ticket = resolved_ticket(desk.requestor, desk.moderator, desk.assignee)
    return services.ticket_close(ticket_id=ticket.id, by=desk.requestor, version=ticket.version)


def _merge_target(desk):
    """One open ticket per desk that duplicates are merged into (another requestor's)."""
    if getattr(desk, "merge_target", None) is None:
        desk.merge_target = submitted_ticket(desk.other_requestor, title="The original report")
    return desk.merge_target


def _merged(desk):
    ticket = submitted_ticket(desk.requestor)
    return services.ticket_merge(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                 into_id=_merge_target(desk).id)


SETUPS = {
    "draft": lambda d: services.ticket_create(requestor=d.requestor, title="Draft ticket"),
    "submitted": lambda d: submitted_ticket(d.requestor),
    "pending_approval": _pending,
    "approved": _approved,
    "rejected": lambda d: services.ticket_reject(ticket_id=(t := submitted_ticket(d.requestor)).id, by=d.moderator,
                                                 version=t.version, reason="Duplicate"),
    "assigned": lambda d: assigned_ticket(d.requestor, d.moderator, d.assignee),
    "in_progress": lambda d: in_progress_ticket(d.requestor, d.moderator, d.assignee),
    "postponed": _postponed,
    "resolved": lambda d: resolved_ticket(d.requestor, d.moderator, d.assignee),
    "closed": _closed,
    "withdrawn": lambda d: services.ticket_withdraw(ticket_id=(t := submitted_ticket(d.requestor)).id,
                                                    by=d.requestor, version=t.version),
    "merged": _merged,
}


def _bodies(desk):
    return {
        "submit": {},
        "withdraw": {},
        "reject": {"reason": "Not our job"},
        "request_approval": {},
        "assign": {"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)},
        "reassign": {"assignee_id": str(desk.assignee2.id)},
        "start": {},
        "postpone": {"reason": "Waiting for parts", "until": _until()},
        "resume": {},
        "resolve": {"resolution": "Replaced the cable"},
        "reopen": {"reason": "Still broken"},
        "close": {},
        "rate": {"score": 4, "comment": "Quick"},
        "merge": {"into_id": str(_merge_target(desk).id)},
    }


# (action, source state, target state, {role: status}); roles not listed expect 403 if they can see
# the ticket, 404 if not -- spelled out fully so the table is the specification.
N = 404
F = 403
TRANSITIONS = [
    ("submit", "draft", "submitted", {"requestor": 200, "other_requestor": N, "assignee": N, "assignee2": N,
                                      "mnt_assignee": N, "moderator": N, "admin": N, "finance": N, "ceo": N}),
    ("withdraw", "draft", "withdrawn", {"requestor": 200, "other_requestor": N, "assignee": N, "assignee2": N,
                                        "mnt_assignee": N, "moderator": N, "admin": N, "finance": N, "ceo": N}),
    ("withdraw", "submitted", "withdrawn", {"requestor": 200, "other_requestor": N, "assignee": N, "assignee2": N,
                                            "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N,
                                            "ceo": N}),
    ("reject", "submitted", "rejected", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                         "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": N, "ceo": N}),
    ("request_approval", "submitted", "pending_approval", {"requestor": F, "other_requestor": N, "assignee": N,
                                                           "assignee2": N, "mnt_assignee": N, "moderator": 200,
                                                           "admin": 200, "finance": N, "ceo": N}),
    ("reject", "pending_approval", "rejected", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                                "mnt_assignee": N, "moderator": F, "admin": 200, "finance": 200,
                                                "ceo": N}),
    ("assign", "submitted", "assigned", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                         "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": N, "ceo": N}),
    ("assign", "approved", "assigned", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                        "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": F, "ceo": N}),
    ("reassign", "assigned", "assigned", {"requestor": F, "other_requestor": N, "assignee": F, "assignee2": F,
                                          "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": N,
                                          "ceo": N}),
    ("reassign", "in_progress", "assigned", {"requestor": F, "other_requestor": N, "assignee": F, "assignee2": F,
                                             "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": N,
                                             "ceo": N}),
    ("start", "assigned", "in_progress", {"requestor": F, "other_requestor": N, "assignee": 200, "assignee2": F,
                                          "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N, "ceo": N}),
    ("postpone", "in_progress", "postponed", {"requestor": F, "other_requestor": N, "assignee": 200, "assignee2": F,
                                              "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N,
                                              "ceo": N}),
    ("resume", "postponed", "in_progress", {"requestor": F, "other_requestor": N, "assignee": 200, "assignee2": F,
                                            "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N,
                                            "ceo": N}),
    ("resolve", "in_progress", "resolved", {"requestor": F, "other_requestor": N, "assignee": 200, "assignee2": F,
                                            "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N,
                                            "ceo": N}),
    ("reopen", "resolved", "in_progress", {"requestor": 200, "other_requestor": N, "assignee": F, "assignee2": F,
                                           "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N,
                                           "ceo": N}),
    ("close", "resolved", "closed", {"requestor": 200, "other_requestor": N, "assignee": F, "assignee2": F,
                                     "mnt_assignee": N, "moderator": F, "admin": 200, "finance": N, "ceo": N}),
    ("merge", "submitted", "merged", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                      "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": N, "ceo": N}),
    ("merge", "pending_approval", "merged", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                             "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": F,
                                             "ceo": N}),
    ("merge", "approved", "merged", {"requestor": F, "other_requestor": N, "assignee": N, "assignee2": N,
                                     "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": F, "ceo": N}),
    *[("merge", state, "merged", {"requestor": F, "other_requestor": N, "assignee": F, "assignee2": F,
                                  "mnt_assignee": N, "moderator": 200, "admin": 200, "finance": N, "ceo": N})
      for state in ("assigned", "in_progress", "postponed", "resolved")],
    ("rate", "closed", "closed", {"requestor": 200, "other_requestor": N, "assignee": F, "assignee2": F,
                                  "mnt_assignee": N, "moderator": F, "admin": F, "finance": N, "ceo": N}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "source", "target", "expected"), TRANSITIONS,
                         ids=[f"{a}-from-{s}" for a, s, _, _ in TRANSITIONS])
def test_transition_for_every_role(desk, api, action, source, target, expected):
    assert set(expected) == set(ROLES)
    body = _bodies(desk)[action]
    for role in ROLES:
        ticket = SETUPS[source](desk)
        ticket = Ticket.objects.get(id=ticket.id)
        response = api(getattr(desk, role)).post(f"tickets/{ticket.id}/actions/{action}",
                                                 {"version": ticket.version, **body})
        assert response.status_code == expected[role], (role, response.json())
        after = Ticket.objects.get(id=ticket.id)
        if expected[role] == 200:
            assert response.json()["status"] == target
            assert after.status == target and after.version == ticket.version + 1
        else:
            assert after.status == source and after.version == ticket.version, role


# The actor who passes the role check for each action, so only the state decides.
ACTOR = {"submit": "requestor", "rate": "requestor"}
ALLOWED = {(a, s) for a, s, _, _ in TRANSITIONS}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(SETUPS))
def test_every_action_not_allowed_from_a_state_is_refused_and_changes_nothing(desk, api, state):
    ticket = SETUPS[state](desk)
    for action, body in _bodies(desk).items():
        if (action, state) in ALLOWED:
            continue
        ticket = Ticket.objects.get(id=ticket.id)
        actor = getattr(desk, ACTOR.get(action, "admin"))
        if state == "draft" and action != "submit":
            actor = desk.requestor  # a draft is invisible to everyone else
        response = api(actor).post(f"tickets/{ticket.id}/actions/{action}", {"version": ticket.version, **body})
        if response.status_code == 403:
            continue  # the requestor of a draft cannot assign etc.: refused by role before state
        assert response.status_code == 409, (state, action, response.json())
        assert response.json()["code"] == "invalid_transition"
        after = Ticket.objects.get(id=ticket.id)
        assert (after.status, after.version) == (ticket.status, ticket.version)


@pytest.mark.django_db
def test_stale_version_is_a_version_conflict_and_changes_nothing(desk, api):
    ticket = submitted_ticket(desk.requestor)
    response = api(desk.moderator).post(f"tickets/{ticket.id}/actions/reject",
                                        {"version": ticket.version - 1 or 99, "reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "version_conflict"
    assert Ticket.objects.get(id=ticket.id).status == "submitted"


@pytest.mark.django_db
def test_unknown_action_is_a_validation_error(desk, api):
    ticket = submitted_ticket(desk.requestor)
    response = api(desk.moderator).post(f"tickets/{ticket.id}/actions/explode", {"version": ticket.version})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


@pytest.mark.django_db
def test_reject_and_reopen_need_a_reason(desk, api):
    ticket = submitted_ticket(desk.requestor)
    response = api(desk.moderator).post(f"tickets/{ticket.id}/actions/reject", {"version": ticket.version})
    assert response.status_code == 422
    resolved = resolved_ticket(desk.requestor, desk.moderator, desk.assignee)
    response = api(desk.requestor).post(f"tickets/{resolved.id}/actions/reopen", {"version": resolved.version})
    assert response.status_code == 422
    assert Ticket.objects.get(id=resolved.id).status == "resolved"


@pytest.mark.django_db
def test_every_transition_writes_audit_history_and_publishes_events(desk, api, published,
                                                                    django_capture_on_commit_callbacks):
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(desk.assignee).post(f"tickets/{ticket.id}/actions/start", {"version": ticket.version})
    assert response.status_code == 200
    history = api(desk.requestor).get(f"tickets/{ticket.id}/history").json()
    actions = [item["action"] for item in history["items"]]
    assert actions == ["ticket.create", "ticket.submit", "ticket.assign", "ticket.start"]
    start = history["items"][-1]
    assert start["before"]["status"] == "assigned" and start["after"]["status"] == "in_progress"
    assert start["actor_id"] == str(desk.assignee.id)
    updates = [p for t, p in published if t == "ticket.updated" and p["action"] == "start"]
    assert updates and updates[0]["from_status"] == "assigned" and updates[0]["to_status"] == "in_progress"
    assert updates[0]["room_id"] == str(ticket.id)
    notes = [p for t, p in published if t == "notification.requested" and p["kind"] == "ticket.status"]
    assert any(str(desk.requestor.id) in p["user_ids"] for p in notes)


@pytest.mark.django_db
def test_rating_is_once_and_only_on_closed(desk, api):
    ticket = _closed(desk)
    client = api(desk.requestor)
    response = client.post(f"tickets/{ticket.id}/actions/rate", {"version": ticket.version, "score": 6})
    assert response.status_code == 422
    response = client.post(f"tickets/{ticket.id}/actions/rate", {"version": ticket.version, "score": 5})
    assert response.status_code == 200 and response.json()["rating"] == 5
    again = client.post(f"tickets/{ticket.id}/actions/rate", {"version": ticket.version + 1, "score": 1})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"

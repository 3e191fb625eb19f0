"""Sub-tickets (split, progress, parent resolves itself, reopen goes to the owner) and the
approval chain (Finance, then the CEO above the admin's threshold)."""

from decimal import Decimal

import pytest

from hdms.core.errors import Forbidden, InvalidTransition
from hdms.testing.factories_tickets import submitted_ticket
from hdms.tickets import selectors, services
from hdms.tickets.models import ApprovalStep, Ticket


def _split(desk, api):
    parent = submitted_ticket(desk.requestor, title="New classroom setup")
    response = api(desk.moderator).post(f"tickets/{parent.id}/subtickets", {"version": parent.version, "items": [
        {"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id), "title": "Projector"},
        {"department_id": str(desk.mnt.id), "assignee_id": str(desk.mnt_assignee.id)},
    ]})
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(id=parent.id), [Ticket.objects.get(id=s["id"]) for s in response.json()]


def _work(sub, user):
    sub = services.ticket_start(ticket_id=sub.id, by=user, version=sub.version)
    return services.ticket_resolve(ticket_id=sub.id, by=user, version=sub.version, resolution="done")


@pytest.mark.django_db
def test_split_moves_parent_to_in_progress_owned_by_the_moderator(desk, api):
    parent, subs = _split(desk, api)
    assert parent.status == "in_progress" and parent.owner_id == desk.moderator.id
    assert [s.status for s in subs] == ["assigned", "assigned"]
    assert {s.parent_id for s in subs} == {parent.id}
    assert subs[0].title == "Projector" and subs[1].department_id == desk.mnt.id
    detail = api(desk.requestor).get(f"tickets/{parent.id}").json()
    assert detail["subtickets"] == {"total": 2, "done": 0}
    listed = api(desk.requestor).get(f"tickets/{parent.id}/subtickets").json()
    assert [item["room_id"] for item in listed] == [str(parent.id)] * 2
    # The maintenance assignee sees their sub-ticket, and through the room the parent.
    assert api(desk.mnt_assignee).get(f"tickets/{subs[1].id}").status_code == 200
    assert api(desk.mnt_assignee).get(f"tickets/{parent.id}").status_code == 200
    assert api(desk.other_requestor).get(f"tickets/{subs[0].id}").status_code == 404


@pytest.mark.django_db
def test_split_refused_for_non_moderators_and_from_wrong_states(desk, api):
    ticket = submitted_ticket(desk.requestor)
    body = {"version": ticket.version,
            "items": [{"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)}]}
    assert api(desk.requestor).post(f"tickets/{ticket.id}/subtickets", body).status_code == 403
    draft = services.ticket_create(requestor=desk.requestor, title="d")
    assert api(desk.requestor).post(f"tickets/{draft.id}/subtickets", body).status_code == 403
    same_twice = {**body, "items": body["items"] * 2}
    assert api(desk.moderator).post(f"tickets/{ticket.id}/subtickets", same_twice).status_code == 422
    wrong_dept = {**body, "items": [{"department_id": str(desk.mnt.id), "assignee_id": str(desk.assignee.id)}]}
    assert api(desk.moderator).post(f"tickets/{ticket.id}/subtickets", wrong_dept).status_code == 422
    rejected = services.ticket_reject(ticket_id=ticket.id, by=desk.moderator, version=ticket.version, reason="no")
    response = api(desk.moderator).post(f"tickets/{rejected.id}/subtickets", {**body, "version": rejected.version})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


@pytest.mark.django_db
def test_parent_cannot_resolve_while_a_subticket_is_open_and_resolves_itself_after_the_last(desk, api,
                                                                                            published):
    parent, (it_sub, mnt_sub) = _split(desk, api)
    with pytest.raises(InvalidTransition):
        services.ticket_resolve(ticket_id=parent.id, by=desk.moderator, version=parent.version)
    _work(it_sub, desk.assignee)
    assert Ticket.objects.get(id=parent.id).status == "in_progress"
    assert api(desk.requestor).get(f"tickets/{parent.id}").json()["subtickets"] == {"total": 2, "done": 1}
    _work(mnt_sub, desk.mnt_assignee)
    parent = Ticket.objects.get(id=parent.id)
    assert parent.status == "resolved" and parent.resolved_at is not None
    # The requestor reopens: it goes back to its owner, the splitting moderator, who may act on it.
    parent = services.ticket_reopen(ticket_id=parent.id, by=desk.requestor, version=parent.version,
                                    reason="The projector flickers")
    assert parent.status == "in_progress" and parent.owner_id == desk.moderator.id
    resolved = services.ticket_resolve(ticket_id=parent.id, by=desk.moderator, version=parent.version,
                                       resolution="Cable replaced")
    assert resolved.status == "resolved"
    closed = services.ticket_close(ticket_id=parent.id, by=desk.requestor, version=resolved.version)
    assert closed.status == "closed"


@pytest.mark.django_db
def test_subticket_created_event_goes_to_the_parent_room(desk, api, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        parent, subs = _split(desk, api)
    created = [p for t, p in published if t == "subticket.created"]
    assert [p["room_id"] for p in created] == [str(parent.id)] * 2
    assert {p["subticket"]["id"] for p in created} == {str(s.id) for s in subs}
    updates = [p for t, p in published if t == "ticket.updated" and p["action"] == "split"]
    assert updates and updates[0]["to_status"] == "in_progress"


@pytest.mark.django_db
def test_small_amount_needs_only_finance_approval(desk, api):
    ticket = submitted_ticket(desk.requestor, amount=Decimal("5000"))
    ticket = services.ticket_request_approval(ticket_id=ticket.id, by=desk.moderator, version=ticket.version)
    steps = list(ApprovalStep.objects.filter(ticket=ticket))
    assert [(s.step, s.approver_kind, s.status) for s in steps] == [(1, "finance", "pending")]
    assert api(desk.ceo).get("approvals").json()["count"] == 0
    waiting = api(desk.finance).get("approvals").json()
    assert waiting["count"] == 1 and waiting["items"][0]["ticket"]["id"] == str(ticket.id)
    response = api(desk.finance).post(f"approvals/{steps[0].id}/approve", {"version": ticket.version,
                                                                           "reason": "Budgeted"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Ticket.objects.get(id=ticket.id).status == "approved"


@pytest.mark.django_db
def test_large_amount_goes_to_finance_then_ceo(desk, api):
    admin = api(desk.admin)
    settings_row = admin.get("sla/settings").json()
    response = admin.patch("sla/settings", {"version": settings_row["version"], "ceo_approval_threshold": "20000"})
    assert response.status_code == 200
    ticket = submitted_ticket(desk.requestor, amount=Decimal("25000"))
    ticket = services.ticket_request_approval(ticket_id=ticket.id, by=desk.moderator, version=ticket.version)
    finance_step, ceo_step = ApprovalStep.objects.filter(ticket=ticket).order_by("step")
    assert (finance_step.status, ceo_step.status) == ("pending", "waiting")
    # The CEO cannot jump the queue.
    version = {"version": ticket.version}
    assert api(desk.ceo).post(f"approvals/{ceo_step.id}/approve", version).status_code in (403, 404)
    assert api(desk.finance).post(f"approvals/{finance_step.id}/approve", version).status_code == 200
    version = {"version": Ticket.objects.get(id=ticket.id).version}
    assert Ticket.objects.get(id=ticket.id).status == "pending_approval"
    assert api(desk.finance).post(f"approvals/{finance_step.id}/approve", version).status_code == 409
    assert api(desk.ceo).get("approvals").json()["count"] == 1
    assert api(desk.ceo).get(f"tickets/{ticket.id}").status_code == 200  # the pending approver sees it
    response = api(desk.ceo).post(f"approvals/{ceo_step.id}/approve", {**version, "reason": "OK"})
    assert response.status_code == 200
    ticket = Ticket.objects.get(id=ticket.id)
    assert ticket.status == "approved"
    steps = api(desk.requestor).get(f"tickets/{ticket.id}/approvals").json()
    assert [(s["approver_kind"], s["status"], s["decided_by"]) for s in steps] == [
        ("finance", "approved", str(desk.finance.id)), ("ceo", "approved", str(desk.ceo.id))]
    # Approved tickets are assignable; a ticket pending approval was not.
    assigned = services.ticket_assign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                      department_id=desk.it.id, assignee_id=desk.assignee.id)
    assert assigned.status == "assigned"


@pytest.mark.django_db
def test_ceo_rejection_rejects_the_ticket_with_its_reason(desk, api):
    ticket = submitted_ticket(desk.requestor, amount=Decimal("500000"))
    ticket = services.ticket_request_approval(ticket_id=ticket.id, by=desk.moderator, version=ticket.version)
    finance_step, ceo_step = ApprovalStep.objects.filter(ticket=ticket).order_by("step")
    with pytest.raises(InvalidTransition):
        services.ticket_assign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                               department_id=desk.it.id, assignee_id=desk.assignee.id)
    services.approval_decide(approval_id=finance_step.id, by=desk.finance, decision="approve",
                             version=ticket.version)
    version = {"version": Ticket.objects.get(id=ticket.id).version}
    assert api(desk.ceo).post(f"approvals/{ceo_step.id}/reject", version).status_code == 422
    response = api(desk.ceo).post(f"approvals/{ceo_step.id}/reject", {**version, "reason": "Not this year"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    ticket = Ticket.objects.get(id=ticket.id)
    assert ticket.status == "rejected" and ticket.resolution == "Not this year"
    with pytest.raises(Forbidden):
        services.approval_decide(approval_id=ceo_step.id, by=desk.requestor, decision="approve",
                                 version=ticket.version)


@pytest.mark.django_db
def test_participants_can_be_listed_and_added_by_moderators(desk, api):
    ticket = submitted_ticket(desk.requestor)
    response = api(desk.requestor).post(f"tickets/{ticket.id}/participants", {"user_id": str(desk.assignee.id)})
    assert response.status_code == 403
    response = api(desk.moderator).post(f"tickets/{ticket.id}/participants", {"user_id": str(desk.mnt_assignee.id)})
    assert response.status_code == 201
    people = api(desk.requestor).get(f"tickets/{ticket.id}/participants").json()
    assert {p["user_id"] for p in people} == {str(desk.requestor.id), str(desk.mnt_assignee.id)}
    assert api(desk.mnt_assignee).get(f"tickets/{ticket.id}").status_code == 200  # a participant sees it
    assert str(desk.mnt_assignee.id) in selectors.room_participant_ids(room_id=ticket.id)


@pytest.mark.django_db
def test_desk_settings_show_working_hours_as_local_hh_mm(desk, api):
    admin = api(desk.admin)
    body = admin.get("sla/settings").json()
    assert (body["work_start"], body["work_end"]) == ("08:00", "16:00")
    changed = admin.patch("sla/settings", {"version": body["version"], "work_start": "07:30"})
    assert changed.status_code == 200
    assert changed.json()["work_start"] == "07:30"


@pytest.mark.django_db
def test_every_ticket_write_requires_the_version(desk, api):
    """Issue 10 item 11: without ``version`` a write is a 422, and nothing changes."""
    ticket = submitted_ticket(desk.requestor)
    split = {"items": [{"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)}]}
    response = api(desk.moderator).post(f"tickets/{ticket.id}/subtickets", split)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert not Ticket.objects.filter(parent_id=ticket.id).exists()
    assert api(desk.moderator).patch(f"tickets/{ticket.id}", {"priority": "high"}).status_code == 422
    assert api(desk.moderator).post(f"tickets/{ticket.id}/actions/reject", {"reason": "x"}).status_code == 422
    pending = services.ticket_request_approval(ticket_id=ticket.id, by=desk.moderator, version=ticket.version)
    step = ApprovalStep.objects.get(ticket=pending, step=1)
    for decision in ("approve", "reject"):
        response = api(desk.finance).post(f"approvals/{step.id}/{decision}", {"reason": "no version"})
        assert response.status_code == 422 and response.json()["code"] == "validation_error"
    stale = api(desk.finance).post(f"approvals/{step.id}/approve", {"version": ticket.version})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert ApprovalStep.objects.get(id=step.id).status == "pending"
    assert Ticket.objects.get(id=ticket.id).version == pending.version


@pytest.mark.django_db
def test_a_later_split_cannot_add_a_second_open_subticket_for_a_department(desk, api):
    parent, (it_sub, _mnt_sub) = _split(desk, api)
    again = {"version": parent.version,
             "items": [{"department_id": str(desk.it.id), "assignee_id": str(desk.assignee2.id)}]}
    response = api(desk.moderator).post(f"tickets/{parent.id}/subtickets", again)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert Ticket.objects.filter(parent_id=parent.id, department=desk.it).count() == 1
    # Once IT's sub-ticket is done, a new one for IT may follow; the old one cannot be reopened then.
    it_sub = _work(it_sub, desk.assignee)
    parent = Ticket.objects.get(id=parent.id)
    response = api(desk.moderator).post(f"tickets/{parent.id}/subtickets", again)
    assert response.status_code == 201, response.json()
    with pytest.raises(InvalidTransition):
        services.ticket_reopen(ticket_id=it_sub.id, by=desk.requestor, version=it_sub.version, reason="again")


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_subticket_for_a_department(desk, api):
    from django.db import IntegrityError, transaction

    parent, (it_sub, _mnt_sub) = _split(desk, api)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(number="HD-999999", title="dup", requestor=desk.requestor, parent=parent,
                              department=desk.it, assignee=desk.assignee2, status="assigned")
    # A done sub-ticket of the department does not count.
    Ticket.objects.filter(id=it_sub.id).update(status="resolved")
    Ticket.objects.create(number="HD-999998", title="next", requestor=desk.requestor, parent=parent,
                          department=desk.it, assignee=desk.assignee2, status="assigned")

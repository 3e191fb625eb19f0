"""The read interfaces other services build on: visibility, chat access, room participants, payload."""

import pytest

from hdms.core.errors import NotFound
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.tickets import selectors, services


@pytest.mark.django_db
def test_ticket_get_visible_hides_a_ticket_from_an_unrelated_requestor(desk):
    ticket = submitted_ticket(desk.requestor)
    assert selectors.ticket_get_visible(user=desk.requestor, ticket_id=ticket.id).id == ticket.id
    with pytest.raises(NotFound):
        selectors.ticket_get_visible(user=desk.other_requestor, ticket_id=ticket.id)
    with pytest.raises(NotFound):
        selectors.ticket_get_visible(user=desk.requestor, ticket_id="not-a-uuid")


@pytest.mark.django_db
def test_department_queue_sees_assigned_ticket_but_not_before_assignment(desk):
    ticket = submitted_ticket(desk.requestor, department_id=desk.it.id)
    assert not selectors.ticket_visible_qs(user=desk.assignee2).filter(id=ticket.id).exists()
    assigned_ticket_ = services.ticket_assign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                              department_id=desk.it.id, assignee_id=desk.assignee.id)
    assert selectors.ticket_visible_qs(user=desk.assignee2).filter(id=assigned_ticket_.id).exists()
    assert not selectors.ticket_visible_qs(user=desk.mnt_assignee).filter(id=ticket.id).exists()


@pytest.mark.django_db
def test_drafts_are_private_even_from_moderators(desk):
    draft = services.ticket_create(requestor=desk.requestor, title="Draft")
    with pytest.raises(NotFound):
        selectors.ticket_get_visible(user=desk.moderator, ticket_id=draft.id)
    assert not selectors.ticket_visible_qs(user=desk.admin).filter(id=draft.id).exists()


@pytest.mark.django_db
def test_chat_access_for_each_kind_of_user(desk):
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee, department_id=desk.it.id)
    mine = selectors.chat_access(user=desk.requestor, ticket_id=ticket.id)
    assert mine.room_id == str(ticket.id) and not mine.sees_all and mine.joined_at is not None
    admin = selectors.chat_access(user=desk.admin, ticket_id=ticket.id)
    assert admin.sees_all and admin.silent and admin.joined_at is None
    moderator = selectors.chat_access(user=desk.moderator, ticket_id=ticket.id)
    assert moderator.sees_all and not moderator.silent
    # A colleague from the department queue joins the room when they first open the chat (a
    # service: reading their access writes nothing).
    assert str(desk.assignee2.id) not in selectors.room_participant_ids(room_id=ticket.id)
    looked = selectors.chat_access(user=desk.assignee2, ticket_id=ticket.id)
    assert not looked.is_participant
    assert str(desk.assignee2.id) not in selectors.room_participant_ids(room_id=ticket.id)
    colleague = services.chat_join(user=desk.assignee2, ticket_id=ticket.id)
    assert colleague.joined_at is not None and colleague.is_participant
    assert str(desk.assignee2.id) in selectors.room_participant_ids(room_id=ticket.id)
    assert services.chat_join(user=desk.assignee2, ticket_id=ticket.id).joined_at == colleague.joined_at
    with pytest.raises(NotFound):
        selectors.chat_access(user=desk.other_requestor, ticket_id=ticket.id)


@pytest.mark.django_db
def test_room_participants_are_requestor_assignee_and_acting_moderator_never_admin(desk):
    ticket = submitted_ticket(desk.requestor)
    ticket = services.ticket_assign(ticket_id=ticket.id, by=desk.admin, version=ticket.version,
                                    department_id=desk.it.id, assignee_id=desk.assignee.id)
    ids = selectors.room_participant_ids(room_id=ticket.id)
    assert set(ids) == {str(desk.requestor.id), str(desk.assignee.id)}
    services.ticket_reassign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                             assignee_id=desk.assignee2.id)
    ids = selectors.room_participant_ids(room_id=ticket.id)
    assert set(ids) == {str(desk.requestor.id), str(desk.assignee.id), str(desk.assignee2.id), str(desk.moderator.id)}


@pytest.mark.django_db
def test_subticket_people_join_the_parent_room(desk):
    parent = submitted_ticket(desk.requestor)
    subs = services.ticket_split(ticket_id=parent.id, by=desk.moderator, version=parent.version, items=[
        {"department_id": desk.it.id, "assignee_id": desk.assignee.id},
        {"department_id": desk.mnt.id, "assignee_id": desk.mnt_assignee.id},
    ])
    access = selectors.chat_access(user=desk.mnt_assignee, ticket_id=subs[1].id)
    assert access.room_id == str(parent.id)
    ids = set(selectors.room_participant_ids(room_id=parent.id))
    assert {str(desk.assignee.id), str(desk.mnt_assignee.id), str(desk.moderator.id), str(desk.requestor.id)} == ids


@pytest.mark.django_db
def test_ticket_payload_has_the_contract_fields(desk):
    ticket = submitted_ticket(desk.requestor, priority="high")
    payload = selectors.ticket_payload(ticket)
    for field in ("id", "number", "title", "description", "status", "priority", "department_id", "requestor_id",
                  "assignee_id", "parent_id", "version", "created_at", "updated_at", "sla"):
        assert field in payload
    assert payload["number"].startswith("HD-") and payload["status"] == "submitted"
    assert payload["sla"]["first_response_due"] is not None

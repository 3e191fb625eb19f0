"""Ticket search (``q=``) obeys the chat visibility rule of DESIGN §5 (issue 10 item 12): a word said
in a chat before someone joined it must not make the ticket match for them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hdms.communication.selectors import room_access
from hdms.communication.services import message_create
from hdms.testing.factories_tickets import submitted_ticket
from hdms.tickets import services


def _say(user, ticket, body):
    message_create(author=user, access=room_access(user=user, ticket_id=ticket.id), body=body)


def _found(api, user, q):
    response = api(user).get("tickets", {"q": q})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.django_db(transaction=True)
def test_search_does_not_match_messages_posted_before_the_caller_joined(desk, api):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = submitted_ticket(desk.requestor, title="Laptop is slow")
        _say(desk.requestor, ticket, "the code for the safe is zanzibar")
        _say(desk.moderator, ticket, "noted, marmalade")
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        ticket = services.ticket_assign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                        department_id=desk.it.id, assignee_id=desk.assignee.id)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        _say(desk.requestor, ticket, "it got worse, quokka")
    tid = str(ticket.id)
    # The assignee joined at assignment: the later word matches, the earlier ones do not.
    assert _found(api, desk.assignee, "quokka") == {tid}
    assert _found(api, desk.assignee, "zanzibar") == set()
    assert _found(api, desk.assignee, "marmalade") == set()
    assert _found(api, desk.assignee, "laptop") == {tid}  # the ticket itself is visible
    # A department colleague sees the ticket in the queue but has not joined the chat: no message matches.
    assert _found(api, desk.assignee2, "quokka") == set()
    assert _found(api, desk.assignee2, "slow") == {tid}
    # The requestor was there from the start; moderators and admins see the whole history.
    for user in (desk.requestor, desk.moderator, desk.admin):
        assert _found(api, user, "zanzibar") == {tid}, user.role


@pytest.mark.django_db(transaction=True)
def test_spelling_variants_obey_the_same_rule(postgres_only, desk, api):
    """Trigram matching (issue 18) widens what a word matches, never who may see it: a variant of a
    word said before someone joined, or of an internal note's word, finds nothing for them."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = submitted_ticket(desk.requestor, title="Printer jam")
        _say(desk.requestor, ticket, "bijli nahi hai, generator kharab")
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        ticket = services.ticket_assign(ticket_id=ticket.id, by=desk.moderator, version=ticket.version,
                                        department_id=desk.it.id, assignee_id=desk.assignee.id)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        message_create(author=desk.assignee, access=room_access(user=desk.assignee, ticket_id=ticket.id),
                       body="vendor ka invoice zaroori", internal=True)
    tid = str(ticket.id)
    # Staff read everything: the variants find the ticket through its messages.
    assert _found(api, desk.moderator, "generatr") == {tid}
    assert _found(api, desk.moderator, "zarori") == {tid}
    # The assignee joined after "generator" was said; the requestor never reads the note.
    assert _found(api, desk.assignee, "generatr") == set()
    assert _found(api, desk.assignee, "zarori") == {tid}
    assert _found(api, desk.requestor, "zarori") == set()
    assert _found(api, desk.requestor, "invoice") == set()
    assert _found(api, desk.requestor, "generatr") == {tid}


@pytest.mark.django_db
def test_a_search_count_stops_at_the_cap_and_says_so(postgres_only, desk, api):
    from hdms.core import search
    from hdms.testing.factories_tickets import TicketFactory

    best = TicketFactory(requestor=desk.requestor, title="Projector projector", description="projector broken",
                         status="submitted")
    newest = TicketFactory.create_batch(7, requestor=desk.requestor, title="Projector flickers",
                                        status="submitted")[-1]
    client = api(desk.moderator)
    ranked = client.get("tickets", {"q": "projector", "page_size": 3}).json()
    assert ranked["count"] == 8 and ranked["count_capped"] is False
    assert ranked["items"][0]["id"] == str(best.id)  # below the cap: best match first
    original = search.COUNT_CAP
    search.COUNT_CAP = 5
    try:
        capped = client.get("tickets", {"q": "projector", "page_size": 3}).json()
        last = client.get("tickets", {"q": "projector", "page_size": 3, "page": 3}).json()
        unfiltered = client.get("tickets", {"page_size": 3}).json()
    finally:
        search.COUNT_CAP = original
    assert capped["count"] == 5 and capped["count_capped"] is True and capped["next"]
    # Over the cap the matches come newest first (no rank computed for each of them).
    assert capped["items"][0]["id"] == str(newest.id)
    assert len(last["items"]) == 2 and last["items"][-1]["id"] == str(best.id) and last["next"] is None
    assert unfiltered["count"] == 8 and unfiltered["count_capped"] is False  # no search: exact count

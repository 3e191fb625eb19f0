"""The demo history (seed_demo_history): size, spread over 120 days, three languages, a life cycle
per ticket that matches its age, same tickets on every run, nothing doubled by a second run."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from hdms.audit.models import AuditEntry
from hdms.communication.models import ChatRoom, Message
from hdms.tickets import demo_history
from hdms.tickets.models import OPEN_STATUSES, ApprovalStep, Ticket, TicketParticipant

URDU = re.compile(r"[\u0600-\u06FF]")
ROMAN_URDU = re.compile(r"\b(nahi|ki|ka|ke|mein|hai|darkhwast)\b")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo")]


@pytest.fixture
def _demo():
    with override_settings(HDMS_DEMO=True):
        call_command("seed_demo", verbosity=0)
        yield


def _history():
    return Ticket.all_objects.filter(category__in=demo_history.CATEGORIES)


def _titles():
    return sorted(_history().values_list("title", flat=True))


def test_history_is_large_spread_over_120_days_and_in_three_languages():
    call_command("seed_demo_history", verbosity=0)
    now = timezone.now()
    tickets = _history()
    assert tickets.filter(parent__isnull=True).count() == demo_history.TICKETS
    assert tickets.filter(parent__isnull=False).count() > 50  # splits
    assert set(tickets.values_list("department__code", flat=True)) == {"IT", "FIN", "MNT", "HR", "ACD", "ADM"}
    created = list(tickets.values_list("created_at", flat=True))
    assert min(created) >= now - timedelta(days=121) and max(created) <= now
    # every 10-day stretch of the 120 days has tickets: a history, not a spike
    buckets = {int((now - at).total_seconds() // (10 * 86400)) for at in created}
    assert set(range(12)) <= buckets
    # the seeding moment is not the creation time of the history
    assert tickets.filter(created_at__gte=now - timedelta(minutes=1)).count() == 0
    titles = list(tickets.values_list("title", flat=True))
    urdu = [t for t in titles if URDU.search(t)]
    roman = [t for t in titles if not URDU.search(t) and ROMAN_URDU.search(t)]
    english = [t for t in titles if not URDU.search(t) and not ROMAN_URDU.search(t)]
    assert len(urdu) > 300 and len(roman) > 300 and len(english) > 600

    # old tickets mostly finished, recent ones mostly open
    old = tickets.filter(created_at__lt=now - timedelta(days=60))
    recent = tickets.filter(created_at__gte=now - timedelta(days=3))
    assert old.exclude(status__in=OPEN_STATUSES).count() / old.count() > 0.97
    assert recent.filter(status__in=OPEN_STATUSES).count() / recent.count() > 0.4
    statuses = set(tickets.values_list("status", flat=True))
    assert {"closed", "resolved", "in_progress", "postponed", "pending_approval", "rejected", "withdrawn"} <= statuses

    # approvals: Finance always, the CEO above the threshold; ratings; some SLA breaches
    kinds = dict(ApprovalStep.objects.values_list("approver_kind").annotate(n=Count("id")).order_by())
    assert kinds.get("finance", 0) > 100 and kinds.get("ceo", 0) > 30
    assert not ApprovalStep.objects.filter(approver_kind="ceo", ticket__amount__lte=100000).exists()
    assert tickets.filter(rating__isnull=False).count() > 500
    breached = tickets.filter(sla_breached=True).count()
    assert 0.03 < breached / tickets.count() < 0.35

    # consistent rows: history entries and messages over the days, rooms count their messages
    first = [str(i) for i in tickets.order_by("created_at").values_list("id", flat=True)[:200]]
    audits = AuditEntry.objects.filter(object_type="ticket", object_id__in=first)
    assert audits.filter(created_at__lt=now - timedelta(days=30)).exists()
    assert set(audits.values_list("action", flat=True)) >= {"ticket.create", "ticket.submit", "ticket.assign",
                                                            "ticket.resolve", "ticket.close"}
    assert Message.objects.count() > 2000
    assert Message.objects.filter(created_at__lt=now - timedelta(days=30)).exists()
    for room in ChatRoom.objects.all()[:50]:
        assert Message.objects.filter(room_id=room.id).count() == room.last_seq
    # every message's author is a participant of its room
    members = set(TicketParticipant.objects.values_list("ticket_id", "user_id"))
    assert all((m.room_id, m.author_id) in members for m in Message.objects.all()[:500])
    for t in tickets.filter(status="closed")[:100]:
        assert t.submitted_at <= t.resolved_at <= t.closed_at <= now


def test_history_is_deterministic_and_idempotent():
    call_command("seed_demo_history", count=300, verbosity=0)
    first = _titles()
    count = _history().count()
    call_command("seed_demo_history", count=300, verbosity=0)  # a second make run
    assert _history().count() == count
    # again from scratch: the same tickets
    Message.all_objects.all().delete()
    ChatRoom.all_objects.all().delete()
    ApprovalStep.all_objects.all().delete()
    TicketParticipant.objects.all().delete()
    _history().filter(parent__isnull=False).delete()
    _history().delete()
    call_command("seed_demo_history", count=300, verbosity=0)
    assert _titles() == first


def test_story_tickets_of_seed_demo_tickets_stay_newest():
    call_command("seed_demo_history", count=200, verbosity=0)
    call_command("seed_demo_tickets", verbosity=0)
    newest = Ticket.objects.filter(parent__isnull=True).order_by("-created_at")[0]
    assert newest.category == "" and newest.description.startswith("[demo]")

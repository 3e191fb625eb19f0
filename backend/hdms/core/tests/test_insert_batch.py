"""``core.bulk.insert_batch``: a batch whose rows differ in a few columns, in one statement, on
PostgreSQL. The rows it writes are the rows ``bulk_create`` writes; a conflict is skipped and not
returned; a row that differs where it may not is refused before anything is written."""

import uuid

import pytest
from django.db import transaction

from hdms.communication.models import Notification
from hdms.core.bulk import insert_batch

pytestmark = pytest.mark.django_db
PER_PERSON = ("id", "user", "in_app", "email_pending")
COMPARED = ("user_id", "kind", "title", "body", "params", "ticket_id", "read_at", "urgent", "in_app",
            "email_pending", "emailed_at", "dedupe_key", "is_deleted", "version")


def _batch(people, *, dedupe_key="", title="HD-000042 was assigned"):
    ticket = uuid.UUID(int=42)
    return [Notification(user_id=p.id, kind="ticket.assigned", title=title, body="Projector flickers",
                         params={"number": "HD-000042", "status": "assigned"}, ticket_id=ticket, urgent=True,
                         in_app=n % 2 == 0, email_pending=n % 3 == 0, dedupe_key=dedupe_key)
            for n, p in enumerate(people)]


def _stored(ids):
    rows = {str(r["id"]): r for r in Notification.objects.filter(id__in=ids).values("id", *COMPARED,
                                                                                     "created_at", "updated_at")}
    return [rows[str(i)] for i in ids]


def test_the_rows_are_those_bulk_create_writes(postgres_only, make_user):
    people = [make_user(role="moderator", employee_code=f"IB-{n}") for n in range(7)]
    batched = insert_batch(Notification, _batch(people), per_row=PER_PERSON)
    created = Notification.objects.bulk_create(_batch(people))
    assert len(batched) == 7 and all(not row._state.adding for row in batched)
    ours, theirs = _stored([r.id for r in batched]), _stored([r.id for r in created])
    assert [{k: r[k] for k in COMPARED} for r in ours] == [{k: r[k] for k in COMPARED} for r in theirs]
    assert {r["created_at"] for r in ours} == {batched[0].created_at}  # one stamp for the batch
    assert all(r["updated_at"] == r["created_at"] for r in ours)
    assert [r["in_app"] for r in ours] == [n % 2 == 0 for n in range(7)]  # per person, in order


def test_a_conflict_is_skipped_and_not_returned(postgres_only, make_user):
    people = [make_user(role="moderator", employee_code=f"IBC-{n}") for n in range(4)]
    first = insert_batch(Notification, _batch(people[:2], dedupe_key="message:1"), per_row=PER_PERSON,
                         skip_conflicts=True)
    again = insert_batch(Notification, _batch(people, dedupe_key="message:1"), per_row=PER_PERSON,
                         skip_conflicts=True)
    assert len(first) == 2
    assert sorted(str(r.user_id) for r in again) == sorted(str(p.id) for p in people[2:])
    assert Notification.objects.filter(dedupe_key="message:1").count() == 4


def test_a_row_that_differs_outside_per_row_writes_nothing(postgres_only, make_user):
    people = [make_user(role="moderator", employee_code=f"IBX-{n}") for n in range(3)]
    rows = _batch(people)
    rows[2].title = "another title"
    with pytest.raises(ValueError, match="title"), transaction.atomic():
        insert_batch(Notification, rows, per_row=PER_PERSON)
    with pytest.raises(ValueError, match="per_row"):
        insert_batch(Notification, _batch(people), per_row=(*PER_PERSON, "colour"))
    assert not Notification.objects.filter(user_id__in=[p.id for p in people]).exists()

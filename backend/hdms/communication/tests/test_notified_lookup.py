"""Who already has an event's notification is read through the partial index ``notif_dedupe_key``,
on the generic plan of a prepared statement too (``notified_user_ids``)."""

from collections.abc import Callable

from django.db import connection

from hdms.communication.models import Notification
from hdms.communication.selectors import notified_user_ids
from hdms.communication.services import notification_create
from hdms.testing.factories import UserFactory


def _sql_of(run: Callable[[], object]) -> str:
    captured: list[str] = []

    def capture(execute, sql, params, many, context):  # Django's execute wrapper
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    (sql,) = captured
    return sql


def _generic_plan(sql: str, value: str) -> str:
    """The plan PostgreSQL keeps for ``sql`` (one ``%s``) once the statement is prepared: generic."""
    with connection.cursor() as cursor:
        cursor.execute("PREPARE notified_probe(text) AS " + sql.replace("%s", "$1"))
        try:
            assert "'" not in value
            cursor.execute(f"EXPLAIN EXECUTE notified_probe('{value}')")  # a utility statement: no bound values
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE notified_probe")


def test_the_people_notified_of_an_event_come_from_the_dedupe_index_on_a_generic_plan(postgres_only):
    people = UserFactory.create_batch(3)
    for n, person in enumerate(people):
        Notification.objects.bulk_create(
            [Notification(user=person, kind="message", title="t", dedupe_key="message:1" if n < 2 else "")]
            + [Notification(user=person, kind="message", title="t", dedupe_key=f"other:{k}") for k in range(40)])
    assert notified_user_ids(dedupe_key="message:1") == {str(people[0].id), str(people[1].id)}
    assert notified_user_ids(dedupe_key="message:2") == set()
    assert notified_user_ids(dedupe_key="") == set()  # no key: nobody counts as notified

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows here: a scan only as the last resort
    written_out = _sql_of(lambda: notified_user_ids(dedupe_key="message:1"))
    assert "notif_dedupe_key" in _generic_plan(written_out, "message:1")
    # The lookup as it was, without the index's condition: its generic plan cannot use the index.
    plain = _sql_of(lambda: list(Notification.objects.filter(dedupe_key="message:1").order_by()
                                 .values_list("user_id", flat=True)))
    assert "notif_dedupe_key" not in _generic_plan(plain, "message:1")


def test_a_delivery_racing_another_inserts_only_the_missing_rows(db):
    """Past the task's check (two deliveries of one event at once): the unique (user, dedupe_key)
    keeps one row each, and only the rows this delivery inserted are returned, to be pushed and
    emailed."""
    first, second = UserFactory.create_batch(2)
    made = notification_create(user_ids=[first.id], kind="ticket.status", title="one", dedupe_key="event:7")
    assert [str(n.user_id) for n in made] == [str(first.id)]
    again = notification_create(user_ids=[first.id, second.id], kind="ticket.status", title="two",
                                dedupe_key="event:7")
    assert [str(n.user_id) for n in again] == [str(second.id)]
    rows = Notification.objects.filter(dedupe_key="event:7")
    assert sorted((n.user_id, n.title) for n in rows) == sorted([(first.id, "one"), (second.id, "two")])
    # Nothing there yet: all inserted at once, and returned.
    fresh = notification_create(user_ids=[first.id, second.id], kind="ticket.status", title="three",
                                dedupe_key="event:8")
    assert {str(n.user_id) for n in fresh} == {str(first.id), str(second.id)}

"""A busy database never makes a 500 (issue 18 item 2), on a real desk process over a socket
(``manage.py serve all``, psycopg's pool, the test PostgreSQL):

- 20 concurrent searches all answer 200 with the right tickets;
- with every pooled connection held (two requests blocked on a table lock), the next request
  answers 503 ``service_unavailable`` with ``Retry-After`` once the pool's wait runs out;
- the blocked requests themselves answer 503 when the statement timeout cancels them;
- once the lock is gone the desk answers as before.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.contrib.auth.hashers import make_password

from hdms.testing.desk import DEMO_PASSWORD, Answer, Desk, database_url_of_tests, desk_env, running_desk, sign_in
from hdms.tickets.tests.search_labelled import QUERIES, file_labelled_set

pytestmark = pytest.mark.timeout(300)


def _moderator_token(desk, server: Desk) -> str:
    desk.moderator.password = make_password(DEMO_PASSWORD, hasher="argon2")
    desk.moderator.save(update_fields=["password"])
    return sign_in(server, desk.moderator.employee_code)


def _busy_answer(answer: Answer) -> None:
    assert answer.status == 503, answer.body
    body = answer.json()
    assert body["code"] == "service_unavailable" and body["part"] == "database", body
    assert "busy" in body["detail"], body
    assert int(answer.headers["Retry-After"]) > 0


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_searches_answer_without_a_server_error(postgres_only, desk, tmp_path):
    tickets = file_labelled_set(desk)
    ids = {str(ticket.id): key for key, ticket in tickets.items()}
    # Four connections in the process, as in the benchmark that answered 500s (issue 18).
    env = desk_env(tmp_path / "data", DATABASE_URL=database_url_of_tests(), HDMS_DB_POOL="true",
                   HDMS_DB_POOL_MIN="1", HDMS_DB_POOL_MAX="4")
    with running_desk(env, log_path=tmp_path / "desk.log") as server:
        token = _moderator_token(desk, server)
        queries = [QUERIES[i % len(QUERIES)] for i in range(20)]
        start = threading.Barrier(20)

        def search(query):
            start.wait()
            return server.request("GET", f"/api/v1/tickets?q={_quote(query[1])}", token=token)

        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(search, queries))
        assert [a.status for a in answers] == [200] * 20, [(a.status, a.body[:200]) for a in answers]
        for (_, q, wanted), answer in zip(queries, answers, strict=True):
            found = {ids.get(item["id"]) for item in answer.json()["items"]}
            assert wanted <= found, (q, wanted, found)


@pytest.mark.django_db(transaction=True)
def test_an_exhausted_pool_and_a_cancelled_statement_answer_503(postgres_only, desk, tmp_path):
    file_labelled_set(desk)
    env = desk_env(tmp_path / "data", DATABASE_URL=database_url_of_tests(), HDMS_DB_POOL="true",
                   HDMS_DB_POOL_MIN="1", HDMS_DB_POOL_MAX="2", HDMS_DB_POOL_TIMEOUT="1",
                   HDMS_STATEMENT_TIMEOUT_MS="4000")
    with running_desk(env, log_path=tmp_path / "desk.log") as server:
        token = _moderator_token(desk, server)
        assert server.request("GET", "/api/v1/tickets?q=printer", token=token).status == 200
        with psycopg.connect(database_url_of_tests()) as locker, ThreadPoolExecutor(2) as pool:
            locker.execute("LOCK TABLE tickets_ticket IN ACCESS EXCLUSIVE MODE")  # held until the block ends
            started = time.monotonic()
            held = [pool.submit(server.request, "GET", "/api/v1/tickets?q=printer", token=token) for _ in range(2)]
            _wait_for_lock_waiters(locker, 2)
            # Both pooled connections wait on the lock: the next request gets none within a second.
            waited = time.monotonic()
            _busy_answer(server.request("GET", "/api/v1/tickets", token=token))
            assert time.monotonic() - waited < 3.5
            # The two blocked statements are cancelled by the statement timeout: 503 as well, not 500.
            for future in held:
                _busy_answer(future.result(timeout=30))
            assert time.monotonic() - started >= 3.5
            locker.rollback()
        # The lock is gone: the desk answers again.
        assert server.request("GET", "/api/v1/tickets?q=printer", token=token).status == 200
        assert "Traceback" not in server.log()


def _wait_for_lock_waiters(conn: psycopg.Connection, count: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with psycopg.connect(database_url_of_tests(), autocommit=True) as probe:
            waiting = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchone()
        if waiting and waiting[0] >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} requests did not reach the lock")


def _quote(q: str) -> str:
    from urllib.parse import quote

    return quote(q)

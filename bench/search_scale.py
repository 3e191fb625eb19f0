#!/usr/bin/env python
"""Search latency and recall at scale (issue 18 item 1).

Files the labelled set of ``hdms/tickets/tests/search_labelled.py`` (English, Urdu script and Roman
Urdu tickets with chat messages, and the queries that should find them) into the bench database
(``generate_data.py``: 1,000,000 tickets, 5,000,000 messages), then searches through the API
in-process (``profile_routes``' clients: Django's test client, the production settings, psycopg's
pool) as a moderator (every ticket and message) and as the requestor who filed the set (their own
tickets and the rooms they are in). Besides the labelled queries, common words of the bench data's
vocabulary, which match hundreds of thousands of tickets and messages.

Prints, per group and role, p50/p95/max wall time per search and the recall of the labelled
queries on the first page (25 results). The labelled tickets stay in the database; a second run
reuses them.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench1m REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/search_scale.py [repeats per query, default 5] [--keyset]

``--keyset``: the list's search box as the web app and the load scenario send it (``cursor=``:
newest first, keyset pages) instead of best match first.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HDMS_RATE_LIMIT", "false")  # one person searching 300 times a minute

import profile_routes as pr  # noqa: E402  (sets Django up)

from hdms.communication.selectors import room_access  # noqa: E402
from hdms.communication.services import message_create  # noqa: E402
from hdms.testing.factories_tickets import submitted_ticket  # noqa: E402
from hdms.tickets.tests.search_labelled import QUERIES, TICKETS  # noqa: E402

# Words of generate_data.py's vocabulary: each is in 5-30 % of the tickets and messages.
COMMON = ["printer broken", "printer", "network slow", "please", "salary advance", "toner scanner repair"]
# Ticket numbers as people type them (the load scenario's search box sends these too): whole, its
# digits only, a short part.
NUMBERS = ["HD-000123", "123456", "987654", "77"]
PAGE = 25
KEYSET = "--keyset" in sys.argv


def labelled_set(requestor) -> dict[str, str]:
    """The labelled tickets' ids by key, filed by ``requestor`` unless an earlier run did."""
    ids = {}
    for key, (title, description, messages) in TICKETS.items():
        ticket = pr.Ticket.objects.filter(requestor=requestor, title=title, description=description).first()
        if ticket is None:
            ticket = submitted_ticket(requestor, title=title, description=description)
            for body in messages:
                message_create(author=requestor, access=room_access(user=requestor, ticket_id=ticket.id), body=body)
        ids[key] = str(ticket.id)
    return ids


def search(role: str, q: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    params = {"q": q, "page_size": PAGE, **({"cursor": ""} if KEYSET else {})}
    response = pr.CLIENTS[role].get("/api/v1/tickets", params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (role, q, response.status_code, response.content[:300])
    return elapsed, [item["id"] for item in response.json()["items"]]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    repeats = int(numbers[0]) if numbers else 5
    requestor = pr.REQ_TICKET.requestor
    ids = labelled_set(requestor)
    key_of = {ticket_id: key for key, ticket_id in ids.items()}
    groups = [(language, q, wanted) for language, q, wanted in QUERIES] + [("common", q, set()) for q in COMMON] + [
        ("number", q, set()) for q in NUMBERS]
    print(f"{pr.Ticket.objects.count():,} tickets; labelled set filed by {requestor.employee_code}; "
          f"{repeats} searches per query after one warm-up" + (", keyset pages (cursor=)" if KEYSET else ""))
    for role in ("moderator", "requestor"):
        times: dict[str, list[float]] = {}
        by_query: dict[str, list[float]] = {}
        recall: dict[str, list[int]] = {}
        for language, q, wanted in groups:
            _, first_page = search(role, q)  # warm-up; its page is the one scored
            found = {key_of[i] for i in first_page if i in key_of} & wanted
            hit = recall.setdefault(language, [0, 0])
            hit[0] += len(found)
            hit[1] += len(wanted)
            for _ in range(repeats):
                elapsed = search(role, q)[0]
                times.setdefault(language, []).append(elapsed)
                by_query.setdefault(q, []).append(elapsed)
        for language, values in times.items():
            hits, total = recall[language]
            scored = f"recall {hits}/{total}" if total else "(no labels)"
            print(f"{role:9} {language:6} n={len(values):3} p50 {statistics.median(values):7.1f} ms "
                  f"p95 {percentile(values, 0.95):7.1f} ms max {max(values):7.1f} ms  {scored}")
        slowest = sorted(by_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
        print(f"{role:9} slowest: " + "; ".join(f"{q!r} {statistics.median(v):.0f} ms" for q, v in slowest))


if __name__ == "__main__":
    main()

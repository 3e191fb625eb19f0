"""Search quality on the labelled set (issue 18 item 1): English, Urdu script and Roman Urdu queries,
spelling variants and chat-only words, among generated filler tickets. Recall is measured on
the first page a moderator gets (25 results) and recorded in bench/RESULTS.md."""

import time

import pytest

from hdms.testing.factories_tickets import submitted_ticket
from hdms.tickets.tests.search_labelled import QUERIES, file_labelled_set

# Measured on this set (bench/RESULTS.md "Search"): 30 of 30 expected tickets found (28 of 30
# with trigrams alone, before folding); the bar leaves room for one miss, not for a broken search.
RECALL_BAR = 0.95


@pytest.mark.django_db(transaction=True)
def test_recall_on_the_labelled_query_set(postgres_only, desk, api):
    tickets = file_labelled_set(desk)
    key_of = {str(ticket.id): key for key, ticket in tickets.items()}
    client = api(desk.moderator)
    found = expected = first = 0
    by_language: dict[str, list[int]] = {}
    misses = []
    for language, q, wanted in QUERIES:
        response = client.get("tickets", {"q": q})
        assert response.status_code == 200, (q, response.content)
        keys = [key_of.get(item["id"], "filler") for item in response.json()["items"]]
        hits = wanted & set(keys)
        found += len(hits)
        expected += len(wanted)
        first += bool(keys) and keys[0] in wanted
        if keys and keys[0] not in wanted:
            misses.append((q, f"first: {keys[0]}"))
        counts = by_language.setdefault(language, [0, 0])
        counts[0] += len(hits)
        counts[1] += len(wanted)
        misses += [(q, key) for key in wanted - hits]
    recall = found / expected
    summary = {language: f"{hit}/{total}" for language, (hit, total) in by_language.items()}
    print(f"recall {found}/{expected} = {recall:.3f}; by language {summary}; "
          f"best match first {first}/{len(QUERIES)}; missed {misses}")
    assert recall >= RECALL_BAR, (recall, summary, misses)
    # Ranking: the expected ticket comes first for most queries.
    assert first >= 0.9 * len(QUERIES), (first, misses)


@pytest.mark.django_db
def test_a_spelling_variant_matches_but_unrelated_tickets_do_not(postgres_only, desk, api):
    kept = submitted_ticket(desk.requestor, title="printer kharab hai", description="kaam nahi kar raha")
    submitted_ticket(desk.requestor, title="Printer toner low", description="order a new cartridge")
    found = api(desk.moderator).get("tickets", {"q": "kharaab printer"}).json()
    # Every word must match (one of them by trigram similarity): the other printer ticket is not found.
    assert [item["id"] for item in found["items"]] == [str(kept.id)]
    assert found["count"] == 1 and found["count_capped"] is False


@pytest.mark.django_db
def test_spelling_variants_come_from_the_vocabulary_and_no_ticket_is_compared_by_trigrams(postgres_only, desk, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hdms.tickets.models import Ticket

    exact = submitted_ticket(desk.requestor, title="Projector flickers", description="in the hall")
    variant = submitted_ticket(desk.requestor, title="Projectors flicker", description="in the library")
    client = api(desk.moderator)
    with CaptureQueriesContext(connection) as queries:
        found = client.get("tickets", {"q": "projector"}).json()
    assert {item["id"] for item in found["items"]} == {str(exact.id), str(variant.id)}
    # Trigrams are compared against the vocabulary only: every ticket and message condition is full
    # text, which the GIN indexes answer, whatever the number of rows.
    by_trigram = [q["sql"] for q in queries.captured_queries if "<%" in q["sql"]]
    assert by_trigram and all("FROM search_word" in sql for sql in by_trigram)

    # The vocabulary follows every write: a word typed just now is someone's spelling variant at once.
    assert not client.get("tickets", {"q": "thermostatt"}).json()["items"]
    # Any write path, a raw UPDATE included: PostgreSQL's trigger keeps the list.
    Ticket.objects.filter(id=exact.id).update(description="the thermostat too")
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM search_word WHERE word LIKE 'thermosta%%'")
        assert cursor.fetchall() == [("thermostat",)]
    assert [item["id"] for item in client.get("tickets", {"q": "thermostatt"}).json()["items"]] == [str(exact.id)]


@pytest.mark.django_db
def test_a_word_the_statistics_call_rare_is_read_through_the_index_and_a_common_one_is_not(
        postgres_only, desk, api, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hdms.core import search
    from hdms.testing.factories_tickets import TicketFactory

    TicketFactory.create_batch(60, requestor=desk.requestor, title="Printer jammed", status="submitted")
    rare = submitted_ticket(desk.requestor, title="Thermostat broken", description="in the hall")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    monkeypatch.setattr(search, "_common", {})  # what this process read of the statistics before
    assert "printer" in search.common_words("tickets_ticket")
    # PostgreSQL lists every word of a table this small; a desk's statistics list its commonest.
    monkeypatch.setattr(search, "_common", {"tickets_ticket": (time.monotonic(), frozenset({"printer", "jammed"}))})
    assert search.prepare("printer").rare_in("tickets_ticket") is False
    assert search.prepare("printr").rare_in("tickets_ticket") is False  # its variant "printer" is common
    assert search.prepare("thermostatt").rare_in("tickets_ticket") is True
    # One word outside the common ones and its variants: few matches, whatever the other word.
    assert search.prepare("printer thermostatt").rare_in("tickets_ticket") is True
    # Matched as written (no word to match fuzzily): a number or a phrase is rare unless every
    # lexeme is common; a word after "-" is excluded, and "or" makes no word required.
    assert search.prepare("123456").rare_in("tickets_ticket") is True
    assert search.prepare("HD-000123").rare_in("tickets_ticket") is True
    assert search.prepare('"printer jammed"').rare_in("tickets_ticket") is False
    assert search.prepare("printer 42").rare_in("tickets_ticket") is True
    assert search.prepare("ab or cd").rare_in("tickets_ticket") is False
    assert search.prepare("-zz").rare_in("tickets_ticket") is False

    client = api(desk.moderator)
    with CaptureQueriesContext(connection) as queries:
        found = client.get("tickets", {"q": "thermostatt"}).json()
    assert [item["id"] for item in found["items"]] == [str(rare.id)]
    assert any("enable_seqscan = off" in q["sql"] for q in queries.captured_queries)
    # A number, in part: found by its number, the documents read through the index too.
    digits = rare.number.removeprefix("HD-").lstrip("0")
    with CaptureQueriesContext(connection) as queries:
        by_number = client.get("tickets", {"q": digits}).json()
    assert by_number["items"][0]["id"] == str(rare.id)
    assert any("enable_seqscan = off" in q["sql"] for q in queries.captured_queries)
    common = client.get("tickets", {"q": "printer", "page_size": 5}).json()
    assert common["count"] == 60 and len(common["items"]) == 5 and common["next"]
    # The setting does not outlive the search in the request's connection.
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


@pytest.mark.django_db
def test_a_large_vocabulary_is_searched_through_its_trigram_index_with_the_same_variants(postgres_only):
    """Spelling variants among 20,000 words: the lookup reads the vocabulary's GiST index (it
    compared every word before: 5 ms a word at 5,200 words) and finds what comparing every word
    finds, closest first."""
    from django.db import connection

    from hdms.core import search

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_word (word) SELECT 'tok' || md5(n::text) FROM generate_series(1, 20000) n "
                       "ON CONFLICT DO NOTHING")
        cursor.execute("INSERT INTO search_word (word) VALUES ('projector'), ('projectors'), ('kharab'), ('kharaab') "
                       "ON CONFLICT DO NOTHING")
        cursor.execute("ANALYZE search_word")
        lookup = ("SELECT q, found.word FROM unnest(%s::text[]) AS q, LATERAL ("
                  "  SELECT word FROM search_word WHERE q <%% word ORDER BY q <<-> word, word LIMIT 5) AS found")
        cursor.execute("EXPLAIN " + lookup, [["projectr", "kharab"]])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_word_gist" in plan and "Seq Scan on search_word" not in plan, plan
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(lookup, [["projectr", "kharab"]])
        compared = sorted(cursor.fetchall())
        cursor.execute("RESET enable_indexscan")
        cursor.execute("RESET enable_bitmapscan")
    variants = search.spelling_variants(["projectr", "kharab"])
    assert sorted((q, w) for q, words in variants.items() for w in words) == compared
    assert "projector" in variants["projectr"] and "kharaab" in variants["kharab"]

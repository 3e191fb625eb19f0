"""Search documents: expression index or stored tsvector column, and what the count costs (issue 18).

Standalone (psycopg only, no Django): builds a scratch schema ``search_bench`` in DATABASE_URL's
database with N generated tickets (English, Roman Urdu and Urdu words), then times, p50 of
repeated runs:

- the first page of ranked matches (``ORDER BY ts_rank ... LIMIT 25``) with the vector computed from
  an expression index (what migration 0002 had) and read from a generated stored column (0007);
- the old count (``to_tsvector(...) @@ q OR UPPER(number) = UPPER(q)``) against the new one
  (plain ``number = q``, capped at 1,001 rows);
- a trigram word-similarity match (``q <% text``) for a misspelt word.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_scratch .venv/bin/python bench/search_documents.py --rows 200000

The schema is dropped at the end (``--keep`` keeps it). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg

WORDS = (
    "printer paper jam laptop battery email attachment vpn network slow password reset salary payslip "
    "invoice approval projector keyboard monitor meeting office door lock air conditioner leaking water "
    "kharab masla bijli pani tankhwah nahi kaam chahiye jaldi zaroori darwaza kamra internet wifi "
    "پرنٹر تنخواہ انٹرنیٹ کرسی چھٹی دفتر کام جلدی ضروری کمرہ"
).split()

SETUP = """
DROP SCHEMA IF EXISTS search_bench CASCADE;
CREATE SCHEMA search_bench;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE search_bench.expr (id bigint PRIMARY KEY, number text UNIQUE, title text, description text);
INSERT INTO search_bench.expr
SELECT i, 'HD-' || lpad(i::text, 6, '0'),
       (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + 0 * g], ' ')
        FROM generate_series(1, 4 + (i %% 3)) AS g),
       (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + 0 * g], ' ')
        FROM generate_series(1, 20 + (i %% 17)) AS g)
FROM generate_series(1, %(rows)s) AS i, (SELECT %(words)s::text[] AS w) AS v;
CREATE INDEX ON search_bench.expr USING gin (to_tsvector('simple'::regconfig, title || ' ' || description));
CREATE TABLE search_bench.stored (LIKE search_bench.expr INCLUDING ALL);
ALTER TABLE search_bench.stored ADD COLUMN search_document tsvector GENERATED ALWAYS AS
    (to_tsvector('simple'::regconfig, title || ' ' || description)) STORED;
INSERT INTO search_bench.stored (id, number, title, description) SELECT id, number, title, description FROM search_bench.expr;
CREATE INDEX ON search_bench.stored USING gin (search_document);
CREATE INDEX ON search_bench.stored USING gin ((title || ' ' || description) gin_trgm_ops);
ANALYZE search_bench.expr;
ANALYZE search_bench.stored;
"""

VECTOR = "to_tsvector('simple'::regconfig, title || ' ' || description)"
QUERY = "websearch_to_tsquery('simple'::regconfig, %(q)s)"
CASES = {
    "first page, ranked (expression index)":
        f"SELECT id FROM search_bench.expr WHERE {VECTOR} @@ {QUERY} ORDER BY ts_rank({VECTOR}, {QUERY}) DESC LIMIT 25",
    "first page, ranked (stored column)":
        f"SELECT id FROM search_bench.stored WHERE search_document @@ {QUERY} "
        f"ORDER BY ts_rank(search_document, {QUERY}) DESC LIMIT 25",
    "count, old (OR UPPER(number) = UPPER(q))":
        f"SELECT count(*) FROM search_bench.expr WHERE {VECTOR} @@ {QUERY} OR upper(number) = upper(%(q)s)",
    "count, new (number = q, capped at 1,001)":
        f"SELECT count(*) FROM (SELECT 1 FROM search_bench.stored WHERE search_document @@ {QUERY} "
        f"OR number = upper(%(q)s) LIMIT 1001) AS capped",
}
TRIGRAM = ("trigram word similarity (stored table's index)",
           "SELECT id FROM search_bench.stored WHERE %(q)s <%% (title || ' ' || description) LIMIT 25")


def timed(conn: psycopg.Connection, sql: str, params: dict[str, object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        conn.execute(sql, params).fetchall()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        started = time.perf_counter()
        for statement in SETUP.split(";\n"):
            if statement.strip():
                conn.execute(statement, {"rows": args.rows, "words": list(WORDS)})
        print(f"{args.rows:,} tickets generated and indexed in {time.perf_counter() - started:.0f} s\n")
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('search_bench.expr')), "
                            "pg_size_pretty(pg_total_relation_size('search_bench.stored'))").fetchone()
        print(f"table + indexes: expression index {size[0]}, stored column (+ trigram index) {size[1]}\n")
        queries = {"common word": "printer", "two words": "printer kharab", "rare pair": "vpn پرنٹر"}
        print("| p50 ms | " + " | ".join(f"{name} ({q})" for name, q in queries.items()) + " |")
        print("|---|" + "---|" * len(queries))
        for label, sql in CASES.items():
            cells = [f"{timed(conn, sql, {'q': q}, args.runs):.1f}" for q in queries.values()]
            print(f"| {label} | " + " | ".join(cells) + " |")
        print(f"| {TRIGRAM[0]} | " + " | ".join(
            f"{timed(conn, TRIGRAM[1], {'q': q}, args.runs):.1f}" for q in ("printr", "kharaab", "tankhwa")) +
            " | (queries: printr, kharaab, tankhwa) |")
        if not args.keep:
            conn.execute("DROP SCHEMA search_bench CASCADE")


if __name__ == "__main__":
    main()

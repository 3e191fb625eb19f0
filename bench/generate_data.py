#!/usr/bin/env python
"""Bulk data for the benchmarks (DESIGN §7): 100,000 users, 1,000,000 tickets, 5,000,000 messages.

Follows the real tables: the column list of every COPY comes from the Django models
(``_meta.concrete_fields``), so a field added by the ticket or communication app is filled from its
default (or NULL) without touching this script; fields the benchmarks care about get realistic
values below. Loading is PostgreSQL ``COPY ... FROM STDIN`` with the secondary indexes dropped first
and rebuilt after (the standard bulk-load order: one sorted index build is far cheaper than
millions of incremental inserts into a GIN or B-tree), then ``VACUUM (ANALYZE)``.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench \\
      .venv/bin/python bench/generate_data.py --migrate --reset \\
      --users 100000 --tickets 1000000 --messages 5000000

Every generated user has the password ``bench-pass-123`` (one hash, computed once). Employee codes:
``bu0000001``.. ; the first 50 of each role are named ``bench-req-N``, ``bench-asg-N``,
``bench-mod-N``, ``bench-adm-N``. Roles: 5 % assignees, 20 moderators, 10 admins, the rest requestors.
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")

import django  # noqa: E402
from vocabulary import sentence  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import NOT_PROVIDED  # noqa: E402

PASSWORD = "bench-pass-123"
DEPARTMENTS = [("IT", "IT"), ("FIN", "Finance"), ("MNT", "Maintenance"), ("HR", "HR"), ("ACD", "Academics"),
               ("ADM", "Administration"), ("TRN", "Transport"), ("LIB", "Library"), ("SEC", "Security"),
               ("PRC", "Procurement")]
STATUS_WEIGHTS = [("closed", 40), ("resolved", 8), ("in_progress", 12), ("assigned", 10), ("submitted", 12),
                  ("postponed", 3), ("pending_approval", 3), ("approved", 2), ("rejected", 4), ("withdrawn", 3),
                  ("draft", 3)]
PRIORITIES = [("low", 25), ("medium", 45), ("high", 22), ("urgent", 8)]
RESOLUTION_HOURS = {"urgent": 4, "high": 8, "medium": 24, "low": 72}  # the resolution target per priority
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
START = NOW - dt.timedelta(days=730)


def uid(kind: int, n: int) -> str:
    """Deterministic, valid UUIDs: kind in the first group, a counter in the last."""
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def ts(value: dt.datetime) -> str:
    return value.isoformat()


def esc(value: object) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value)
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Table:
    """COPY rows into one model's table; unknown columns get their model default or NULL."""

    def __init__(self, model, overrides: tuple[str, ...]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.columns: list[str] = []
        self.fixed: list[str | None] = []  # None = value supplied per row (in `overrides` order)
        self.order: list[int] = []
        for field in model._meta.concrete_fields:
            if field.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField"):
                continue  # the database's sequence numbers these rows
            self.columns.append(field.column)
            if field.attname in overrides or field.name in overrides:
                name = field.attname if field.attname in overrides else field.name
                self.fixed.append(None)
                self.order.append(overrides.index(name))
            else:
                self.fixed.append(esc(self._default(field)))
                self.order.append(-1)
        missing = set(overrides) - {f.attname for f in model._meta.concrete_fields} - {
            f.name for f in model._meta.concrete_fields}
        if missing:
            raise SystemExit(f"{self.table}: the models have no field {sorted(missing)}; update bench/generate_data.py")

    @staticmethod
    def _default(field):
        if field.default is not NOT_PROVIDED:
            return field.default() if callable(field.default) else field.default
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return NOW
        if field.null:
            return None
        if field.get_internal_type() in ("CharField", "TextField", "EmailField", "SlugField"):
            return ""
        raise SystemExit(f"{field.model._meta.db_table}.{field.column} has no default: add it to this script")

    def copy(self, rows, batch: int = 50_000) -> int:
        """``rows`` yields tuples in ``overrides`` order. Returns the number of rows written."""
        template = []
        for fixed, index in zip(self.fixed, self.order, strict=True):
            template.append((fixed, index))
        count = 0
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(fixed if index < 0 else esc(row[index]) for fixed, index in template))
                    buffer.write("\n")
                    count += 1
                    if count % batch == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
        return count


def secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of indexes that back no constraint: safe to drop and rebuild."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        return list(cursor.fetchall())


def vocabulary_triggers(tables: list[str]) -> list[tuple[str, str]]:
    """(table, trigger) of the search vocabulary's triggers on ``tables`` (none before migration 0013)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE c.relname = ANY(%s) AND t.tgname LIKE '%%search_words%%' AND NOT t.tgisinternal""",
            [tables],
        )
        return cursor.fetchall()


def weighted(choices: list[tuple[str, int]], rng: random.Random, n: int) -> list[str]:
    names, weights = zip(*choices, strict=True)
    return rng.choices(names, weights=weights, k=n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5_000_000)
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    parser.add_argument("--reset", action="store_true", help="empty the tables first (TRUNCATE ... CASCADE)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (COPY).")
    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    started = time.monotonic()

    if args.migrate:
        call_command("migrate", "--noinput", verbosity=0)
    User = apps.get_model("users", "User")
    Department = apps.get_model("users", "Department")
    Ticket = apps.get_model("tickets", "Ticket")
    Participant = apps.get_model("tickets", "TicketParticipant")
    ChatRoom = apps.get_model("communication", "ChatRoom")
    Message = apps.get_model("communication", "Message")
    tables = [m._meta.db_table for m in (User, Ticket, Participant, ChatRoom, Message)]

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        if args.reset:
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            # The search vocabulary is the documents' words: rebuilt below from the new rows, not
            # kept from earlier runs (whose users filed titles with random tokens in them).
            cursor.execute("TRUNCATE search_word")

    indexes = secondary_indexes(tables)
    with connection.cursor() as cursor:
        # What is dropped is written down first: a run stopped before the rebuild leaves its
        # indexes here, and the next run rebuilds them with its own.
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dropped_index (name text PRIMARY KEY, statement text NOT NULL)")
        cursor.execute("SELECT name, statement FROM bench_dropped_index")
        indexes = list({**dict(cursor.fetchall()), **dict(indexes)}.items())
        for name, statement in indexes:
            cursor.execute("INSERT INTO bench_dropped_index VALUES (%s, %s) ON CONFLICT DO NOTHING", [name, statement])
    # The search vocabulary's row triggers (tickets migration 0013) would add each row's words one
    # row at a time: off while loading, the words added in one pass at the end (as the migration did).
    vocabulary = vocabulary_triggers(tables)
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        for table, trigger in vocabulary:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
    mark = time.monotonic()

    # Departments (kept if they exist)
    departments = []
    for code, name in DEPARTMENTS:
        department = Department.objects.filter(code=code).first() or Department.objects.create(code=code, name=name)
        departments.append(str(department.id))

    # Users: requestors mostly; assignees per department; some moderators and admins.
    password = make_password(PASSWORD)
    n_users = args.users
    roles = ["requestor"] * n_users
    special = {"requestor": "req", "assignee": "asg", "moderator": "mod", "admin": "adm"}
    # A desk has a handful of moderators and admins (every new ticket notifies all of them).
    n_assignees, n_mods, n_admins = max(50, n_users // 20), 20, 10
    for i in range(n_assignees):
        roles[1 + i] = "assignee"
    for i in range(n_mods):
        roles[1 + n_assignees + i] = "moderator"
    for i in range(n_admins):
        roles[1 + n_assignees + n_mods + i] = "admin"
    seen: dict[str, int] = {}
    user_ids, user_dept = [], []
    assignees_by_dept: dict[str, list[str]] = {d: [] for d in departments}
    requestors: list[str] = []

    def user_rows():
        for i in range(n_users):
            role = roles[i]
            seen[role] = seen.get(role, 0) + 1
            code = f"bench-{special[role]}-{seen[role]}" if seen[role] <= 50 else f"bu{i:07d}"
            dept = departments[i % len(departments)]
            user_id = uid(0x1, i)
            user_ids.append(user_id)
            user_dept.append(dept)
            if role == "assignee":
                assignees_by_dept[dept].append(user_id)
            elif role == "requestor":
                requestors.append(user_id)
            created = START + dt.timedelta(seconds=i)
            yield (user_id, created, created, code, f"Bench User {i}", f"{code}@bench.example", role, dept, password)

    users = Table(User, ("id", "created_at", "updated_at", "employee_code", "full_name", "email", "role",
                         "department_id", "password"))
    users.copy(user_rows())
    timings["users"] = time.monotonic() - mark
    mark = time.monotonic()

    # Tickets: created_at strictly increasing with the number (keyset pagination sees real order).
    n_tickets = args.tickets
    statuses = weighted(STATUS_WEIGHTS, rng, n_tickets)
    priorities = weighted(PRIORITIES, rng, n_tickets)
    span = (NOW - START).total_seconds()
    ticket_meta: list[tuple[str, str, str | None]] = []  # id, requestor, assignee

    def ticket_rows():
        for i in range(n_tickets):
            status = statuses[i]
            created = START + dt.timedelta(seconds=span * i / n_tickets)
            dept = departments[rng.randrange(len(departments))]
            requestor = requestors[rng.randrange(len(requestors))]
            staffed = status in ("assigned", "in_progress", "postponed", "resolved", "closed")
            assignee = rng.choice(assignees_by_dept[dept]) if staffed and assignees_by_dept[dept] else None
            submitted = None if status == "draft" else created + dt.timedelta(minutes=1)
            resolved = None
            if status == "closed":
                resolved = created + dt.timedelta(hours=rng.randint(1, 96))
            elif status == "resolved":
                # Still waiting for the requestor: resolved within the last day, so beat's auto-close
                # (3 days) does not start closing 80,000 tickets in the middle of a benchmark.
                resolved = NOW - dt.timedelta(minutes=rng.randint(1, 20 * 60))
            postponed = status == "postponed"
            closed = resolved + dt.timedelta(days=3) if status == "closed" else None
            ticket_id = uid(0x2, i)
            ticket_meta.append((ticket_id, requestor, assignee))
            yield (ticket_id, created, resolved or created, f"HD-{i + 1:06d}", sentence(rng, 3, 8).capitalize(),
                   sentence(rng, 10, 40), dept, priorities[i], status, requestor, assignee, submitted,
                   resolved, closed, submitted, rng.random() < 0.05,
                   NOW + dt.timedelta(days=30) if postponed else None,  # postponed_until
                   NOW - dt.timedelta(days=1) if postponed else None,   # last_reminder_at: no reminder is due
                   "Waiting for parts" if postponed else "",
                   # The resolution target (the list sorted by SLA due): whole hours per priority, so
                   # many tickets share one (ties the keyset pages must break by id); none for drafts.
                   submitted + dt.timedelta(hours=RESOLUTION_HOURS[priorities[i]]) if submitted else None)

    tickets = Table(Ticket, ("id", "created_at", "updated_at", "number", "title", "description", "department_id",
                             "priority", "status", "requestor_id", "assignee_id", "submitted_at", "resolved_at",
                             "closed_at", "sla_started_at", "sla_breached", "postponed_until", "last_reminder_at",
                             "postponed_reason", "resolution_due"))
    tickets.copy(ticket_rows())
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('tickets_ticket_number_seq', %s)", [n_tickets + 1])
    timings["tickets"] = time.monotonic() - mark
    mark = time.monotonic()

    # Participants: the requestor and the assignee of every ticket, joined when it was created.
    def participant_rows():
        for i, (ticket_id, requestor, assignee) in enumerate(ticket_meta):
            created = START + dt.timedelta(seconds=span * i / n_tickets)
            yield (ticket_id, requestor, created)
            if assignee:
                yield (ticket_id, assignee, created + dt.timedelta(minutes=5))

    participants = Table(Participant, ("ticket_id", "user_id", "joined_at"))
    participants.copy(participant_rows())
    timings["participants"] = time.monotonic() - mark
    mark = time.monotonic()

    # Messages: spread over tickets (some have many), seq 1..k per room; one chat room per ticket with messages.
    per_ticket = [0] * n_tickets
    for _ in range(args.messages):
        per_ticket[min(int(rng.paretovariate(1.2)) - 1 + rng.randrange(n_tickets), n_tickets - 1)] += 1

    def room_rows():
        for i, count in enumerate(per_ticket):
            if count:
                created = START + dt.timedelta(seconds=span * i / n_tickets)
                yield (ticket_meta[i][0], created, created, count)

    ChatRoomTable = Table(ChatRoom, ("id", "created_at", "updated_at", "last_seq"))
    ChatRoomTable.copy(room_rows())

    def message_rows():
        n = 0
        for i, count in enumerate(per_ticket):
            if not count:
                continue
            ticket_id, requestor, assignee = ticket_meta[i]
            created = START + dt.timedelta(seconds=span * i / n_tickets)
            for seq in range(1, count + 1):
                author = assignee if assignee and seq % 2 == 0 else requestor
                at = created + dt.timedelta(minutes=seq)
                yield (uid(0x3, n), at, at, ticket_id, ticket_id, seq, author, sentence(rng, 4, 25))
                n += 1

    messages = Table(Message, ("id", "created_at", "updated_at", "room_id", "ticket_id", "seq", "author_id", "body"))
    messages.copy(message_rows())
    timings["messages"] = time.monotonic() - mark
    mark = time.monotonic()

    with connection.cursor() as cursor:
        for _, statement in indexes:
            cursor.execute(statement)
        cursor.execute("DROP TABLE bench_dropped_index")
    timings["indexes"] = time.monotonic() - mark
    mark = time.monotonic()
    with connection.cursor() as cursor:
        for table, trigger in vocabulary:
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
        for table in sorted({table for table, _ in vocabulary}):
            cursor.execute("INSERT INTO search_word (word) SELECT word FROM ts_stat(%s) "
                           "WHERE char_length(word) BETWEEN 3 AND 64 ORDER BY word ON CONFLICT DO NOTHING",
                           [f'SELECT search_document FROM "{table}"'])
    timings["vocabulary"] = time.monotonic() - mark
    mark = time.monotonic()
    # VACUUM as well as ANALYZE: a database in service has autovacuum keep its visibility maps, so
    # an index-only scan (an assignee's queue count) reads no table pages; a freshly loaded one has
    # none until vacuumed, and the bench box runs PostgreSQL with autovacuum off (bench/RESULTS.md:
    # 142 ms instead of a few for that count).
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    timings["vacuum_analyze"] = time.monotonic() - mark
    timings["total"] = time.monotonic() - started
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    print(json.dumps({"counts": counts, "seconds": {k: round(v, 1) for k, v in timings.items()},
                      "indexes_rebuilt": len(indexes)}, indent=2))


if __name__ == "__main__":
    main()

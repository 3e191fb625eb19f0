#!/usr/bin/env python
"""Where every millisecond of a request goes (issue 18 item 3): application CPU, worker CPU, database
CPU and wall time per route and role, and each route's own SQL replayed raw through psycopg as the
floor. Built on ``profile_routes.py`` (Django's test client, the production settings, psycopg's pool).

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench1m REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/profile_harness.py all            # every route, floor included
    .venv/bin/python bench/profile_harness.py list,detail 100 --no-floor
    bench/profile_flames.py list   # the py-spy flame graph

How each figure is taken, per request (then averaged over the batch):

- **app CPU**: ``time.process_time`` of this (the Django) process around the request only. The
  database runs in its own process, so this excludes it; psycopg's client-side work is included.
- **worker CPU**: Celery tasks the request enqueues are not sent to a broker: ``app.send_task`` (which
  ``Task.apply_async`` and the outbox call) is replaced by a recorder, and after the request each
  recorded task (and any task it enqueues) runs in this process through ``Task.apply``, timed
  separately with ``process_time``. Tasks sent with a countdown (the email digest: one per recipient
  and window, the rest of a burst rides along) run once after the batch, as the worker would when
  the window ends; their CPU is reported apart, divided by the batch's requests.
- **DB CPU**: the pool is one connection (``HDMS_DB_POOL_MIN=MAX=1``), so every query of the request
  and of its tasks runs on one PostgreSQL backend; its ``utime + stime`` from ``/proc/<pid>/stat``
  is read before and after the request (and the tasks). The pid is the one psycopg reports for the
  connection the queries actually ran on (checked on every query). Clock ticks are 10 ms, so the
  figure is only meaningful as a batch average.
- **floor**: every statement the request ran (``connection.execute_wrapper``: SQL and parameters) is
  replayed, in order, on a plain psycopg connection (``ClientCursor``: client-side binding, as
  Django's), timing wall and that backend's CPU. Reads replay in autocommit. Writes replay in one
  transaction that is rolled back (the rows already exist: an INSERT that hits a unique key is
  rolled back to a savepoint and counted; the commit's WAL flush is therefore not in the floor).
- **ratio** = route wall / floor wall.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("HDMS_DB_POOL_MIN", "1")
os.environ.setdefault("HDMS_DB_POOL_MAX", "1")
# No SMTP server on the bench box: the dummy backend does a digest's work but the socket write (run_api.py).
os.environ.setdefault("HDMS_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

import profile_routes as pr  # noqa: E402  (sets the environment and runs django.setup())
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from hdms.celery import app as celery_app  # noqa: E402
from hdms.core.ratelimit import get_buckets  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
User = pr.User
Ticket = pr.Ticket
ASSIGNEES = {}
for dept in pr.DEPARTMENTS:
    a = User.objects.filter(role="assignee", is_active=True, department_id=dept).order_by("employee_code").first()
    if a is not None:
        ASSIGNEES[dept] = str(a.id)
SEARCHES = {"en": "printer broken", "ur": "پرنٹر خراب", "roman": "printer kharab hai"}


# ------------------------------------------------------------------------------------ measurement

def backend_cpu(pid: int) -> float:
    """utime + stime of a PostgreSQL backend, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # fields 14 and 15 of the whole line


class Recorder:
    """Statements of the request (for the floor) and the backend pid they ran on."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object, bool]] = []
        self.pids: set[int] = set()

    def __call__(self, execute, query, params, many, context):
        self.pids.add(context["connection"].connection.info.backend_pid)
        self.statements.append((query, params, many))
        return execute(query, params, many, context)


SENT: list[tuple[str, tuple, dict, bool]] = []


def fake_send_task(name, args=None, kwargs=None, **options):
    deferred = bool(options.get("countdown") or options.get("eta"))
    SENT.append((name, tuple(args or ()), dict(kwargs or {}), deferred))
    return celery_app.AsyncResult(options.get("task_id") or str(uuid.uuid4()))


celery_app.send_task = fake_send_task  # nothing reaches a broker; tasks run below, timed apart


celery_app.loader.import_default_modules()


DEFERRED: list[tuple[str, tuple, dict]] = []


def run_tasks(cpu_by_task: Counter | None = None) -> tuple[Counter, int]:
    """Run the recorded tasks (and what they enqueue) here, CPU per task name into ``cpu_by_task``.
    A task sent with a countdown or eta (the email digest) is kept for ``run_deferred``: a burst of
    notifications schedules one digest per recipient and window, which the worker runs later."""
    names: Counter = Counter()
    failed = 0
    while SENT:
        name, args, kwargs, deferred = SENT.pop(0)
        if deferred:
            DEFERRED.append((name, args, kwargs))
            names[name + " (deferred)"] += 1
            continue
        names[name] += 1
        cpu = time.process_time()
        result = celery_app.tasks[name].apply(args=args, kwargs=kwargs)
        if cpu_by_task is not None:
            cpu_by_task[name] += time.process_time() - cpu
        if result.failed():
            failed += 1
    return names, failed


def run_deferred() -> tuple[int, float, int]:
    """Run the deferred tasks once, as the worker would when their countdown ends: (how many, CPU s,
    failures); what they enqueue runs too."""
    done = failed = 0
    cpu = time.process_time()
    while DEFERRED:
        name, args, kwargs = DEFERRED.pop(0)
        done += 1
        if celery_app.tasks[name].apply(args=args, kwargs=kwargs).failed():
            failed += 1
        failed += run_tasks()[1]
    return done, time.process_time() - cpu, failed


def reset_redis() -> None:
    """This harness's Redis database only (REDIS_URL): digest windows and caches start empty."""
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def pool_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    connection.close()  # back to the pool
    return pid


# ------------------------------------------------------------------------------------ routes
# Each route: prep(role) -> state (not measured), call(role, state) -> response (measured).

def no_prep(role):
    return None


def create_submitted(dept=None):
    client = pr.CLIENTS["requestor"]
    dept = dept or random.choice(list(ASSIGNEES))
    created = client.post("/api/v1/tickets", {"title": "Bench", "description": "Projector flickers.",
                                               "department_id": dept, "priority": "medium"},
                          content_type="application/json").json()
    submitted = client.post(f"/api/v1/tickets/{created['id']}/actions/submit", {"version": created["version"]},
                            content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    return submitted.json()


def call_search(lang):
    def call(role, state):
        return pr.CLIENTS[role].get("/api/v1/tickets", {"q": SEARCHES[lang], "cursor": "", "page_size": 20})
    return call


OPEN_TICKET: dict = {}


def call_message(role, state):
    """The requestor's reply on an open ticket of theirs (a closed one answers 409)."""
    if not OPEN_TICKET:
        OPEN_TICKET.update(create_submitted())
    return pr.CLIENTS["requestor"].post(f"/api/v1/tickets/{OPEN_TICKET['id']}/messages",
                                        {"body": "still happening", "client_id": uuid.uuid4().hex},
                                        content_type="application/json")


def call_assign(role, ticket):
    dept = ticket["department_id"] if "department_id" in ticket else ticket["department"]["id"]
    return pr.CLIENTS["moderator"].post(
        f"/api/v1/tickets/{ticket['id']}/actions/assign",
        {"version": ticket["version"], "department_id": dept, "assignee_id": ASSIGNEES[str(dept)]},
        content_type="application/json")


ROUTES = {
    "list": (("requestor", "assignee", "moderator"), no_prep, lambda role, s: pr.do_list(role), False),
    "detail": (("requestor", "assignee", "moderator"), no_prep, lambda role, s: pr.do_detail(role), False),
    "messages": (("requestor", "assignee", "moderator"), no_prep, lambda role, s: pr.do_messages(role), False),
    "search-en": (("requestor", "moderator"), no_prep, call_search("en"), False),
    "search-ur": (("requestor", "moderator"), no_prep, call_search("ur"), False),
    "search-roman": (("requestor", "moderator"), no_prep, call_search("roman"), False),
    "create": (("requestor",), no_prep, lambda role, s: pr.do_create_submit(role), True),
    "file": (("requestor",), no_prep, lambda role, s: pr.do_file(role), True),
    "action": (("moderator",), lambda role: create_submitted(), call_assign, True),
    "message": (("requestor",), no_prep, call_message, True),
}
DEFAULT_N = {"search-en": 10, "search-ur": 10, "search-roman": 10, "create": 30, "file": 30, "action": 30,
             "message": 40, "detail": 200}


def measured_request(call, role, state):
    """The request being measured (profile_flames.py counts the samples under this frame only)."""
    return call(role, state)


def measure(name: str, role: str, count: int, floor: bool, floor_conn, warmup: int = 3) -> dict:
    _roles, prep, call, write = ROUTES[name]
    reset_redis()
    get_buckets().reset()
    for _ in range(warmup):  # warm-up (caches, the pool's connection)
        call(role, prep(role))
        run_tasks()
    DEFERRED.clear()
    reset_redis()  # the digest windows the warm-up opened
    pid = pool_pid()
    totals = Counter()
    queries = 0
    tasks: Counter = Counter()
    failed_tasks = 0
    captured = []
    statuses: Counter = Counter()
    cpu_by_task: Counter = Counter()
    for i in range(count):
        if i % 20 == 0:
            get_buckets().reset()  # the rate limit (per user) would answer 429 to a long batch
        state = prep(role)
        SENT.clear()  # the preparation's own tasks are not this route's
        rec = Recorder()
        db0 = backend_cpu(pid)
        with connection.execute_wrapper(rec):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            response = measured_request(call, role, state)
            cpu1, wall1 = time.process_time(), time.perf_counter()
        db1 = backend_cpu(pid)
        statuses[response.status_code] += 1
        if rec.pids - {pid}:
            raise SystemExit(f"{name}: queries ran on backends {rec.pids}, expected only {pid}")
        wcpu0, wwall0 = time.process_time(), time.perf_counter()
        names, failed = run_tasks(cpu_by_task)
        wcpu1, wwall1 = time.process_time(), time.perf_counter()
        db2 = backend_cpu(pid)
        tasks.update(names)
        failed_tasks += failed
        totals.update({"app_cpu": cpu1 - cpu0, "wall": wall1 - wall0, "db_cpu": db1 - db0,
                       "worker_cpu": wcpu1 - wcpu0, "worker_wall": wwall1 - wwall0, "worker_db_cpu": db2 - db1})
        queries += len(rec.statements)
        captured.append(rec.statements)
    deferred, deferred_cpu, deferred_failed = run_deferred()
    out = {k: 1000 * v / count for k, v in totals.items()}
    out.update(deferred_tasks=deferred, deferred_cpu_per_request=1000 * deferred_cpu / count,
               deferred_failed=deferred_failed, sql_first=[q[:400] for q, _p, _m in captured[0]] if captured else [])
    out.update(route=name, role=role, n=count, queries=queries / count, tasks=dict(tasks),
               failed_tasks=failed_tasks, statuses=dict(statuses),
               worker_cpu_by_task={k: 1000 * v / count for k, v in cpu_by_task.items()})
    if floor:
        out.update(replay(captured, write, floor_conn))
        out["ratio"] = out["wall"] / out["floor_wall"] if out["floor_wall"] else None
    return out


def replay(captured, write: bool, conn) -> dict:
    pid = conn.info.backend_pid
    wall = 0.0
    conflicts = errors = 0
    db0 = backend_cpu(pid)
    for statements in captured:
        conn.autocommit = not write
        cur = psycopg.ClientCursor(conn)
        t0 = time.perf_counter()
        for query, params, many in statements:
            guard = write and query.lstrip()[:6].upper() == "INSERT"
            if guard:
                cur.execute("SAVEPOINT floor_guard")
            try:
                if many:
                    cur.executemany(query, params)
                else:
                    cur.execute(query, params)
                if cur.description is not None:
                    cur.fetchall()
            except psycopg.errors.UniqueViolation:
                conflicts += 1
                cur.execute("ROLLBACK TO SAVEPOINT floor_guard")
            except psycopg.Error as exc:
                errors += 1
                if errors <= 3:
                    print(f"  floor: {type(exc).__name__}: {str(exc)[:200]} in {query[:120]}", file=sys.stderr)
                if not conn.autocommit:
                    cur.execute("ROLLBACK TO SAVEPOINT floor_guard") if guard else conn.rollback()
        if write:
            conn.rollback()
        wall += time.perf_counter() - t0
        cur.close()
    db1 = backend_cpu(pid)
    n = len(captured)
    return {"floor_wall": 1000 * wall / n, "floor_db_cpu": 1000 * (db1 - db0) / n,
            "floor_conflicts": conflicts / n, "floor_errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("routes", nargs="?", default="all")
    parser.add_argument("count", nargs="?", type=int, default=0)
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--roles", help="only these roles (comma-separated)")
    parser.add_argument("--warmup", type=int, default=3, help="requests before the measured ones")
    parser.add_argument("--json", help="write the results here (after each route and role)")
    args = parser.parse_args()
    names = list(ROUTES) if args.routes == "all" else args.routes.split(",")
    url = settings.DATABASES["default"]
    floor_conn = None
    if not args.no_floor:
        floor_conn = psycopg.connect(host=url["HOST"] or None, port=url["PORT"] or None, dbname=url["NAME"],
                                     user=url["USER"], password=url["PASSWORD"] or None)
    results = []
    for name in names:
        for role in ROUTES[name][0]:
            if args.roles and role not in args.roles.split(","):
                continue
            count = args.count or DEFAULT_N.get(name, 60)
            row = measure(name, role, count, not args.no_floor, floor_conn, args.warmup)
            row["load"] = os.getloadavg()
            results.append(row)
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=1))
            floor = (f" floor {row['floor_wall']:.1f} ms (db {row['floor_db_cpu']:.1f}) x{row['ratio']:.1f}"
                     if "floor_wall" in row else "")
            print(f"{name:13} {role:10} n={count:3} q={row['queries']:4.1f} app {row['app_cpu']:6.2f} "
                  f"db {row['db_cpu']:5.2f} wall {row['wall']:6.2f} | worker {row['worker_cpu']:6.2f} "
                  f"(db {row['worker_db_cpu']:5.2f}, wall {row['worker_wall']:6.2f}){floor} "
                  f"{row['statuses']} {row['tasks']} failed={row['failed_tasks']}", flush=True)
            for task, ms in row["worker_cpu_by_task"].items():
                print(f"{'':25} worker {task}: {ms:.2f} ms CPU per request", flush=True)
            if row["deferred_tasks"]:
                print(f"{'':25} deferred: {row['deferred_tasks']} tasks after the batch, "
                      f"{row['deferred_cpu_per_request']:.2f} ms CPU per request ({row['deferred_failed']} failed)")


if __name__ == "__main__":
    main()

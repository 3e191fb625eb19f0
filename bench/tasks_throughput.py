#!/usr/bin/env python
"""Celery task scenario (DESIGN §7): database-writing tasks per second, and SIGKILL mid-task.

Uses the probe task ``hdms.ops.probe_write`` (one row per key in ``ops_task_probe``; idempotent,
``acks_late`` + ``reject_on_worker_lost``) against real Redis and PostgreSQL:

1. throughput: N tasks are queued while no worker runs, then one worker (prefork, -c C) starts;
   tasks/s = N / time until all N rows exist.
2. kill -9 of a pool process: M tasks that each hold 0.3 s before writing; while they run, the
   pool processes busy with a task are sent SIGKILL (twice); the parent re-queues their
   messages (reject_on_worker_lost) and they run again.
3. kill -9 of the whole worker (parent and pool at once): the unacknowledged messages stay in
   Redis and are given back once the broker's visibility timeout passes (production: 3600 s;
   this run shortens it to 15 s through bench/bench_celery.py so the run ends in minutes); a new
   worker then finishes them.

Each phase counts rows: lost = queued keys without a row (goal 0); re-executed = rows whose task
ran more than once (allowed: tasks are idempotent, the row is written once).

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/tasks_throughput.py --tasks 3000 --concurrency 4 --json /tmp/tasks.json
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "backend"))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")
os.environ["HDMS_TASKS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from hdms.ops.tasks import probe_write  # noqa: E402


def start_worker(concurrency: int, log: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{BENCH}{os.pathsep}{REPO / 'backend'}"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bench_celery", "worker", "-Q", "default", "-c", str(concurrency),
         "-n", f"{name}@%h", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO / "backend", env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=60)


def rows(prefix: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE attempts > 1) FROM ops_task_probe WHERE key LIKE %s",
                       [prefix + "%"])
        count, repeated = cursor.fetchone()
    return int(count), int(repeated)


def wait_rows(prefix: str, expected: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if rows(prefix)[0] >= expected:
            return time.monotonic() - started
        time.sleep(0.05)
    return -1.0


def busy_children(worker: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def purge() -> None:
    from hdms.celery import app

    app.control.purge()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--kill-tasks", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", default="/tmp/hdms-bench/tasks.json")
    parser.add_argument("--log", default="/tmp/hdms-bench/tasks-worker.log")
    args = parser.parse_args()
    log = Path(args.log)
    log.parent.mkdir(parents=True, exist_ok=True)
    purge()
    run = uuid.uuid4().hex[:8]
    result_rows = []

    # 1. throughput
    prefix = f"tp-{run}-"
    queued_at = time.monotonic()
    for i in range(args.tasks):
        probe_write.apply_async(args=[f"{prefix}{i}"], queue="default")
    enqueue_s = time.monotonic() - queued_at
    worker = start_worker(args.concurrency, log, f"tp{run}")
    # time from the first row (the worker is up) to the last
    wait_rows(prefix, 1, 60)
    first = time.monotonic()
    drain = wait_rows(prefix, args.tasks, 300)
    elapsed = time.monotonic() - first
    count, repeated = rows(prefix)
    rate = (count - 1) / elapsed if elapsed > 0 else 0
    stop(worker)
    print(f"throughput: {count}/{args.tasks} rows in {elapsed:.2f} s = {rate:.0f} tasks/s "
          f"(enqueue {args.tasks / enqueue_s:.0f}/s), drained={drain >= 0}")
    result_rows += [
        (f"DB-writing tasks/s (one worker, prefork -c {args.concurrency})", f"{rate:.0f}", ">= 100"),
        ("throughput tasks lost", str(args.tasks - count), "0"),
    ]

    # 2. SIGKILL of pool processes mid-task
    prefix = f"kc-{run}-"
    for i in range(args.kill_tasks):
        probe_write.apply_async(args=[f"{prefix}{i}", 0.3], queue="default")
    worker = start_worker(args.concurrency, log, f"kc{run}")
    wait_rows(prefix, 5, 60)
    killed = []
    for _ in range(2):
        for pid in busy_children(worker):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(1.0)
    done = wait_rows(prefix, args.kill_tasks, 120)
    count, repeated = rows(prefix)
    stop(worker)
    print(f"kill -9 pool processes: killed {len(killed)}; {count}/{args.kill_tasks} rows, "
          f"{repeated} re-executed, finished={done >= 0}")
    result_rows += [
        (f"SIGKILL of {len(killed)} busy pool processes: tasks lost", str(args.kill_tasks - count), "0"),
        ("  ... of which re-executed (idempotent, one row each)", str(repeated), "any"),
    ]

    # 3. SIGKILL of the whole worker, then a new worker
    prefix = f"kw-{run}-"
    for i in range(args.kill_tasks):
        probe_write.apply_async(args=[f"{prefix}{i}", 0.3], queue="default")
    worker = start_worker(args.concurrency, log, f"kw{run}")
    wait_rows(prefix, 10, 60)
    stop(worker, signal.SIGKILL)
    at_kill = rows(prefix)[0]
    restarted = time.monotonic()
    worker = start_worker(args.concurrency, log, f"kw2{run}")
    done = wait_rows(prefix, args.kill_tasks, 180)
    recovery = time.monotonic() - restarted
    count, repeated = rows(prefix)
    stop(worker)
    print(f"kill -9 whole worker at {at_kill} rows: {count}/{args.kill_tasks} rows after restart "
          f"({recovery:.0f} s), {repeated} re-executed")
    result_rows += [
        (f"SIGKILL of the whole worker after {at_kill} rows, new worker started: tasks lost",
         str(args.kill_tasks - count), "0"),
        ("  ... time until every task had run (visibility timeout 15 s)", f"{recovery:.0f} s", "-"),
    ]
    Path(args.json).write_text(json.dumps({"rows": result_rows}, indent=2))


if __name__ == "__main__":
    main()

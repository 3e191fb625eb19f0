#!/usr/bin/env python
"""Runs the API load scenario end to end: the production topology of hdms/ops/launcher.py on its
own ports (nginx, 2 ticket processes, one of each other service, a worker, beat) over the bench
database, tokens for the Locust users, Locust headless, then the markdown report.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/run_api.py --users 200 --seconds 180 --out bench/reports/api.md
"""

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))

import psutil  # noqa: E402
from hdms.ops.launcher import Proc, Supervisor, TopologyPlan  # noqa: E402

PGBOUNCER_INI = """[databases]
{name} = host={host} port={port} dbname={name}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/userlist.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 1000
max_db_connections = 40
server_reset_query =
log_connections = 0
log_disconnections = 0
ignore_startup_parameters = extra_float_digits,options
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


def start_pgbouncer(supervisor: Supervisor, database_url: str, listen: int) -> str:
    """PgBouncer in transaction mode in front of the bench database (deploy/pgbouncer/pgbouncer.ini
    with trust auth for the local run); returns the DATABASE_URL that goes through it."""
    parts = urlsplit(database_url)
    folder = supervisor.run_dir / "pgbouncer"
    folder.mkdir(parents=True, exist_ok=True)
    name = parts.path.lstrip("/")
    (folder / "userlist.txt").write_text(f'"{parts.username or "postgres"}" ""\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(PGBOUNCER_INI.format(name=name, host=parts.hostname, port=parts.port or 5432, listen=listen,
                                        dir=folder))
    argv = ["pgbouncer", str(ini)]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        shutil.chown(folder, user="postgres")
        for path in folder.iterdir():
            shutil.chown(path, user="postgres")
        argv = ["pgbouncer", "-u", "postgres", str(ini)]
    supervisor.start(Proc("pgbouncer", argv, None, health_path=None))
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", listen), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return parts._replace(netloc=f"{parts.username}@127.0.0.1:{listen}").geturl()


QUEUES = ("high", "default", "low")


class QueueWatch:
    """Whether the worker keeps up: the Celery queues' lengths in Redis, read twice a second during
    the run (the most waiting at once), and after it how long the worker takes to empty them."""

    def __init__(self, redis_url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(redis_url)
        self.most = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def waiting(self) -> int:
        return sum(int(self.client.llen(queue)) for queue in QUEUES)

    def _watch(self) -> None:
        while not self.stop.wait(0.5):
            self.most = max(self.most, self.waiting())

    def start(self) -> None:
        self.thread.start()

    def finish(self, timeout: float = 120.0) -> str:
        self.stop.set()
        self.thread.join()
        at_end, started = self.waiting(), time.monotonic()
        while self.waiting() and time.monotonic() - started < timeout:
            time.sleep(0.2)
        left = self.waiting()
        drained = f"emptied {time.monotonic() - started:.1f} s after the load stopped" if not left else (
            f"{left} still waiting {timeout:.0f} s after the load stopped")
        return (f"The worker's queues ({', '.join(QUEUES)}): at most {self.most} tasks waiting during the run, "
                f"{at_end} when it ended, {drained}.")


def background_nice(supervisor: Supervisor, niceness: int) -> None:
    """Runs the worker, beat and Flower (and their children) at a lower CPU priority than the servers."""
    for name, proc in supervisor.procs.items():
        if proc.popen is not None and name.startswith(("worker", "beat", "flower")):
            root = psutil.Process(proc.popen.pid)
            for member in [root, *root.children(recursive=True)]:
                member.nice(niceness)


def process_cpu(supervisor: Supervisor) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each supervised process and its children."""
    used = {}
    for name, proc in supervisor.procs.items():
        if proc.popen is None:
            continue
        try:
            root = psutil.Process(proc.popen.pid)
            total = 0.0
            for member in [root, *root.children(recursive=True)]:
                times = member.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            used[name] = total
        except psutil.Error:
            used[name] = 0.0
    return used


def others_cpu() -> dict[str, float]:
    """CPU seconds used so far by the rest of the machine's parts: PostgreSQL (the postmaster, its
    live backends and every backend that has exited: a postmaster's children's times) and Redis."""
    used = {"PostgreSQL": 0.0, "Redis": 0.0}
    for proc in psutil.process_iter(["name", "ppid"]):
        try:
            name = proc.info["name"] or ""
            if name.startswith("redis-server"):
                times = proc.cpu_times()
                used["Redis"] += times.user + times.system
            elif name in ("postgres", "postmaster") and proc.info["ppid"] == 1:
                times = proc.cpu_times()
                used["PostgreSQL"] += times.user + times.system + times.children_user + times.children_system
                for child in proc.children():
                    child_times = child.cpu_times()
                    used["PostgreSQL"] += child_times.user + child_times.system
        except psutil.Error:
            continue
    return used


def pg_statements(database_url: str, *, reset: bool = False, top: int = 15) -> str:
    """PostgreSQL's own account of where its time went (pg_stat_statements), when the server loads
    it (``shared_preload_libraries``); empty otherwise. ``reset``: start counting now."""
    import psycopg

    try:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            if reset:
                conn.execute("SELECT pg_stat_statements_reset()")
                return ""
            rows = conn.execute(
                "SELECT calls, total_exec_time, mean_exec_time, shared_blks_hit + shared_blks_read, "
                "regexp_replace(left(query, 400), '\\s+', ' ', 'g') FROM pg_stat_statements "
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "ORDER BY total_exec_time DESC LIMIT %s", [top]).fetchall()
            total = conn.execute(
                "SELECT sum(calls), sum(total_exec_time) FROM pg_stat_statements "
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()
    except psycopg.Error:
        return ""
    lines = [f"PostgreSQL's statements (pg_stat_statements): {total[0]} calls, {total[1] / 1000:.1f} s of "
             "execution in all; the top ones by total time:", "",
             "| calls | total s | mean ms | buffers per call | statement |", "|---|---|---|---|---|"]
    for calls, total_ms, mean_ms, buffers, query in rows:
        text = query.replace("|", "\\|")
        lines.append(f"| {calls} | {total_ms / 1000:.1f} | {mean_ms:.2f} | {buffers / max(calls, 1):.0f} | `{text}` |")
    return "\n".join(lines)


def cpu_summary(before: dict, after: dict, machine_before, machine_after, csv: Path, seconds: int,
                others: dict[str, float]) -> str:
    import csv as csv_module

    rows = list(csv_module.DictReader(open(f"{csv}_stats.csv")))  # noqa: SIM115
    requests = next((int(r["Request Count"]) for r in rows if r["Name"] == "Aggregated"), 0) or 1
    spent = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    ours = sum(spent.values())
    busy = lambda t: t.user + t.nice + t.system + t.irq + t.softirq + t.steal  # noqa: E731
    machine = busy(machine_after) - busy(machine_before)
    wall = seconds
    lines = [f"CPU during the run (2 cores = {2 * wall} core-seconds available in {wall} s): the whole machine "
             f"used {machine:.0f} core-s; the HDMS processes (services, nginx, worker, beat, PgBouncer) used "
             f"{ours:.0f} core-s = {1000 * ours / requests:.1f} ms of CPU per request; the rest is PostgreSQL, "
             f"Redis, Locust and whatever else ran on the box. Load average at the end: "
             f"{os.getloadavg()[0]:.1f}.", "",
             "| process | CPU s | CPU ms per request |", "|---|---|---|"]
    for name, value in sorted(spent.items(), key=lambda item: -item[1]):
        lines.append(f"| {name} | {value:.1f} | {1000 * value / requests:.2f} |")
    lines += ["", "The rest of the machine, read the same way:", "", "| part | CPU s | CPU ms per request |",
              "|---|---|---|"]
    for name, value in others.items():
        lines.append(f"| {name} | {value:.1f} | {1000 * value / requests:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--base-port", type=int, default=18500)
    parser.add_argument("--ticket-processes", type=int, default=2)
    parser.add_argument("--asgi-server", default="granian")
    parser.add_argument("--run-dir", default="/tmp/hdms-bench/api-run")
    parser.add_argument("--out", default=str(REPO / "bench" / "reports" / "api.md"))
    parser.add_argument("--note", default="")
    parser.add_argument("--no-pgbouncer", action="store_true")
    parser.add_argument("--db-pool", type=int, default=0, metavar="MAX",
                        help="psycopg's pool in each process (HDMS_DB_POOL, at most MAX connections each) "
                             "instead of PgBouncer")
    parser.add_argument("--background-nice", type=int, default=0, metavar="N",
                        help="run the worker, beat and Flower at niceness N (the servers at 0)")
    parser.add_argument("--settings", default="hdms.settings.production",
                        help="DJANGO_SETTINGS_MODULE of the services (bench_pool_settings: psycopg pool)")
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": args.settings,
           "PYTHONPATH": str(REPO / "bench"),
           "HDMS_SECRET_KEY": os.environ.get("HDMS_SECRET_KEY") or secrets.token_urlsafe(48),
           "HDMS_METRICS_TOKEN": os.environ.get("HDMS_METRICS_TOKEN") or secrets.token_urlsafe(32),
           "HDMS_ACCESS_MINUTES": "240", "HDMS_TASKS_EAGER": "false", "HDMS_TRUSTED_PROXIES": "127.0.0.1",
           "HDMS_SERVE_STATIC": "false", "HDMS_LOG_LEVEL": "WARNING",
           # Under ASGI every request runs in a fresh thread: persistent connections (CONN_MAX_AGE > 0)
           # pile up until PostgreSQL refuses more. Pooling is PgBouncer's job (deploy/README.md).
           "HDMS_DB_CONN_MAX_AGE": "0",
           "HDMS_DATA_DIR": str(run_dir / "data"),
           # The API scenario uploads nothing; the upload benchmark runs clamd (bench/README-upload.md).
           "HDMS_REQUIRE_SCANNER": "false", "PYTHONUNBUFFERED": "1",
           # No SMTP server on the bench box: with the SMTP backend every email digest failed and was
           # retried 5 times, busying the worker with a failure production does not have. The dummy
           # backend still does all the work of a digest except the socket write.
           "HDMS_EMAIL_BACKEND": os.environ.get("HDMS_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")}
    plan = TopologyPlan(base_port=args.base_port, scale={"ticket": args.ticket_processes},
                        worker_queues=[["high", "default", "low"]], worker_concurrency=2, beat=True,
                        asgi_server=args.asgi_server)
    if args.db_pool:
        # Django under ASGI runs every synchronous view on one thread per process, and a WSGI ticket
        # process serves as many requests at once as its pool holds (serve.WSGI_SERVICES), so a handful of
        # pooled connections per process is enough (bench/RESULTS.md: why the pool, not PgBouncer).
        env.update({"HDMS_DB_POOL": "true", "HDMS_DB_POOL_MIN": "2", "HDMS_DB_POOL_MAX": str(args.db_pool)})
        args.no_pgbouncer = True
    supervisor = Supervisor(plan, env=env, run_dir=run_dir)
    if not args.no_pgbouncer:
        env["DATABASE_URL"] = start_pgbouncer(supervisor, env["DATABASE_URL"], args.base_port + 32)
        env["HDMS_PGBOUNCER"] = "true"
    tokens = run_dir / "tokens.json"
    with tokens.open("w") as handle:
        subprocess.run([sys.executable, str(REPO / "bench" / "make_tokens.py")], env=env, stdout=handle, check=True)
    try:
        supervisor.start_all(timeout=120)
        if args.background_nice:
            background_nice(supervisor, args.background_nice)
        csv = run_dir / "api"
        queues = QueueWatch(env["REDIS_URL"])
        pg_statements(env["DATABASE_URL"], reset=True)
        cpu_before, machine_before, others_before = process_cpu(supervisor), psutil.cpu_times(), others_cpu()
        children_before = os.times()
        queues.start()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
             "--host", f"http://127.0.0.1:{plan.gateway_port}", "--csv", str(csv), "--only-summary",
             "--stop-timeout", "10"],
            env={**env, "HDMS_BENCH_TOKENS": str(tokens)}, check=False,
        )
        children_after = os.times()
        cpu_after, machine_after, others_after = process_cpu(supervisor), psutil.cpu_times(), others_cpu()
        queue_note = queues.finish()
        others = {name: others_after[name] - others_before[name] for name in others_before}
        others["Locust"] = (children_after.children_user + children_after.children_system
                            - children_before.children_user - children_before.children_system)
        cpu_note = cpu_summary(cpu_before, cpu_after, machine_before, machine_after, csv, args.seconds, others)
        cpu_note += "\n\n" + queue_note
        statements = pg_statements(env["DATABASE_URL"])
        if statements:
            cpu_note += "\n\n" + statements
        # Server-side view of the same run: each process's Prometheus histogram (time inside Django,
        # without the queueing in front of it).
        for name, proc in supervisor.procs.items():
            if proc.port and name != "nginx":
                try:
                    scrape = urllib.request.Request(f"http://127.0.0.1:{proc.port}/metrics",
                                                    headers={"Authorization": f"Bearer {env['HDMS_METRICS_TOKEN']}"})
                    with urllib.request.urlopen(scrape, timeout=5) as response:
                        (run_dir / f"metrics-{name}.txt").write_bytes(response.read())
                except OSError:
                    pass
    finally:
        supervisor.stop_all()
    db_path = ("PostgreSQL directly" if args.no_pgbouncer else "PgBouncer (transaction pooling)") + (
        f" with psycopg's pool in each process (2-{args.db_pool} connections)" if args.db_pool else "")
    note = (f"{args.users} Locust users (spawn {args.spawn_rate}/s, {args.seconds} s, wait 1-3 s), through nginx; "
            f"{args.ticket_processes} ticket processes, one process per other service, ASGI server "
            f"{args.asgi_server}; database through "
            f"{db_path}, CONN_MAX_AGE 0, "
            f"settings {args.settings}. "
            + (f"Worker, beat and Flower at niceness {args.background_nice}. " if args.background_nice else "")
            + f"{args.note}\n\n{cpu_note}")
    subprocess.run([sys.executable, str(REPO / "bench" / "report.py"), "api", "--csv", str(csv), "--out", args.out,
                    "--note", note], check=True)


if __name__ == "__main__":
    main()

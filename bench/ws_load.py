#!/usr/bin/env python
"""WebSocket load test for the communication service (DESIGN §7).

Creates its own users, tokens and one chat room in the PostgreSQL database it is pointed at,
starts K server processes serving the communication service with the same command line as
``manage.py serve communication`` (or uses --server), then:

1. opens N authenticated connections (M of them in the room, the rest on ws/notifications/),
   spread round-robin over the server processes and over C load-generator processes, timing
   the handshakes and counting failures;
2. samples the servers' RSS (the whole process tree) before and after, and reports memory per
   connection;
3. sends messages into the room at R messages/s for D seconds through one member's socket and
   measures, for every member, the fan-out latency (send -> message.new received), p50/p95/p99,
   plus gaps (a member saw seq n+2 after n) and drops (messages a member never received);
4. reports the CPU the servers and the load generator used while sending, and the machine's load.

The send time travels in the message's ``client_id``, so any load-generator process can compute
the latency (time.perf_counter is CLOCK_MONOTONIC, the same clock in every process).

Example (from the repository root; the database is created and migrated if missing):

    .venv/bin/python bench/ws_load.py --database-url postgres://root@127.0.0.1:5432/hdms_bench \
        --redis-url redis://127.0.0.1:6379/9 --connections 5000 --room-members 500 --rate 20 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing as mp
import os
import resource
import secrets
import shlex
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
ORIGIN = "http://127.0.0.1:3000"
TICK = os.sysconf("SC_CLK_TCK")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", required=True)
    p.add_argument("--redis-url", required=True)
    p.add_argument("--server", action="append",
                   help="ws://host:port of a running server (repeatable; default: start --processes here)")
    p.add_argument("--server-pid", type=int, action="append", help="pid of a --server, for its RSS and CPU")
    p.add_argument("--asgi-server", default="granian", choices=("granian", "uvicorn", "daphne"),
                   help="server to start, with manage.py serve's command line (default granian, as serve)")
    p.add_argument("--server-args", default="", help="extra arguments appended to the server's command line")
    p.add_argument("--processes", "-k", type=int, default=1, help="communication server processes to start")
    p.add_argument("--clients", "-c", type=int, default=1, help="load-generator processes")
    p.add_argument("--no-client-deflate", action="store_true",
                   help="do not offer permessage-deflate (browsers offer it, so by default the client does; "
                        "whether it is used is the server's choice)")
    p.add_argument("--connections", "-n", type=int, default=500)
    p.add_argument("--room-members", "-m", type=int, default=500)
    p.add_argument("--rate", type=float, default=20.0, help="messages per second into the room")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    p.add_argument("--open-concurrency", type=int, default=100, help="handshakes in flight at once (all clients)")
    return p.parse_args()


def raise_fd_limit() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def base_env(args: argparse.Namespace, secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "hdms.settings.production",
        "HDMS_SECRET_KEY": secret,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "HDMS_SERVICE": "communication",
        "HDMS_LOG_LEVEL": "WARNING",
        "HDMS_CHANNEL_CAPACITY": os.environ.get("HDMS_CHANNEL_CAPACITY", "1000"),
        "HDMS_CHANNEL_EXPIRY": os.environ.get("HDMS_CHANNEL_EXPIRY", "30"),
        "HDMS_REQUIRE_SCANNER": "false",  # the bench never uploads files
        # As in production the server only queues its Celery tasks (message_notify) in Redis; no
        # worker runs in the bench (queued tasks are flushed with the bench's Redis DB next run).
        "HDMS_TASKS_EAGER": "false",
        "HDMS_DATA_DIR": "/tmp/hdms-bench",
        "PYTHONPATH": str(BACKEND),
    })
    return env


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_data(n: int, m: int) -> tuple[str, list[tuple[str, str, bool]]]:
    """(room id, [(user id, token, in_room)]) for n users, the first m members of one room."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from hdms.core.jwt import encode_access
    from hdms.tickets.models import TicketParticipant
    from hdms.tickets.services import ticket_create

    cache.clear()  # the Redis DB of the bench: stale presence from an earlier run
    user_model = get_user_model()
    run = uuid.uuid4().hex[:6]
    # User 0 sends the room's R messages/s through one socket: far above a person's chat bucket
    # (assignee 250/min, shared with HTTP, DESIGN §4), so it is a moderator (unlimited), standing
    # for the many writers of a busy room.
    users = [
        user_model(employee_code=f"b{run}-{i:05d}", full_name=f"Bench User {i}", email="",
                   role="moderator" if i == 0 else "assignee")
        for i in range(n)
    ]
    for user in users:
        user.set_unusable_password()
    user_model.objects.bulk_create(users, batch_size=1000)
    ticket = ticket_create(requestor=users[0], title=f"Bench room {run}", submit=True)
    TicketParticipant.objects.bulk_create(
        [TicketParticipant(ticket_id=ticket.id, user_id=u.id, joined_at=ticket.created_at) for u in users[1:m]],
        ignore_conflicts=True,
    )
    from django.db import connections

    connections.close_all()  # the load generators are forked from here
    return str(ticket.id), [
        (str(u.id), encode_access(user_id=str(u.id), role=u.role)[0], i < m) for i, u in enumerate(users)
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], server: str, extra: str) -> tuple[subprocess.Popen, str]:
    sys.path.insert(0, str(BACKEND))
    from hdms.ops.management.commands.serve import server_argv

    port = free_port()
    argv = server_argv(server, host="127.0.0.1", port=port, workers=1, access_log=False) + shlex.split(extra)
    if server == "granian":  # the application must stay the last argument
        argv.remove("hdms.asgi:application")
        argv.append("hdms.asgi:application")
    print("server:", " ".join(argv[1:] if server == "uvicorn" else argv))
    proc = subprocess.Popen(argv, cwd=BACKEND, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"ws://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def tree(pid: int) -> list[int]:
    """pid and all its descendants (granian runs its workers as children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in (p for root in pids for p in tree(root)):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in (p for root in pids for p in tree(root)):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / TICK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------- load-generator processes

async def client_main(conn, index: int, bases: list[str], room_id: str, people, args) -> None:
    import websockets

    compression = None if args.no_client_deflate else "deflate"
    sem = asyncio.Semaphore(max(1, args.open_concurrency // args.clients))
    failures = 0
    errors: list[str] = []
    handshake_ms: list[float] = []

    async def one(pos: int, user_id: str, token: str, in_room: bool):
        nonlocal failures
        path = f"/ws/chat/{room_id}/" if in_room else "/ws/notifications/"
        base = bases[pos % len(bases)]
        async with sem:
            started = time.perf_counter()
            try:
                ws = await websockets.connect(f"{base}{path}", origin=ORIGIN, subprotocols=["bearer", token],
                                              open_timeout=30, max_queue=None, ping_interval=None,
                                              compression=compression)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures += 1
                if len(errors) < 3:
                    errors.append(repr(exc))
                return None
            handshake_ms.append((time.perf_counter() - started) * 1000)
            return (ws, in_room)

    conn.recv()  # "open"
    ru_open = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    results = await asyncio.gather(*(one(*p) for p in people))
    t1 = time.perf_counter()
    opened = [r for r in results if r]
    ru = resource.getrusage(resource.RUSAGE_SELF)
    open_cpu = (ru.ru_utime - ru_open.ru_utime) + (ru.ru_stime - ru_open.ru_stime)
    conn.send({"cpu": open_cpu, "opened": len(opened), "failures": failures, "errors": errors, "t0": t0, "t1": t1,
               "handshake_ms": handshake_ms})

    members = [ws for ws, in_room in opened if in_room]
    seqs: list[list[int]] = [[] for _ in members]
    latencies: list[float] = []

    async def reader(ws, out: list[int]) -> None:
        loads = json.loads
        try:
            async for raw in ws:
                if '"message.new"' not in raw[:30]:
                    continue
                now = time.perf_counter()
                msg = loads(raw)["message"]
                out.append(msg["seq"])
                cid = msg.get("client_id") or ""
                if cid.startswith("bench-"):
                    latencies.append((now - float(cid.split("-", 2)[2])) * 1000)
        except Exception:  # noqa: BLE001 - a closed socket ends the reader
            return

    async def drain(ws) -> None:
        try:
            async for _ in ws:
                pass
        except Exception:  # noqa: BLE001
            return

    tasks = [asyncio.create_task(reader(ws, out)) for ws, out in zip(members, seqs, strict=True)]
    tasks += [asyncio.create_task(drain(ws)) for ws, in_room in opened if not in_room]
    order = await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "send" or "wait"
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    total = int(args.rate * args.duration)
    if order == "send" and members:
        sender = members[0]
        interval = 1 / args.rate
        start = time.perf_counter()
        for i in range(total):
            delay = start + i * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            client_id = f"bench-{i}-{time.perf_counter():.6f}"
            await sender.send(json.dumps({"type": "message.send", "client_id": client_id, "body": f"load {i}"}))
        send_seconds = time.perf_counter() - start
        await asyncio.sleep(5)  # the tail arrives
    else:
        await asyncio.sleep(args.duration + 5)
        send_seconds = 0.0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    member_stats = [(len(set(s)), min(s) if s else None,
                     sum(1 for a, b in itertools.pairwise(sorted(set(s))) if b != a + 1)) for s in seqs]
    conn.send({"latencies": latencies, "members": member_stats, "cpu": cpu, "send_seconds": send_seconds})
    for task in tasks:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws, _ in opened), return_exceptions=True)


def client_process(conn, index: int, bases, room_id, people, args) -> None:
    try:
        import uvloop

        uvloop.run(client_main(conn, index, bases, room_id, people, args))
    except ImportError:
        asyncio.run(client_main(conn, index, bases, room_id, people, args))


# ---------------------------------------------------------------- coordinator

def run(args: argparse.Namespace, bases: list[str], server_pids: list[int], room_id: str, people) -> None:
    # Member 0 (the sender) goes to client 0; the rest round-robin. Positions keep the server spread.
    indexed = list(enumerate(people))
    slices = [[(pos, *p) for pos, p in indexed[i::args.clients]] for i in range(args.clients)]
    ctx = mp.get_context("fork")
    pipes, procs = [], []
    for i, part in enumerate(slices):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=client_process, args=(child, i, bases, room_id, part, args), daemon=True)
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    time.sleep(1.0)
    rss_before = rss_kib(server_pids) if server_pids else 0
    print(f"server RSS before connections: {rss_before / 1024:.1f} MiB ({len(server_pids)} process trees)")
    cpu_open0, busy_open0, t_open0 = cpu_seconds(server_pids) if server_pids else 0.0, machine_cpu(), time.monotonic()
    for p in pipes:
        p.send("open")
    opened = [p.recv() for p in pipes]
    wall_open = time.monotonic() - t_open0
    cpu_open1, busy_open1 = cpu_seconds(server_pids) if server_pids else 0.0, machine_cpu()
    n_open = sum(o["opened"] for o in opened)
    failures = sum(o["failures"] for o in opened)
    for o in opened:
        for e in o["errors"]:
            print("  handshake failed:", e, file=sys.stderr)
    open_seconds = max(o["t1"] for o in opened) - min(o["t0"] for o in opened)
    hs = [x for o in opened for x in o["handshake_ms"]]
    print(f"opened {n_open}/{len(people)} connections in {open_seconds:.2f} s, {failures} failed handshakes; "
          f"handshake p50 {pct(hs, 50):.0f} ms, p99 {pct(hs, 99):.0f} ms")
    print(f"CPU while opening (cores busy of {os.cpu_count()}): servers {(cpu_open1 - cpu_open0) / wall_open:.2f}, "
          f"load generator {sum(o['cpu'] for o in opened) / wall_open:.2f}, whole machine "
          f"{(busy_open1[0] - busy_open0[0]) / max(1, busy_open1[1] - busy_open0[1]) * os.cpu_count():.2f}")
    time.sleep(3)  # presence storm settles
    rss_after = rss_kib(server_pids) if server_pids else 0
    if server_pids and n_open:
        print(f"server RSS after: {rss_after / 1024:.1f} MiB -> {(rss_after - rss_before) / n_open:.1f} KiB "
              "per connection")

    cpu0, busy0 = cpu_seconds(server_pids) if server_pids else 0.0, machine_cpu()
    t0 = time.monotonic()
    for i, p in enumerate(pipes):
        p.send("send" if i == 0 else "wait")
    results = [p.recv() for p in pipes]
    wall = time.monotonic() - t0
    cpu1, busy1 = cpu_seconds(server_pids) if server_pids else 0.0, machine_cpu()
    load = Path("/proc/loadavg").read_text().split()[:3]
    for proc in procs:
        proc.join(timeout=30)

    total = int(args.rate * args.duration)
    members = [m for r in results for m in r["members"]]
    latencies = [x for r in results for x in r["latencies"]]
    gaps = sum(m[2] for m in members)
    drops = sum(total - m[0] for m in members)
    send_seconds = results[0]["send_seconds"]
    print(f"sent {total} messages in {send_seconds:.1f} s ({total / max(send_seconds, 1e-9):.1f}/s) to a room of "
          f"{len(members)} connected members; expected deliveries {total * len(members)}, received {len(latencies)}")
    print(f"fan-out latency ms: p50 {pct(latencies, 50):.1f}  p95 {pct(latencies, 95):.1f}  "
          f"p99 {pct(latencies, 99):.1f}  max {max(latencies, default=float('nan')):.1f}  "
          f"mean {statistics.fmean(latencies) if latencies else float('nan'):.1f}")
    print(f"gaps: {gaps}  drops: {drops}")
    client_cpu = sum(r["cpu"] for r in results)
    machine = (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]) * os.cpu_count()
    print(f"CPU while sending ({wall:.1f} s, cores busy of {os.cpu_count()}): servers "
          f"{(cpu1 - cpu0) / wall:.2f}, load generator {client_cpu / wall:.2f}, whole machine {machine:.2f}; "
          f"load average {' '.join(load)}")
    if server_pids:
        print(f"server RSS at end: {rss_kib(server_pids) / 1024:.1f} MiB")


def main() -> None:
    args = parse_args()
    limit = raise_fd_limit()
    print(f"open-files limit raised to {limit}")
    secret = os.environ.get("HDMS_SECRET_KEY") or secrets.token_urlsafe(48)
    env = base_env(args, secret)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(BACKEND))
    ensure_database(args.database_url)
    room_id, people = setup_data(args.connections, min(args.room_members, args.connections))
    print(f"created {len(people)} users, room {room_id} with {min(args.room_members, args.connections)} members")
    procs: list[subprocess.Popen] = []
    if args.server:
        bases, server_pids = args.server, args.server_pid or []
    else:
        bases, server_pids = [], []
        for _ in range(args.processes):
            proc, base = start_server(env, args.asgi_server, args.server_args)
            procs.append(proc)
            bases.append(base)
            server_pids.append(proc.pid)
        time.sleep(1)
    try:
        run(args, bases, server_pids, room_id, people)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a server waiting for open sockets; do not leave it behind
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""WebSocket load test for the communication service (DESIGN §7).

Creates its own users, tokens and one chat room in the PostgreSQL database it is pointed at,
starts one uvicorn process serving the communication service (or uses --server), then:

1. opens N authenticated connections (M of them in the room, the rest on ws/notifications/),
   timing the handshakes and counting failures;
2. samples the server's RSS before and after, and reports memory per connection;
3. sends messages into the room at R messages/s for D seconds through one member's socket and
   measures, for every member, the fan-out latency (send -> message.new received), p50/p95/p99,
   plus gaps (a member saw seq n+2 after n) and drops (messages a member never received).

Example (from the repository root; the database is created and migrated if missing):

    .venv/bin/python bench/ws_load.py --database-url postgres://root@127.0.0.1:5432/hdms_bench \
        --redis-url redis://127.0.0.1:6379/9 --connections 5000 --room-members 500 --rate 20 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import secrets
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


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", required=True)
    p.add_argument("--redis-url", required=True)
    p.add_argument("--server", help="ws://host:port of a running server (default: start one here)")
    p.add_argument("--server-pid", type=int, help="pid of --server, for its RSS")
    p.add_argument("--connections", "-n", type=int, default=500)
    p.add_argument("--room-members", "-m", type=int, default=500)
    p.add_argument("--rate", type=float, default=20.0, help="messages per second into the room")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    p.add_argument("--open-concurrency", type=int, default=100, help="handshakes in flight at once")
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
        # The values docs/realtime.md asks for (base.py's defaults differ until the lead adopts them).
        "HDMS_CHANNEL_CAPACITY": os.environ.get("HDMS_CHANNEL_CAPACITY", "1000"),
        "HDMS_CHANNEL_EXPIRY": os.environ.get("HDMS_CHANNEL_EXPIRY", "30"),
        "HDMS_REQUIRE_SCANNER": "false",  # the bench never uploads files
        "HDMS_TASKS_EAGER": "true",  # no worker in the bench; everyone is in the room, so no mail
        "HDMS_DATA_DIR": "/tmp/hdms-bench",  # noqa: S108 - a scratch directory for a benchmark
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
    users = [
        user_model(employee_code=f"b{run}-{i:05d}", full_name=f"Bench User {i}", email="", role="assignee")
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
    return str(ticket.id), [
        (str(u.id), encode_access(user_id=str(u.id), role=u.role)[0], i < m) for i, u in enumerate(users)
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "uvicorn", "hdms.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--ws", "websockets", "--backlog", "4096"],
        cwd=BACKEND, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"ws://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Member:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.seqs: list[int] = []
        self.latencies: list[float] = []


async def open_all(base: str, room_id: str, people, concurrency: int):
    import websockets

    sem = asyncio.Semaphore(concurrency)
    failures = 0
    handshake_ms: list[float] = []

    async def one(user_id: str, token: str, in_room: bool):
        nonlocal failures
        path = f"/ws/chat/{room_id}/" if in_room else "/ws/notifications/"
        async with sem:
            started = time.perf_counter()
            try:
                ws = await websockets.connect(f"{base}{path}", origin=ORIGIN, subprotocols=["bearer", token],
                                              open_timeout=30, max_queue=None, ping_interval=None)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures += 1
                if failures <= 3:
                    print(f"  handshake failed: {exc!r}", file=sys.stderr)
                return None
            handshake_ms.append((time.perf_counter() - started) * 1000)
            return (ws, in_room)

    started = time.perf_counter()
    results = await asyncio.gather(*(one(*p) for p in people))
    elapsed = time.perf_counter() - started
    return [r for r in results if r], failures, elapsed, handshake_ms


async def reader(member: Member, sent_at: dict[str, float]) -> None:
    try:
        async for raw in member.ws:
            frame = json.loads(raw)
            if frame.get("type") == "message.new":
                now = time.perf_counter()
                msg = frame["message"]
                member.seqs.append(msg["seq"])
                started = sent_at.get(msg["client_id"] or "")
                if started is not None:
                    member.latencies.append((now - started) * 1000)
    except Exception:  # noqa: BLE001 - a closed socket ends the reader
        return


async def drain(ws) -> None:
    try:
        async for _ in ws:
            pass
    except Exception:  # noqa: BLE001
        return


async def run(args: argparse.Namespace, base: str, server_pid: int | None, room_id: str, people) -> None:
    rss_before = rss_kib(server_pid) if server_pid else 0
    print(f"server RSS before connections: {rss_before / 1024:.1f} MiB")
    opened, failures, open_seconds, handshake_ms = await open_all(base, room_id, people, args.open_concurrency)
    print(f"opened {len(opened)}/{len(people)} connections in {open_seconds:.2f} s, {failures} failed handshakes; "
          f"handshake p50 {pct(handshake_ms, 50):.0f} ms, p99 {pct(handshake_ms, 99):.0f} ms")
    await asyncio.sleep(3)  # presence storm settles
    rss_after = rss_kib(server_pid) if server_pid else 0
    if server_pid and opened:
        per = (rss_after - rss_before) / len(opened)
        print(f"server RSS after: {rss_after / 1024:.1f} MiB -> {per:.1f} KiB per connection")

    sent_at: dict[str, float] = {}
    members = [Member(ws) for ws, in_room in opened if in_room]
    others = [ws for ws, in_room in opened if not in_room]
    tasks = [asyncio.create_task(reader(m, sent_at)) for m in members]
    tasks += [asyncio.create_task(drain(ws)) for ws in others]
    if not members:
        print("nobody in the room")
        return
    sender = members[0].ws
    total = int(args.rate * args.duration)
    interval = 1 / args.rate
    start = time.perf_counter()
    for i in range(total):
        target = start + i * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client_id = f"bench-{i}"
        sent_at[client_id] = time.perf_counter()
        await sender.send(json.dumps({"type": "message.send", "client_id": client_id, "body": f"load {i}"}))
    send_seconds = time.perf_counter() - start
    await asyncio.sleep(5)  # the tail arrives
    rss_end = rss_kib(server_pid) if server_pid else 0

    latencies = [ms for m in members for ms in m.latencies]
    expected = total * len(members)
    gaps = drops = 0
    first_seq = None
    for m in members:
        got = sorted(set(m.seqs))
        if got:
            first_seq = got[0] if first_seq is None else min(first_seq, got[0])
        gaps += sum(1 for a, b in itertools.pairwise(got) if b != a + 1)
    for m in members:
        drops += total - len([s for s in set(m.seqs) if first_seq is not None and s >= first_seq])
    print(f"sent {total} messages in {send_seconds:.1f} s ({total / send_seconds:.1f}/s) to a room of "
          f"{len(members)} connected members; expected deliveries {expected}, received {len(latencies)}")
    print(f"fan-out latency ms: p50 {pct(latencies, 50):.1f}  p95 {pct(latencies, 95):.1f}  "
          f"p99 {pct(latencies, 99):.1f}  max {max(latencies, default=float('nan')):.1f}  "
          f"mean {statistics.fmean(latencies) if latencies else float('nan'):.1f}")
    print(f"gaps: {gaps}  drops: {drops}")
    if server_pid:
        print(f"server RSS at end: {rss_end / 1024:.1f} MiB")
    for task in tasks:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws, _ in opened), return_exceptions=True)


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
    proc = None
    if args.server:
        base, server_pid = args.server, args.server_pid
    else:
        proc, base = start_server(env)
        server_pid = proc.pid
        time.sleep(1)
    try:
        asyncio.run(run(args, base, server_pid, room_id, people))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # uvicorn waits for open sockets; do not leave it behind
                proc.kill()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()

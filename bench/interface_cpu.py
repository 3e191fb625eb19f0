#!/usr/bin/env python
"""CPU per request of one ticket-service process under granian's ASGI and WSGI interfaces
(bench/RESULTS.md, "The ticket service under WSGI"; hdms/ops/management/commands/serve.py), or with
``--service communication`` of the communication service's HTTP process (a ticket's messages read
as a moderator and as its requestor, and messages posted by the requestor one after the other).

Starts the ticket service alone on the 1,000,000-ticket database, once as ``hdms.asgi`` and once
as ``hdms.wsgi``, rounds interleaved, and measures the process's CPU (user + system, from /proc)
over a fixed stretch of requests at low concurrency, so the figure is work per request and not
queueing: wrk on list pages and a detail as a moderator, a requestor and an assignee, then a
requestor creating and submitting drafts one after the other. Needs wrk (Debian package).

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench1m REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/interface_cpu.py --rounds 2 --seconds 15 --connections 1

With ``--against DIR`` (another checkout, e.g. ``git worktree add DIR <commit>``) it compares that
checkout's ticket service with this one's, both under WSGI: an A/B of a change.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
PORT = 18701


def tree_cpu(pid: int) -> float:
    total = 0.0
    process = psutil.Process(pid)
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def database_cpu() -> float:
    """CPU seconds PostgreSQL has used so far: the postmaster, its live backends and the backends
    that have exited (its children's times). Only meaningful on an otherwise quiet database."""
    total = 0.0
    for process in psutil.process_iter(["name", "ppid"]):
        if process.info["name"] not in ("postgres", "postmaster") or process.info["ppid"] != 1:
            continue
        try:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
            for child in process.children():
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
        except psutil.Error:
            continue
    return total


def routes(env: dict[str, str]) -> dict:
    """Tokens and paths, made by the services' own code with the run's signing key."""
    script = """
import json, django
django.setup()
from django.apps import apps
from hdms.core.jwt import encode_access
User = apps.get_model("users", "User"); Ticket = apps.get_model("tickets", "Ticket")
moderator = User.objects.filter(role="moderator", is_active=True).order_by("employee_code").first()
assignee = User.objects.filter(role="assignee", is_active=True).order_by("employee_code").first()
ticket = Ticket.objects.filter(status="in_progress", parent__isnull=True).order_by("-created_at")[300]
token = lambda user: encode_access(user_id=str(user.id), role=user.role)[0]
page = "/api/v1/tickets?cursor=&page_size=20"
detail = f"/api/v1/tickets/{ticket.id}"
reads = {"list, moderator": [token(moderator), page], "list, requestor": [token(ticket.requestor), page],
         "list, assignee": [token(assignee), page], "detail, moderator": [token(moderator), detail],
         "detail, requestor": [token(ticket.requestor), detail]}
messages = f"/api/v1/tickets/{ticket.id}/messages"
chat = {"messages, moderator": [token(moderator), messages], "messages, requestor": [token(ticket.requestor), messages]}
print(json.dumps({"reads": reads, "chat": chat, "writer": token(ticket.requestor),
                  "department": str(ticket.department_id), "ticket": str(ticket.id)}))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=BACKEND, env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve(interface: str, env: dict[str, str], backend: Path = BACKEND) -> subprocess.Popen:
    binary = str(Path(sys.executable).parent / "granian")
    app = "hdms.wsgi:application" if interface == "wsgi" else "hdms.asgi:application"
    extra = ["--blocking-threads", env["HDMS_DB_POOL_MAX"]] if interface == "wsgi" else []
    process = subprocess.Popen([binary, "--interface", interface, "--host", "127.0.0.1", "--port", str(PORT),
                                "--workers", "1", *extra, app], cwd=backend, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/health", timeout=2)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the ticket service did not start")


def read_cpu(pid: int, token: str, path: str, seconds: int, connections: int) -> tuple[float, float]:
    url = f"http://127.0.0.1:{PORT}{path}"
    header = ["-H", f"Authorization: Bearer {token}"]
    subprocess.run(["wrk", "-t1", f"-c{connections}", "-d3s", *header, url], capture_output=True, check=True)  # warm-up
    before, database_before = tree_cpu(pid), database_cpu()
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", *header, url],
                         capture_output=True, text=True, check=True).stdout
    spent, database = tree_cpu(pid) - before, database_cpu() - database_before
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: answers other than 2xx\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return 1000 * spent / requests, 1000 * database / requests


def poster(token: str, expected: tuple[int, ...] = (200, 201)) -> Callable[[str, dict], dict]:
    """POSTs as ``token`` on one kept-alive connection; any other status than ``expected`` stops the run."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(path: str, body: dict) -> dict:
        connection.request("POST", path, json.dumps(body), headers)
        response = connection.getresponse()
        data = response.read()
        if response.status not in expected:
            raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
        return json.loads(data)

    return post


def cpu_per_call(pid: int, call: Callable[[], object], seconds: int) -> tuple[float, float]:
    """``call`` five times to warm up, then one after the other for ``seconds``: the process's and
    PostgreSQL's CPU per call, in ms."""
    for _ in range(5):
        call()
    before, database_before, calls, end = tree_cpu(pid), database_cpu(), 0, time.monotonic() + seconds
    while time.monotonic() < end:
        call()
        calls += 1
    return 1000 * (tree_cpu(pid) - before) / calls, 1000 * (database_cpu() - database_before) / calls


def write_cpu(pid: int, token: str, department: str, seconds: int) -> tuple[float, float]:
    """A draft created and submitted, one pair after the other: CPU per pair."""
    post = poster(token)

    def pair() -> None:
        ticket = post("/api/v1/tickets", {"title": "Bench draft", "description": "Projector in room 12 flickers.",
                                          "department_id": department, "priority": "medium"})
        post(f"/api/v1/tickets/{ticket['id']}/actions/submit", {"version": ticket["version"]})

    return cpu_per_call(pid, pair, seconds)


def message_cpu(pid: int, token: str, ticket: str, seconds: int) -> tuple[float, float]:
    """Messages posted to a ticket's chat by its requestor, one after the other: CPU per message."""
    post = poster(token, expected=(201,))
    path = f"/api/v1/tickets/{ticket}/messages"
    return cpu_per_call(pid, lambda: post(path, {"body": "Checked it this morning; still happening.",
                                                 "client_id": secrets.token_hex(16)}), seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--out", default="")
    parser.add_argument("--against", default="", help="another checkout: compare its WSGI process with this one's")
    parser.add_argument("--service", choices=("ticket", "communication"), default="ticket",
                        help="communication: a ticket's messages read and posted, instead of lists, details and drafts")
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hdms.settings.production", "HDMS_SERVICE": args.service,
           "HDMS_SECRET_KEY": secrets.token_urlsafe(48), "HDMS_METRICS_TOKEN": secrets.token_urlsafe(32),
           "HDMS_ACCESS_MINUTES": "600", "HDMS_TASKS_EAGER": "false", "HDMS_SERVE_STATIC": "false",
           "HDMS_LOG_LEVEL": "WARNING", "HDMS_DATA_DIR": "/tmp/hdms-bench/interface", "HDMS_REQUIRE_SCANNER": "false",
           "HDMS_DB_POOL": "true", "HDMS_DB_POOL_MIN": "2", "HDMS_DB_POOL_MAX": "4",
           # One user sends every request here: the per-role limits would answer 429.
           **{f"HDMS_RATE_{role}": "1000000000" for role in ("ANONYMOUS", "REQUESTOR", "ASSIGNEE")}}
    plan = routes(env)
    chat = args.service == "communication"
    # (label, interface, backend directory) of the two sides
    sides = [("asgi", "asgi", BACKEND), ("wsgi", "wsgi", BACKEND)]
    if args.against:
        sides = [("before", "wsgi", Path(args.against).resolve() / "backend"), ("after", "wsgi", BACKEND)]
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for round_ in range(args.rounds):
        for interface, kind, backend in sides if round_ % 2 == 0 else sides[::-1]:
            process = serve(kind, env, backend)
            try:
                for label, (token, path) in plan["chat" if chat else "reads"].items():
                    cpu = read_cpu(process.pid, token, path, args.seconds, args.connections)
                    results.setdefault(label, {}).setdefault(interface, []).append(cpu)
                if chat:
                    cpu = message_cpu(process.pid, plan["writer"], plan["ticket"], args.seconds)
                    results.setdefault("message posted, requestor", {}).setdefault(interface, []).append(cpu)
                else:
                    cpu = write_cpu(process.pid, plan["writer"], plan["department"], args.seconds)
                    results.setdefault("create + submit, requestor", {}).setdefault(interface, []).append(cpu)
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            print(f"round {round_ + 1} {interface} done", flush=True)
    first, second = sides[0][0], sides[1][0]
    if args.against:
        def commit(directory: Path) -> str:  # the checkouts by commit, not by where they lie
            return subprocess.run(["git", "-C", str(directory), "rev-parse", "--short", "HEAD"], capture_output=True,
                                  text=True, check=False).stdout.strip() or "?"

        heads = (f"before (`{commit(Path(args.against))}`)", f"after (`{commit(REPO)}`)")
    else:
        heads = ("ASGI (`hdms.asgi`)", "WSGI (`hdms.wsgi`)")
    title = (f"{args.service.capitalize()} service, one granian process, {args.connections} connection(s), "
             f"{args.seconds} s per route, "
             f"{args.rounds} rounds interleaved. CPU per request in ms (rounds), the process's and "
             f"PostgreSQL's (the whole server: meaningful only on a quiet box):")
    lines = [title, "",
             f"| route | {heads[0]} | {heads[1]} | {second} / {first} |", "|---|---|---|---|"]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    for label, by in results.items():
        cells, ratios = [], []
        for side in (first, second):
            app, database = [v[0] for v in by[side]], [v[1] for v in by[side]]
            cells.append(f"app {' / '.join(f'{v:.2f}' for v in app)}; db {' / '.join(f'{v:.2f}' for v in database)}")
        for index in (0, 1):
            base = mean([v[index] for v in by[first]])
            ratios.append(mean([v[index] for v in by[second]]) / base if base else float("nan"))
        lines.append(f"| {label} | {cells[0]} | {cells[1]} | app {ratios[0]:.2f}, db {ratios[1]:.2f} |")
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

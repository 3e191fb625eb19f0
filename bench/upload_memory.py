#!/usr/bin/env python
"""Upload memory benchmark for the file service (issue 5, DESIGN §6 and §7).

Starts a real clamd (signatures built from the EICAR test string, no network), one uvicorn
process serving the file service with production settings, creates a user and a ticket in the
PostgreSQL database it is pointed at, then streams one large multipart upload (default 300 MB, a
PDF padded to size, generated on the fly so the client holds no copy either) to
``POST /api/v1/tickets/{id}/attachments``. Celery runs eagerly inside the server process, so the
measured process also runs the scan (INSTREAM to clamd) and the move to storage after the upload.

It samples the server's resident memory every 20 ms and reports its peak (VmHWM, the kernel's own
high-water mark) before and after; then it downloads the file back (streamed) and reports the
peak while serving it. The bar: under 150 MB.

Example (from the repository root):

    .venv/bin/python bench/upload_memory.py --database-url postgres://root@127.0.0.1:5432/hdms_files_bench \
        --redis-url redis://127.0.0.1:6379/3 --size-mb 300
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
MB = 1024 * 1024
LIMIT_MB = 150


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", required=True)
    p.add_argument("--redis-url", required=True)
    p.add_argument("--size-mb", type=int, default=300)
    p.add_argument("--no-clamd", action="store_true", help="no scanner: the file is released as unscanned")
    p.add_argument("--asgi-server", choices=("uvicorn", "granian"), default="uvicorn",
                   help="granian is what `manage.py serve` starts by default (deploy/README.md)")
    return p.parse_args()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_data() -> tuple[str, str, str]:
    """(ticket id, access token, user id) in the bench database."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from hdms.core.jwt import encode_access
    from hdms.tickets.services import ticket_create

    user = get_user_model().objects.create(
        employee_code=f"upl-{uuid.uuid4().hex[:8]}", full_name="Upload Bench", role="requestor"
    )
    ticket = ticket_create(requestor=user, title="Upload memory bench", submit=True)
    return str(ticket.id), encode_access(user_id=str(user.id), role=user.role)[0], str(user.id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], server: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    if server == "granian":
        argv = [str(Path(sys.executable).parent / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "1", "hdms.asgi:application"]
    else:
        argv = [sys.executable, "-m", "uvicorn", "hdms.asgi:application", "--host", "127.0.0.1", "--port",
                str(port), "--log-level", "warning", "--workers", "1"]
    proc = subprocess.Popen(argv, cwd=BACKEND, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def _tree(pid: int) -> list[int]:
    """The process and its descendants (granian serves from a child process)."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            children = []
        pids += [int(c) for c in children]
        frontier += [int(c) for c in children]
    return pids


def proc_status_kib(pid: int, field: str) -> int:
    """``field`` (VmRSS, VmHWM) of the process that holds the most of it in the server's tree."""
    best = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            continue
    return best


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak_kib = max(self.peak_kib, proc_status_kib(self.pid, "VmRSS"))
            except OSError:
                return
            time.sleep(0.02)


def multipart_stream(size: int, boundary: str) -> tuple[int, object]:
    """(content length, iterator of body chunks) for a PDF of ``size`` bytes in the field ``file``."""
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench-scan.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    pdf_head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    pdf_tail = b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    tail = f"\r\n--{boundary}--\r\n".encode()
    padding = size - len(pdf_head) - len(pdf_tail)
    line = b"%" + b"0" * 1022 + b"\n"
    block = line * 1024  # 1 MiB

    def chunks():
        yield head + pdf_head
        left = padding
        while left > 0:
            piece = block if left >= len(block) else b"%" * left
            left -= len(piece)
            yield piece
        yield pdf_tail + tail

    return len(head) + size + len(tail), chunks()


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(BACKEND))
    ensure_database(args.database_url)
    data_dir = Path(tempfile.mkdtemp(prefix="hdms-upload-bench-"))
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "hdms.settings.production",
        "HDMS_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "HDMS_SERVICE": "file",
        "HDMS_LOG_LEVEL": "WARNING",
        "HDMS_TASKS_EAGER": "true",  # the scan and the move to storage run in the measured process
        "HDMS_DATA_DIR": str(data_dir),
        "HDMS_FILES_MAX_TICKET_BYTES": str((args.size_mb + 10) * MB),  # one big file on one ticket
        "HDMS_RATE_LIMIT": "false",
        "PYTHONPATH": str(BACKEND),
    })

    from contextlib import nullcontext

    sys.path.insert(0, str(BACKEND))
    from hdms.files.tests.clamd_server import running_clamd

    with (nullcontext(None) if args.no_clamd else running_clamd()) as clamd_url:
        if clamd_url:
            env["HDMS_CLAMD_URL"] = clamd_url
        else:
            env["HDMS_REQUIRE_SCANNER"] = "false"
        os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
        ticket_id, token, _ = setup_data()
        server, port = start_server(env, args.asgi_server)
        try:
            return run(args, server, port, ticket_id, token, data_dir, clamd_url)
        finally:
            server.terminate()
            server.wait(timeout=20)


def run(args, server, port, ticket_id, token, data_dir, clamd_url) -> int:
    import httpx

    base = f"http://127.0.0.1:{port}"
    # Warm up: the first request imports and connects everything.
    httpx.get(f"{base}/api/v1/health", timeout=30)
    baseline_kib = proc_status_kib(server.pid, "VmRSS")
    sampler = Sampler(server.pid)
    sampler.start()
    boundary = uuid.uuid4().hex
    length, body = multipart_stream(args.size_mb * MB, boundary)
    started = time.perf_counter()
    response = httpx.post(
        f"{base}/api/v1/tickets/{ticket_id}/attachments",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}",
                 "Content-Length": str(length)},
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    time.sleep(0.2)
    sampler.stop.set()
    sampler.join()
    peak_hwm_kib = proc_status_kib(server.pid, "VmHWM")
    status_after = None
    if response.status_code == 201:
        detail = httpx.get(f"{base}/api/v1/attachments/{response.json()['id']}",
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)
        status_after = detail.json().get("status")
    download_line = "download: skipped (upload failed)"
    download_ok = False
    run_hwm_kib = peak_hwm_kib
    if status_after in ("clean", "unscanned"):
        down = Sampler(server.pid)
        down.start()
        received = 0
        started = time.perf_counter()
        with httpx.stream("GET", f"{base}/api/v1/attachments/{response.json()['id']}/download",
                          headers={"Authorization": f"Bearer {token}"}, timeout=600) as streamed:
            for chunk in streamed.iter_bytes():
                received += len(chunk)
            download_status = streamed.status_code
        down_elapsed = time.perf_counter() - started
        down.stop.set()
        down.join()
        run_hwm_kib = proc_status_kib(server.pid, "VmHWM")
        download_ok = download_status == 200 and received == args.size_mb * MB and down.peak_kib / 1024 < LIMIT_MB
        download_line = (f"download: HTTP {download_status}, {received / MB:.0f} MB in {down_elapsed:.1f} s; "
                         f"server RSS peak while streaming {down.peak_kib / 1024:.0f} MB")
    peak_mb = max(sampler.peak_kib, peak_hwm_kib) / 1024
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    print(f"server: {args.asgi_server}, one worker")
    print(f"upload: {args.size_mb} MB multipart in {elapsed:.1f} s ({args.size_mb / elapsed:.0f} MB/s) "
          f"-> HTTP {response.status_code}, status after the request: {status_after} "
          f"(scanner: {'clamd ' + clamd_url if clamd_url else 'none'})")
    print(f"server RSS: {baseline_kib / 1024:.0f} MB before, peak {peak_mb:.0f} MB "
          f"(sampled {sampler.peak_kib / 1024:.0f} MB, VmHWM {peak_hwm_kib / 1024:.0f} MB); bar < {LIMIT_MB} MB")
    print(download_line)
    print(f"server peak RSS over the whole run (VmHWM): {run_hwm_kib / 1024:.0f} MB")
    ok = response.status_code == 201 and peak_mb < LIMIT_MB and download_ok and run_hwm_kib / 1024 < LIMIT_MB
    print("PASS" if ok else "FAIL")
    if response.status_code != 201:
        print(response.text[:500])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

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

Then (issue 10, DESIGN §7 "Hostile input") it uploads bombs to the same process: a DOCX whose
``[Content_Types].xml`` inflates to 1 GiB (as libmagic sees a zip, and as it sees a DOCX), an XLSX
whose sheet inflates to 1 GiB, a DOCX of 20,000 parts, a PNG and a GIF declaring 12,000 x 12,000
pixels, and a Matroska video declaring 12,000 x 12,000 pixels. Before each it resets the
process's VmHWM (``echo 5 > /proc/PID/clear_refs``), so each row's peak is that upload's alone.
The bar: each refused with 415 and the peak within 100 MB of the idle process.

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
    p.add_argument("--no-bombs", action="store_true", help="skip the hostile uploads (issue 10)")
    p.add_argument("--bombs-only", action="store_true", help="skip the large upload and download")
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


def machine_line() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
    return (f"machine: {os.cpu_count()} CPUs ({cpu}), {mem_kib / 1024 / 1024:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")


def reset_peak(pid: int) -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of the server's processes (Linux 4.0+)."""
    done = False
    for member in _tree(pid):
        try:
            Path(f"/proc/{member}/clear_refs").write_text("5")
            done = True
        except OSError:
            continue
    return done


def hostile_files(folder: Path) -> list[tuple[str, str, bytes]]:
    """(label, file name, bytes) of each bomb, built by the test factories."""
    from hdms.testing.factories_files import (
        docx_bomb_bytes,
        docx_with_many_entries,
        gif_bomb_bytes,
        huge_video,
        png_bomb_bytes,
        xlsx_bomb_bytes,
    )

    return [
        ("DOCX, [Content_Types].xml inflating to 1 GiB (libmagic: zip)", "contract.docx", docx_bomb_bytes()),
        ("DOCX, [Content_Types].xml inflating to 1 GiB (libmagic: DOCX)", "contract.docx",
         docx_bomb_bytes(named_by_libmagic=True)),
        ("XLSX, sheet1.xml inflating to 1 GiB", "budget.xlsx", xlsx_bomb_bytes()),
        ("DOCX of 20,000 parts", "letter.docx", docx_with_many_entries(20_000)),
        ("PNG declaring 12,000 x 12,000 (432 MB decoded)", "poster.png", png_bomb_bytes()),
        ("GIF declaring a 12,000 x 12,000 screen", "banner.gif", gif_bomb_bytes()),
        ("MKV declaring 12,000 x 12,000 raw frames", "clip.mkv", huge_video(folder).read_bytes()),
    ]


def warm_up(base: str, ticket_id: str, token: str, folder: Path) -> None:
    """One normal upload of each kind, so what a first upload loads (libmagic's database, the
    image and video paths) is part of the idle size the bombs are compared with."""
    import httpx
    from hdms.testing.factories_files import docx_bytes, ffmpeg_video, png_bytes, xlsx_bytes

    for name, data in [("warm.docx", docx_bytes()), ("warm.xlsx", xlsx_bytes()), ("warm.png", png_bytes()),
                       ("warm.mkv", ffmpeg_video(folder, name="warm.mkv").read_bytes())]:
        response = httpx.post(f"{base}/api/v1/tickets/{ticket_id}/attachments", files={"file": (name, data)},
                              headers={"Authorization": f"Bearer {token}"}, timeout=300)
        if response.status_code != 201:
            raise SystemExit(f"warm-up upload of {name} failed: {response.status_code} {response.text[:300]}")


def run_bombs(server, base: str, ticket_id: str, token: str) -> bool:
    import httpx

    with tempfile.TemporaryDirectory() as folder:
        warm_up(base, ticket_id, token, Path(folder))
        bombs = hostile_files(Path(folder))
        time.sleep(0.5)
        idle_kib = proc_status_kib(server.pid, "VmRSS")
        print(f"\nhostile uploads (issue 10): server idle RSS {idle_kib / 1024:.0f} MB after warm-up uploads; "
              f"bar: each refused, peak < idle + 100 MB")
        print("| upload | size | HTTP | code | peak RSS (VmHWM) | over idle |")
        print("| --- | --- | --- | --- | --- | --- |")
        ok = True
        for label, name, data in bombs:
            before_kib = proc_status_kib(server.pid, "VmRSS")
            exact = reset_peak(server.pid)
            sampler = Sampler(server.pid)
            sampler.start()
            response = httpx.post(f"{base}/api/v1/tickets/{ticket_id}/attachments", files={"file": (name, data)},
                                  headers={"Authorization": f"Bearer {token}"}, timeout=300)
            time.sleep(0.1)
            sampler.stop.set()
            sampler.join()
            peak_kib = max(sampler.peak_kib, proc_status_kib(server.pid, "VmHWM") if exact else 0)
            code = response.json().get("code", "") if response.headers.get("content-type", "").startswith(
                "application/json") else ""
            growth_kib = peak_kib - idle_kib
            row_ok = response.status_code in (413, 415) and growth_kib < 100 * 1024
            ok = ok and row_ok
            shown = f"{len(data) / 1024:,.0f} KiB" if len(data) >= 1024 else f"{len(data)} bytes"
            print(f"| {label} | {shown} | {response.status_code} | `{code}` | "
                  f"{peak_kib / 1024:.0f} MB | {growth_kib / 1024:+.0f} MB{'' if row_ok else ' FAIL'} |")
            if before_kib - idle_kib > 50 * 1024:
                print(f"  (RSS before this upload was already {before_kib / 1024:.0f} MB)")
            if response.status_code not in (413, 415):
                print(f"  answer: {response.text[:300]}")
        print(f"peaks: {'VmHWM reset before each upload' if exact else 'sampled every 20 ms (VmHWM reset refused)'}")
        ok = run_conversions(Path(folder), bombs) and ok
        print("PASS (bombs)" if ok else "FAIL (bombs)")
        return ok


def run_conversions(folder: Path, bombs: list[tuple[str, str, bytes]]) -> bool:
    """A bomb that got past the upload (the limits were raised since, say) reaching a worker's
    conversion: measured in a fresh process by the tests' ``rss_probe`` (a warm-up file first)."""
    import json

    from hdms.testing.factories_files import ffmpeg_video, png_bomb_bytes, png_bytes

    normal_png = folder / "normal.png"
    normal_png.write_bytes(png_bytes())
    bombs = [*bombs, ("", "large.png", png_bomb_bytes(8_000, 8_000))]
    normal_mkv = ffmpeg_video(folder, name="normal.mkv")
    print("\nconversion of a bomb in a worker process (fresh process, rss_probe; decoders run as limited children)")
    print("| conversion | outcome | idle RSS | peak RSS (VmHWM) | over idle |")
    print("| --- | --- | --- | --- | --- |")
    ok = True
    for label, check, name, warmup, expected in [
        ("PNG 12,000 x 12,000 -> WebP", "webp", "poster.png", normal_png, "ConversionFailed"),
        ("GIF 12,000 x 12,000 screen -> thumbnail", "thumbnail", "banner.gif", normal_png, "ConversionFailed"),
        ("MKV 12,000 x 12,000 -> H.264 MP4", "mp4", "clip.mkv", normal_mkv, "ConversionFailed"),
        ("PNG 8,000 x 8,000, under the limit (192 MB decoded, in the child) -> WebP", "webp", "large.png",
         normal_png, "ok"),
    ]:
        data = next(content for _, bomb_name, content in bombs if bomb_name == name)
        path = folder / f"bomb-{name}"
        path.write_bytes(data)
        done = subprocess.run([sys.executable, "-m", "hdms.files.tests.rss_probe", check, str(path), name, str(warmup)],
                              cwd=BACKEND, capture_output=True, timeout=600, check=False)
        if done.returncode != 0:
            print(f"| {label} | probe crashed: {done.stderr.decode()[-300:]} | | | FAIL |")
            ok = False
            continue
        report = json.loads(done.stdout.decode().strip().splitlines()[-1])
        growth = report["peak_kib"] - report["idle_kib"]
        row_ok = report["outcome"] == expected and growth < 100 * 1024
        ok = ok and row_ok
        outcome = f"{report['outcome']}: {report['detail'][:90]}" if report["detail"] else report["outcome"]
        print(f"| {label} | {outcome} | {report['idle_kib'] / 1024:.0f} MB | "
              f"{report['peak_kib'] / 1024:.0f} MB | {growth / 1024:+.0f} MB{'' if row_ok else ' FAIL'} |")
    return ok


def run(args, server, port, ticket_id, token, data_dir, clamd_url) -> int:
    import httpx

    base = f"http://127.0.0.1:{port}"
    # Warm up: the first request imports and connects everything.
    httpx.get(f"{base}/api/v1/health", timeout=30)
    if args.bombs_only:
        print(machine_line())
        print(f"server: {args.asgi_server}, one worker; scanner: {'clamd ' + clamd_url if clamd_url else 'none'}")
        return 0 if run_bombs(server, base, ticket_id, token) else 1
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
    print(machine_line())
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
    if not args.no_bombs:
        ok = run_bombs(server, base, ticket_id, token) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

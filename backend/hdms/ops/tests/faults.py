"""Harness of the fault suite (test_faults.py): a PostgreSQL cluster, a Redis and a clamd of its
own, which it can really stop and start, and the API (uvicorn), a Celery worker and beat on them.

Never the shared PostgreSQL (5432) or Redis (6379): those serve every other test and engineer.
Ports come from ``HDMS_FAULTS_PORTS`` (default 19240-19259), the first free ones.
"""

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hdms.files.tests.clamd_server import EICAR, _ping, _which
from hdms.ops.launcher import BACKEND_DIR

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), Path("/usr/bin"))


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_ports(count: int) -> list[int]:
    first, last = (int(p) for p in os.environ.get("HDMS_FAULTS_PORTS", "19240-19259").split("-"))
    # In random order: two suites started at once (other checkouts) rarely pick the same ports.
    candidates = random.SystemRandom().sample(range(first, last + 1), last - first + 1)
    ports = [port for port in candidates if _port_free(port)][:count]
    if len(ports) < count:
        raise RuntimeError(f"Fewer than {count} free ports in {first}-{last} (HDMS_FAULTS_PORTS)")
    return ports


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Not within {timeout:.0f} s: {what}")
        time.sleep(every)


def _as_postgres(*argv: str) -> subprocess.CompletedProcess:
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*runner, *argv], capture_output=True, text=True, timeout=120, check=False)


class PrivatePostgres:
    """``initdb`` + ``pg_ctl`` in a folder of its own (as user postgres when run as root)."""

    def __init__(self, folder: Path, port: int) -> None:
        self.data = folder / "pgdata"
        self.port = port
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        result = _as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                              "-N", "-E", "UTF8", "--locale=C")
        assert result.returncode == 0, result.stderr[-2000:]

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off "
                   "-c synchronous_commit=off -c max_connections=60")
        result = _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"),
                              "-o", options, "-w", "-t", "60", "start")
        assert result.returncode == 0, result.stderr[-2000:] + (self.data / "server.log").read_text()[-2000:]

    def stop(self) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")


class PrivateRedis:
    """``redis-server`` with an append-only file, so a stop and start keeps queued tasks (as a
    production Redis with AOF would)."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=(self.folder / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        wait_until(lambda: not _port_free(self.port), timeout=20, what="redis-server listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class PrivateClamd:
    """clamd with a signature database built from EICAR (as hdms/files/tests/clamd_server.py), on a
    socket path that stays the same across a stop and start."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        sigtool = _which("sigtool", "/usr/bin/sigtool")
        (folder / "eicar.com").write_bytes(EICAR)
        signatures = subprocess.run([sigtool, "--sha256", str(folder / "eicar.com")], check=True,
                                    capture_output=True, cwd=folder).stdout
        (folder / "eicar.com").unlink()
        (folder / "test.hsb").write_bytes(signatures)
        self.socket = folder / "clamd.sock"
        (folder / "clamd.conf").write_text(
            f"LocalSocket {self.socket}\nDatabaseDirectory {folder}\nForeground yes\n"
            f"LogFile {folder / 'clamd.log'}\nMaxThreads 2\nSelfCheck 3600\n")

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        clamd = _which("clamd", "/usr/sbin/clamd")
        self.process = subprocess.Popen([clamd, "-c", str(self.folder / "clamd.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _ping(self.socket), timeout=60, what="clamd answering PING")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class Service:
    """One process of the desk (API server, worker, beat) in a process group of its own."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=BACKEND_DIR, start_new_session=True,
                                        stdout=self.log.open("ab"), stderr=subprocess.STDOUT)

    def children(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True,
                             text=True, check=False).stdout
        return [int(pid) for pid in out.split()]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.process = None

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


def python_argv(*args: str) -> list[str]:
    return [sys.executable, *args]


def make_folder() -> Path:
    """A folder user postgres can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="hdms-faults-", dir="/tmp"))
    os.chmod(folder, 0o755)
    return folder

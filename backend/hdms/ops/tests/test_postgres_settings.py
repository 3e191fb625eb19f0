"""The deployment's PostgreSQL settings (deploy/postgres/hdms.conf): statement statistics and
slow-query logging, proven on a private PostgreSQL started with them (the shared server is never
reconfigured)."""

import contextlib
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"
CONF = DEPLOY / "postgres" / "hdms.conf"


def _conf_settings() -> dict[str, str]:
    settings = {}
    for line in CONF.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip().strip("'")
    return settings


def _compose_settings() -> dict[str, str]:
    compose = (DEPLOY / "docker-compose.yml").read_text()
    block = compose[compose.index("  postgres:"):compose.index("  pgbouncer:")]
    command = block[block.index("command: >") + len("command: >"):block.index("volumes:")]
    words = shlex.split(" ".join(line.strip() for line in command.splitlines()))
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "-c")


def test_compose_postgres_runs_the_same_statistics_and_logging_settings_as_the_conf_file():
    conf, compose = _conf_settings(), _compose_settings()
    assert conf["shared_preload_libraries"] == "pg_stat_statements"
    assert conf["log_min_duration_statement"] == "250ms"
    for name, value in conf.items():
        assert compose.get(name) == value, (name, compose.get(name), value)


def _free_port() -> int:
    for port in range(19650, 19660):  # this suite's own range; never the shared server's 5432
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the private PostgreSQL")


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextlib.contextmanager
def private_postgres() -> Iterator[tuple[int, Path]]:
    """initdb + pg_ctl of the installed PostgreSQL in a temporary folder, with hdms.conf included."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        raise RuntimeError("PostgreSQL server binaries are missing (apt-get install postgresql)")
    bindir = bins[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="hdms-pg-", dir="/tmp"))
    data, log = folder / "data", folder / "server.log"
    shutil.copy(CONF, folder / "hdms.conf")
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres", group="postgres")
        shutil.chown(folder / "hdms.conf", user="postgres", group="postgres")
    port = _free_port()
    try:
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
                       check=True, capture_output=True, timeout=120)
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(f"\ninclude '{folder / 'hdms.conf'}'\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{folder}'\n")
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start"]),
                       check=True, capture_output=True, timeout=120)
        try:
            yield port, log
        finally:
            subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _psql(port: int, sql: str) -> str:
    result = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port),
                             "-U", "postgres", "-d", "postgres", "-c", sql], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.timeout(180)
def test_a_server_with_the_conf_logs_slow_queries_and_counts_statements():
    with private_postgres() as (port, log):
        assert _psql(port, "SHOW log_min_duration_statement") == "250ms"
        assert _psql(port, "SHOW shared_preload_libraries") == "pg_stat_statements"
        _psql(port, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        _psql(port, "SELECT pg_sleep(0.4) AS slow_probe")
        _psql(port, "SELECT 1 AS fast_probe")
        deadline = time.monotonic() + 10
        while "slow_probe" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        text = log.read_text()
        slow = [line for line in text.splitlines() if "slow_probe" in line]
        assert slow and re.search(r"duration: (\d+)\.\d+ ms\s+statement: SELECT pg_sleep", slow[0]), slow
        assert int(re.search(r"duration: (\d+)", slow[0]).group(1)) >= 400
        assert "fast_probe" not in text  # under 250 ms: not logged
        calls = _psql(port, "SELECT calls FROM pg_stat_statements WHERE query LIKE 'SELECT pg_sleep%slow_probe%'")
        assert calls == "1"

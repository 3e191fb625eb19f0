"""PgBouncer as deployed (deploy/pgbouncer/pgbouncer.ini), run for real in front of the test
PostgreSQL: the web processes' entry gives their statements the 5 s limit that PgBouncer would
otherwise drop with the startup option (issue 18, item 2), the workers' entry gives none, and the
compose file's ini declares the same entries and settings."""

import configparser
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"
INI = DEPLOY / "pgbouncer" / "pgbouncer.ini"
DOCKER_INI = DEPLOY / "pgbouncer" / "pgbouncer.docker.ini"
BACKEND = Path(__file__).resolve().parents[3]

def _ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(comment_prefixes=(";",), inline_comment_prefixes=None, interpolation=None)
    parser.read_string(path.read_text())
    return parser


def _free_port() -> int:
    for port in range(19670, 19680):  # this test's own range
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for PgBouncer")


@pytest.fixture
def bouncer() -> Iterator[int]:
    """The repository's ini, pointed at the test server's `postgres` database, on a spare port,
    with trust authentication of the test's role (the test server trusts local connections)."""
    if shutil.which("pgbouncer") is None:
        pytest.fail("pgbouncer is a system package of the desk (scripts/system-packages.txt): run make setup")
    db = settings.DATABASES["default"]
    port, user = _free_port(), db["USER"] or "postgres"
    work = Path(tempfile.mkdtemp(prefix="hdms-pgbouncer-"))
    (work / "userlist.txt").write_text(f'"{user}" ""\n')
    text = INI.read_text().replace("dbname=hdms", "dbname=postgres")
    text = text.replace("host=127.0.0.1 port=5432", f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}")
    text = text.replace("listen_port = 6432", f"listen_port = {port}").replace("auth_type = scram-sha-256",
                                                                               "auth_type = trust")
    text = text.replace("auth_file = /etc/pgbouncer/userlist.txt", f"auth_file = {work / 'userlist.txt'}")
    text = text.replace("admin_users = hdms", f"admin_users = {user}").replace("stats_users = hdms",
                                                                                f"stats_users = {user}")
    (work / "pgbouncer.ini").write_text(text)
    argv = ["pgbouncer", str(work / "pgbouncer.ini")]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        shutil.chown(work, "postgres")
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(work / name, "postgres")
        argv = ["runuser", "-u", "postgres", "--", *argv]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"pgbouncer stopped: {process.stdout.read().decode() if process.stdout else ''}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _statement_timeout(port: int, *, interactive: bool) -> str:
    """`SHOW statement_timeout` as a desk process with the deployment's settings sees it."""
    user = settings.DATABASES["default"]["USER"] or "postgres"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hdms.settings.embedded", "HDMS_PGBOUNCER": "true",
           "DATABASE_URL": f"postgres://{user}@127.0.0.1:{port}/hdms", "HDMS_INTERACTIVE_DATABASE": "hdms_interactive",
           "HDMS_DATA_DIR": tempfile.mkdtemp(prefix="hdms-pgb-data-")}
    env.pop("HDMS_INTERACTIVE", None)
    if interactive:
        env["HDMS_INTERACTIVE"] = "true"
    code = ("import django; django.setup(); from django.db import connection\n"
            "with connection.cursor() as c:\n"
            "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])")
    done = subprocess.run([sys.executable, "-c", code], cwd=BACKEND, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_web_processes_get_the_statement_limit_through_pgbouncer_and_workers_do_not(bouncer):
    assert _statement_timeout(bouncer, interactive=True) == "5s"
    assert _statement_timeout(bouncer, interactive=False) == "0"


def test_the_compose_ini_has_the_same_entries_and_settings():
    system, docker = _ini(INI), _ini(DOCKER_INI)
    assert dict(docker["databases"]) == {name: value.replace("host=127.0.0.1", "host=postgres")
                                         for name, value in system["databases"].items()}
    assert "connect_query='SET statement_timeout = 5000'" in system["databases"]["hdms_interactive"]
    differ = {"listen_addr"}
    assert {k: v for k, v in docker["pgbouncer"].items() if k not in differ} == {
        k: v for k, v in system["pgbouncer"].items() if k not in differ}
    assert docker["pgbouncer"]["listen_port"] == "6432"
    compose = (DEPLOY / "docker-compose.yml").read_text()
    assert "./pgbouncer/pgbouncer.docker.ini:/etc/pgbouncer/pgbouncer.ini:ro" in compose
    assert "@pgbouncer:6432/hdms" in compose and "HDMS_INTERACTIVE_DATABASE: hdms_interactive" in compose

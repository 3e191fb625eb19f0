"""Point-in-time recovery from the encrypted WAL archive (architecture §22), on a PRIVATE
PostgreSQL cluster this test creates (initdb/pg_ctl in a temporary directory, on its own port;
the shared server is never touched).

The cluster runs deploy/postgresql/archiving.conf as shipped (only the two paths replaced), so its
WAL goes through deploy/postgresql/wal-archive.sh: age-encrypted, copied to an rclone remote. The
test runs the nightly backup (whose base backup, ``HDMS_BACKUP_BASE_URL``, comes from that cluster),
writes rows, notes a target time, writes more rows, loses the cluster, and recovers into a new
data directory from the remote alone (``manage.py pitr_prepare`` + wal-restore.sh): exactly the
rows committed before the target exist.
"""

import datetime as dt
import glob
import io
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from hdms.ops import services
from hdms.ops.launcher import BACKEND_DIR

DEPLOY = BACKEND_DIR.parent / "deploy" / "postgresql"
PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1])
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def free_port() -> int:
    """A free port in HDMS_TEST_PORTS (``first-last``) when set, else one the kernel picks."""
    span = os.environ.get("HDMS_TEST_PORTS", "")
    candidates = range(int(span.split("-")[0]), int(span.split("-")[1]) + 1) if span else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"No free port in {span}")


def pg(*argv: str, timeout: float = 120) -> str:
    result = subprocess.run([*AS_POSTGRES, *argv], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (argv, result.stdout[-2000:], result.stderr[-2000:])
    return result.stdout


def sql(port: int, query: str) -> str:
    return pg(str(PG_BIN / "psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
              "-p", str(port), "-U", "postgres", "-d", "postgres", "-c", query).strip()


def give_to_postgres(path: Path) -> None:
    if AS_POSTGRES:
        shutil.chown(path, "postgres", "postgres")
        for child in path.rglob("*"):
            shutil.chown(child, "postgres", "postgres")


@pytest.fixture
def sandbox(monkeypatch):
    root = Path(tempfile.mkdtemp(prefix="hdms-pitr-", dir="/tmp"))
    root.chmod(0o755)
    clusters: list[Path] = []
    monkeypatch.setenv("RCLONE_CONFIG_PITRTEST_TYPE", "local")
    yield root, clusters
    for data in clusters:
        if (data / "postmaster.pid").exists():
            subprocess.run([*AS_POSTGRES, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
    shutil.rmtree(root, ignore_errors=True)


def test_archiving_settings_give_an_rpo_of_15_to_30_minutes():
    conf = (DEPLOY / "archiving.conf").read_text()
    settings = dict(re.findall(r"^(\w+) = (.+?)\s*$", conf, flags=re.M))
    assert settings["wal_level"] == "replica" and settings["archive_mode"] == "on"
    assert 900 <= int(settings["archive_timeout"]) <= 1800
    assert "wal-archive.sh" in settings["archive_command"] and "%p %f" in settings["archive_command"]


@pytest.mark.django_db(transaction=True)
def test_point_in_time_recovery_from_the_encrypted_wal_archive(sandbox, settings, postgres_only):
    root, clusters = sandbox
    timings: dict[str, float] = {}
    keys, wal_local, offsite, bin_dir = root / "keys", root / "wal-local", root / "offsite", root / "bin"
    for folder in (keys, wal_local, offsite, bin_dir, root / "restore-wal-empty"):
        folder.mkdir()
    for script in ("wal-archive.sh", "wal-restore.sh"):
        shutil.copy2(DEPLOY / script, bin_dir / script)
    subprocess.run(["age-keygen", "-o", str(keys / "identity.txt")], check=True, capture_output=True)
    (keys / "recipients.txt").write_text(subprocess.run(["age-keygen", "-y", str(keys / "identity.txt")],
                                                        check=True, capture_output=True, text=True).stdout)
    remote_spec = f"pitrtest:{offsite}"
    common = f"HDMS_BACKUP_RCLONE_REMOTE={remote_spec}\nRCLONE_CONFIG_PITRTEST_TYPE=local\n"
    (root / "backup.env").write_text(f"HDMS_BACKUP_AGE_RECIPIENTS_FILE={keys / 'recipients.txt'}\n"
                                     f"HDMS_BACKUP_WAL_DIR={wal_local}\n{common}")
    # The recovering machine has none of the old one's local WAL: everything comes off the remote.
    (root / "restore.env").write_text(f"HDMS_BACKUP_AGE_IDENTITY_FILE={keys / 'identity.txt'}\n"
                                      f"HDMS_BACKUP_WAL_DIR={root / 'restore-wal-empty'}\n{common}")
    archiving = (DEPLOY / "archiving.conf").read_text() \
        .replace("/srv/hdms/deploy/postgresql/wal-archive.sh", str(bin_dir / "wal-archive.sh")) \
        .replace("/etc/hdms/backup.env", str(root / "backup.env"))
    (root / "archiving.conf").write_text(archiving)
    give_to_postgres(root)

    # The "production" cluster, archiving WAL through the deployed settings.
    port, data = free_port(), root / "data1"
    clusters.append(data)
    pg(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
                   f"shared_buffers = 16MB\nmax_connections = 20\nfsync = off\ninclude '{root / 'archiving.conf'}'\n")
    pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "data1.log"), "-w", "start")
    assert sql(port, "SHOW archive_timeout") == "15min"
    sql(port, "CREATE TABLE pitr_rows (id int PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT clock_timestamp())")

    # The nightly backup task takes the base backup when HDMS_BACKUP_BASE_URL names a replication role.
    settings.HDMS_BACKUP_DIR, settings.HDMS_BACKUP_WAL_DIR = str(root / "local"), str(wal_local)
    settings.HDMS_BACKUP_AGE_RECIPIENTS, settings.HDMS_BACKUP_AGE_RECIPIENTS_FILE = [], str(keys / "recipients.txt")
    settings.HDMS_BACKUP_RCLONE_REMOTE, settings.HDMS_BACKUP_FILES_DIR = remote_spec, str(root / "no-files")
    settings.HDMS_BACKUP_DATABASE_URL = ""
    settings.HDMS_BACKUP_BASE_URL = f"postgres://postgres@127.0.0.1:{port}/postgres"
    started = time.monotonic()
    run = services.backup_run(reason="scheduled")
    timings["nightly_backup_with_base_seconds"] = round(time.monotonic() - started, 2)
    base_name = run.detail["base"]
    assert run.status == "ok" and base_name.startswith("base-")
    assert (offsite / "base" / base_name / "base.tar.age").read_bytes().startswith(b"age-encryption.org/v1")

    for batch in range(5):  # rows 1..50, committed in five transactions
        sql(port, f"INSERT INTO pitr_rows (id) SELECT g FROM generate_series({batch * 10 + 1}, {batch * 10 + 10}) g")
    time.sleep(0.5)
    target = dt.datetime.fromisoformat(sql(port, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                                                 "'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"))
    time.sleep(0.5)
    for batch in range(5, 10):  # rows 51..100, after the target
        sql(port, f"INSERT INTO pitr_rows (id) SELECT g FROM generate_series({batch * 10 + 1}, {batch * 10 + 10}) g")
    last_segment = sql(port, "SELECT pg_walfile_name(pg_switch_wal())")
    deadline = time.monotonic() + 60
    while sql(port, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < last_segment:
        assert time.monotonic() < deadline, "WAL was not archived within 60 s"
        time.sleep(0.2)
    assert sql(port, "SELECT failed_count FROM pg_stat_archiver") == "0"
    archived = sorted(p.name for p in (offsite / "wal").iterdir())
    assert f"{last_segment}.age" in archived and any(name.endswith(".backup.age") for name in archived)
    assert all((offsite / "wal" / name).read_bytes().startswith(b"age-encryption.org/v1") for name in archived)
    # The machine is lost: an immediate stop, no shutdown checkpoint.
    pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")

    # Recovery on a new data directory from the remote alone, to the target time.
    port2, data2 = free_port(), root / "data2"
    clusters.append(data2)
    started = time.monotonic()
    settings.HDMS_BACKUP_RCLONE_REMOTE = remote_spec
    settings.HDMS_BACKUP_AGE_IDENTITY_FILE = str(keys / "identity.txt")
    out = io.StringIO()
    call_command("pitr_prepare", str(data2), target_time=target.isoformat(), port=str(port2), stdout=out,
                 restore_env=str(root / "restore.env"), restore_script=str(bin_dir / "wal-restore.sh"))
    assert f"base backup {base_name}" in out.getvalue()
    auto_conf = (data2 / "postgresql.auto.conf").read_text()
    assert f"recovery_target_time = '{target.isoformat(sep=' ')}'" in auto_conf and (data2 / "recovery.signal").exists()
    give_to_postgres(data2)
    timings["restore_base_seconds"] = round(time.monotonic() - started, 2)
    pg(str(PG_BIN / "pg_ctl"), "-D", str(data2), "-l", str(root / "data2.log"), "-w", "-t", "120", "start")
    deadline = time.monotonic() + 120
    while sql(port2, "SELECT pg_is_in_recovery()") != "f":
        assert time.monotonic() < deadline, (root / "data2.log").read_text()[-3000:]
        time.sleep(0.2)
    timings["replay_and_promote_seconds"] = round(time.monotonic() - started - timings["restore_base_seconds"], 2)
    timings["recovery_total_seconds"] = round(time.monotonic() - started, 2)

    assert sql(port2, "SELECT string_agg(id::text, ',' ORDER BY id) FROM pitr_rows") == ",".join(
        str(i) for i in range(1, 51))
    assert sql(port2, f"SELECT count(*) FROM pitr_rows WHERE written_at > '{target.isoformat()}'") == "0"
    log = (root / "data2.log").read_text()
    assert "recovery stopping before commit" in log and "selected new timeline ID" in log
    assert re.search(r"restored log file \"[0-9A-F]{24}\" from archive", log)
    print("PITR timings:", json.dumps(timings))

"""The nightly encrypted backup, its copy through rclone, retention, and the monthly restore drill
(architecture §22). Real pg_dump/pg_restore, age and rclone (a ``local`` rclone remote defined by
RCLONE_CONFIG_* variables), real notifications and audit entries."""

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from hdms.audit.models import AuditEntry
from hdms.communication.models import Notification
from hdms.ops import backups, services, tasks
from hdms.ops.models import BackupRun
from hdms.testing.factories import UserFactory
from hdms.testing.factories_tickets import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

AGE_MAGIC = b"age-encryption.org/v1"


def age_keypair(directory: Path) -> tuple[Path, str]:
    identity = directory / "identity.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True, text=True).stdout
    return identity, public.strip()


@pytest.fixture
def backup_setup(settings, tmp_path, monkeypatch):
    """age keys, a local rclone remote (``hdmstest:`` defined by environment variables, as
    production may define its S3 remote), an uploaded-files directory with two files."""
    identity, public = age_keypair(tmp_path)
    monkeypatch.setenv("RCLONE_CONFIG_HDMSTEST_TYPE", "local")
    remote_root = tmp_path / "offsite"
    remote_root.mkdir()
    files = tmp_path / "files"
    (files / "attachments" / "ab").mkdir(parents=True)
    (files / "attachments" / "ab" / "report.pdf").write_bytes(b"%PDF-1.4 the quarterly report" * 100)
    (files / "attachments" / "photo.jpg").write_bytes(os.urandom(50_000))
    settings.HDMS_BACKUP_DIR = str(tmp_path / "local")
    settings.HDMS_BACKUP_WAL_DIR = str(tmp_path / "local" / "wal")
    settings.HDMS_BACKUP_AGE_RECIPIENTS = [public]
    settings.HDMS_BACKUP_AGE_RECIPIENTS_FILE = ""
    settings.HDMS_BACKUP_AGE_IDENTITY_FILE = str(identity)
    settings.HDMS_BACKUP_RCLONE_REMOTE = f"hdmstest:{remote_root}"
    settings.HDMS_BACKUP_FILES_DIR = str(files)
    settings.HDMS_BACKUP_DRILL_DIR = str(tmp_path / "drill")
    settings.HDMS_BACKUP_BASE_URL = ""
    settings.HDMS_BACKUP_DATABASE_URL = ""
    settings.HDMS_BACKUPS_ENABLED = True
    return {"identity": identity, "public": public, "remote": remote_root, "files": files,
            "local": tmp_path / "local"}


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'hdms_drill_%%'")
        return [row[0] for row in cursor.fetchall()]


def test_nightly_backup_is_encrypted_copied_off_site_recorded_audited_and_told_to_admins(postgres_only, backup_setup):
    admin = UserFactory(role="admin")
    requestor = UserFactory()
    for index in range(12):
        TicketFactory(requestor=requestor, title=f"Printer {index} jams")

    assert tasks.backup_daily.apply().get().startswith("ok hdms-")

    run = BackupRun.objects.get(kind=BackupRun.Kind.BACKUP)
    assert run.status == BackupRun.Status.OK and run.reason == "scheduled" and run.finished_at is not None
    local = backup_setup["local"] / "full" / run.name
    offsite = backup_setup["remote"] / "full" / run.name
    assert sorted(p.name for p in local.iterdir()) == ["db.dump.age", "files.tar.age", "manifest.json"]
    assert sorted(p.name for p in offsite.iterdir()) == ["db.dump.age", "files.tar.age", "manifest.json"]
    for artifact in ("db.dump.age", "files.tar.age"):
        body = (offsite / artifact).read_bytes()
        assert body == (local / artifact).read_bytes()
        assert body.startswith(AGE_MAGIC)
    # Encrypted: neither the dump's header nor a ticket title nor a file's bytes are readable.
    dump = (offsite / "db.dump.age").read_bytes()
    assert b"PGDMP" not in dump and b"Printer 3 jams" not in dump
    assert b"quarterly report" not in (offsite / "files.tar.age").read_bytes()
    # The private key opens it: a real pg_dump custom-format archive.
    plain = subprocess.run(["age", "-d", "-i", str(backup_setup["identity"]), str(offsite / "db.dump.age")],
                           check=True, capture_output=True).stdout
    assert plain[:5] == b"PGDMP"

    manifest = json.loads((offsite / "manifest.json").read_text())
    assert manifest["database"] == connection.settings_dict["NAME"]
    assert manifest["tables"]["tickets_ticket"]["rows"] == 12
    assert manifest["tables"]["users_user"]["rows"] == 2
    assert "ops_backup_run" in manifest["tables"]
    import hashlib

    report = (backup_setup["files"] / "attachments" / "ab" / "report.pdf").read_bytes()
    assert manifest["files"]["attachments/ab/report.pdf"] == {"bytes": len(report),
                                                               "sha256": hashlib.sha256(report).hexdigest()}
    assert set(manifest["files"]) == {"attachments/ab/report.pdf", "attachments/photo.jpg"}

    audit = AuditEntry.objects.get(action="backup.succeeded")
    assert audit.object_id == run.name and audit.after["rows"] == run.detail["rows"]
    notes = list(Notification.objects.filter(kind="ops.backup"))
    assert [n.user_id for n in notes] == [admin.id]  # admins only
    assert notes[0].urgent is False and run.name in notes[0].body


def test_a_failed_backup_is_recorded_audited_and_admins_are_told_urgently(postgres_only, backup_setup, settings):
    admin = UserFactory(role="admin")
    settings.HDMS_BACKUP_RCLONE_REMOTE = "undefinedremote:/nowhere"  # no such rclone remote

    assert tasks.backup_daily.apply().get() == "failed"

    run = BackupRun.objects.get(kind=BackupRun.Kind.BACKUP)
    assert run.status == BackupRun.Status.FAILED and "rclone copy failed" in run.error
    assert AuditEntry.objects.filter(action="backup.failed", object_id=run.name).count() == 1
    note = Notification.objects.get(kind="ops.backup", user=admin)
    assert note.urgent is True and "FAILED" in note.title and "rclone" in note.body


def test_without_an_age_key_nothing_is_written(postgres_only, backup_setup, settings):
    UserFactory(role="admin")
    settings.HDMS_BACKUP_AGE_RECIPIENTS = []
    with pytest.raises(backups.BackupError, match="No age recipient"):
        services.backup_run(reason="manual")
    assert not (backup_setup["local"] / "full").exists()
    assert BackupRun.objects.get().status == BackupRun.Status.FAILED
    assert Notification.objects.get(kind="ops.backup").urgent is True


def test_digests_describe_the_dumped_snapshot_even_when_rows_change_meanwhile(postgres_only, backup_setup):
    """The manifest is read in pg_dump's exported snapshot: a row written after the snapshot is
    neither in the dump nor in the manifest, so the drill still matches."""
    requestor = UserFactory()
    TicketFactory(requestor=requestor, title="Before")
    config = backups.BackupConfig.from_settings()
    conn = backups.backup_connection()
    original = backups.table_digests

    def digests_after_a_concurrent_write(pg):
        TicketFactory(requestor=requestor, title="Written during the backup")  # another connection, committed
        return original(pg)

    backups.table_digests = digests_after_a_concurrent_write
    try:
        created = backups.backup_set_create(conn=conn, config=config)
    finally:
        backups.table_digests = original
    assert created.manifest["tables"]["tickets_ticket"]["rows"] == 1

    remote = backups.Remote(config.remote)
    remote.push_dir(created.path, "full", created.name)
    result = backups.restore_drill(config=config, remote=remote, conn=conn, work_dir=backup_setup["local"] / "drill")
    assert result.ok, result.problems
    assert result.rows > 0 and result.files == 2


def test_monthly_drill_restores_the_newest_set_and_matches_its_manifest(postgres_only, backup_setup):
    admin = UserFactory(role="admin")
    for index in range(5):
        TicketFactory(requestor=admin, title=f"Door {index} squeaks")
    services.backup_run(reason="scheduled", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    TicketFactory(requestor=admin, title="Newest")
    newest = services.backup_run(reason="scheduled")
    # Another database's set on the same remote, newer still, is not this desk's to drill.
    other = backup_setup["remote"] / "full" / "hdms-otherdesk-29991231T235959Z"
    other.mkdir()
    (other / "manifest.json").write_text("{}")

    assert tasks.restore_drill.apply().get() == f"ok {newest.name}"

    drill = BackupRun.objects.get(kind=BackupRun.Kind.DRILL)
    assert drill.status == BackupRun.Status.OK and drill.name == newest.name
    assert drill.detail["problems"] == [] and drill.detail["files"] == 2
    assert drill.detail["tables"] == len(json.loads(
        (backup_setup["remote"] / "full" / newest.name / "manifest.json").read_text())["tables"])
    assert AuditEntry.objects.filter(action="backup.drill_passed", object_id=newest.name).count() == 1
    assert Notification.objects.filter(kind="ops.backup", user=admin, title="Restore drill passed").count() == 1
    assert scratch_databases() == []  # the scratch database is dropped
    assert not any((backup_setup["local"].parent / "drill").iterdir())  # downloads removed


def test_drill_fails_on_damaged_bytes(postgres_only, backup_setup):
    admin = UserFactory(role="admin")
    run = services.backup_run()
    target = backup_setup["remote"] / "full" / run.name / "db.dump.age"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))

    drill = services.restore_drill_run()

    assert drill.status == BackupRun.Status.FAILED
    assert "db.dump.age: sha256/size differ" in drill.error
    assert AuditEntry.objects.filter(action="backup.drill_failed", object_id=run.name).count() == 1
    note = Notification.objects.get(kind="ops.backup", user=admin, title="Restore drill FAILED")
    assert note.urgent is True
    assert scratch_databases() == []


def test_drill_fails_when_a_validly_encrypted_backup_holds_other_rows(postgres_only, backup_setup):
    """A replaced dump that decrypts and restores fine, whose artifact hashes were rewritten too, is
    still caught: one changed ticket title changes that table's md5."""
    UserFactory(role="admin")
    TicketFactory(requestor=UserFactory(), title="Original title")
    run = services.backup_run()
    set_dir = backup_setup["remote"] / "full" / run.name
    conn = backups.Connection.from_settings()
    forged_db = f"hdms_forge_{run.name[-7:-1].lower()}"
    try:
        backups.database_create(conn=conn, name=forged_db)
        subprocess.run(["age", "-d", "-i", str(backup_setup["identity"]), "-o", str(set_dir.parent / "orig.dump"),
                        str(set_dir / "db.dump.age")], check=True)
        backups.backup_restore(conn=conn.with_name(forged_db), path=set_dir.parent / "orig.dump")
        backups._psql(conn.with_name(forged_db), "UPDATE tickets_ticket SET title = 'Forged title'")
        backups._run(["pg_dump", *conn.args(), "-Fc", "-f", str(set_dir.parent / "forged.dump"), forged_db], conn)
    finally:
        backups.database_drop(conn=conn, name=forged_db)
    (set_dir.parent / "orig.dump").unlink()
    subprocess.run(["age", "-r", backup_setup["public"], "-o", str(set_dir / "db.dump.age"),
                    str(set_dir.parent / "forged.dump")], check=True)
    (set_dir.parent / "forged.dump").unlink()
    manifest = json.loads((set_dir / "manifest.json").read_text())
    manifest["artifacts"]["db.dump.age"] = {"bytes": (set_dir / "db.dump.age").stat().st_size,
                                            "sha256": backups._sha256_file(set_dir / "db.dump.age")}
    (set_dir / "manifest.json").write_text(json.dumps(manifest))

    drill = services.restore_drill_run()

    assert drill.status == BackupRun.Status.FAILED
    assert "table tickets_ticket: manifest" in drill.error
    # The forged title's new word joined the search vocabulary (a trigger): that table differs too.
    changed = ("table tickets_ticket", "table search_word")
    assert [p for p in drill.detail["problems"] if not p.startswith(changed)] == []
    assert scratch_databases() == []


def test_drill_fails_when_an_uploaded_file_differs(postgres_only, backup_setup):
    import io
    import tarfile

    UserFactory(role="admin")
    run = services.backup_run()
    set_dir = backup_setup["remote"] / "full" / run.name
    forged = io.BytesIO()
    with tarfile.open(fileobj=forged, mode="w") as tar:
        for relative in ("attachments/ab/report.pdf", "attachments/photo.jpg"):
            body = b"not the report" if relative.endswith(".pdf") else (backup_setup["files"] / relative).read_bytes()
            info = tarfile.TarInfo(relative)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    subprocess.run(["age", "-r", backup_setup["public"], "-o", str(set_dir / "files.tar.age")],
                   input=forged.getvalue(), check=True)
    manifest = json.loads((set_dir / "manifest.json").read_text())
    manifest["artifacts"]["files.tar.age"] = {"bytes": (set_dir / "files.tar.age").stat().st_size,
                                              "sha256": backups._sha256_file(set_dir / "files.tar.age")}
    (set_dir / "manifest.json").write_text(json.dumps(manifest))

    drill = services.restore_drill_run()

    assert drill.status == BackupRun.Status.FAILED
    assert drill.detail["problems"] == [drill.error] and drill.error.startswith("file attachments/ab/report.pdf:")


def test_restore_command_unpacks_a_set_into_a_new_database_and_files(postgres_only, backup_setup, tmp_path):
    from django.core.management import call_command

    TicketFactory(requestor=UserFactory(), title="Window cracked")
    run = services.backup_run()
    conn = backups.Connection.from_settings()
    name = f"hdms_restore_{run.name[-7:-1].lower()}"
    try:
        call_command("restore", "latest", database=name, files_into=str(tmp_path / "restored-files"))
        restored = conn.with_name(name)
        assert backups.table_checksum(restored, "tickets_ticket") == backups.table_checksum(conn, "tickets_ticket")
    finally:
        backups.database_drop(conn=conn, name=name)
    assert (tmp_path / "restored-files" / "attachments" / "ab" / "report.pdf").read_bytes() == (
        backup_setup["files"] / "attachments" / "ab" / "report.pdf").read_bytes()


NOW = dt.datetime(2026, 11, 20, 2, 15, tzinfo=dt.UTC)


def _set_name(days_ago: float) -> str:
    return f"hdms-hdms-{(NOW - dt.timedelta(days=days_ago)).strftime('%Y%m%dT%H%M%SZ')}"


def _base_name(days_ago: float) -> str:
    return f"base-{(NOW - dt.timedelta(days=days_ago)).strftime('%Y%m%dT%H%M%SZ')}"


def _dated_file(path: Path, days_ago: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"age-encryption.org/v1 fake")
    stamp = (NOW - dt.timedelta(days=days_ago)).timestamp()
    os.utime(path, (stamp, stamp))


def _fake_tree(root: Path) -> None:
    """Fulls of 40, 31, 29 and 1 days ago; base backups of 10, 8, 6 and 1 days ago, each with its
    WAL history file; WAL segments from 12 days ago to today."""
    for days in (40, 31, 29, 1):
        _dated_file(root / "full" / _set_name(days) / "manifest.json", days)
    for days in (10, 8, 6, 1):
        _dated_file(root / "base" / _base_name(days) / "info.json", days)
    # segment N written N... days ago; base backups of 8 and 6 days ago started in segments 05 and 07
    for index, days in enumerate((12, 11, 10, 9, 8.5, 8, 7.5, 6, 3, 0.1), start=1):
        _dated_file(root / "wal" / f"0000000100000000000000{index:02X}.age", days)
    _dated_file(root / "wal" / "000000010000000000000003.00000028.backup.age", 10)
    _dated_file(root / "wal" / "000000010000000000000006.00000028.backup.age", 8)
    _dated_file(root / "wal" / "000000010000000000000008.00000060.backup.age", 6)
    _dated_file(root / "wal" / "00000002.history.age", 20)


EXPECTED_PRUNE = {
    "full": [_set_name(40), _set_name(31)],
    "base": [_base_name(10)],
    # Older than 7 days AND before segment 06, where the base backup of 8 days ago starts (the newest
    # taken before the window opened, so every moment of the last 7 days stays recoverable).
    "wal": ["000000010000000000000001.age", "000000010000000000000002.age", "000000010000000000000003.age",
            "000000010000000000000003.00000028.backup.age", "000000010000000000000004.age",
            "000000010000000000000005.age"],
}


def test_retention_keeps_30_days_of_fulls_and_7_of_wal_here_and_on_the_remote(tmp_path, monkeypatch):
    monkeypatch.setenv("RCLONE_CONFIG_HDMSTEST_TYPE", "local")
    local, offsite = tmp_path / "local", tmp_path / "offsite"
    _fake_tree(local)
    _fake_tree(offsite)
    config = backups.BackupConfig(local_dir=local, wal_dir=local / "wal", recipients=("unused",), recipients_file="",
                                  identity_file="", remote=f"hdmstest:{offsite}", files_dir=None)
    before = {p.relative_to(offsite) for p in offsite.rglob("*") if p.is_file()}

    removed = backups.retention_apply(config=config, remote=backups.Remote(config.remote), now=NOW)

    for where in ("local", "remote"):
        assert sorted(removed[f"{where}_full"]) == EXPECTED_PRUNE["full"]
        assert sorted(removed[f"{where}_base"]) == EXPECTED_PRUNE["base"]
        assert sorted(removed[f"{where}_wal"]) == sorted(EXPECTED_PRUNE["wal"])
    for root in (local, offsite):
        assert sorted(p.name for p in (root / "full").iterdir()) == [_set_name(29), _set_name(1)]
        assert sorted(p.name for p in (root / "base").iterdir()) == [_base_name(8), _base_name(6), _base_name(1)]
        left = sorted(p.name for p in (root / "wal").iterdir())
        assert not set(EXPECTED_PRUNE["wal"]) & set(left)
        assert "00000002.history.age" in left and "0000000100000000000000" + "0A.age" in left
    after = {p.relative_to(offsite) for p in offsite.rglob("*") if p.is_file()}
    assert len(before) - len(after) == 2 + 1 + len(EXPECTED_PRUNE["wal"])


def test_retention_never_deletes_the_newest_full_and_keeps_wal_a_stale_base_backup_needs():
    old_sets = [_set_name(90), _set_name(60)]
    assert backups.sets_to_prune(old_sets, keep_days=30, keep_min=1, now=NOW) == [_set_name(90)]
    # Base backups have failed for 10 days: the last one (10 days old) and all WAL since it are kept.
    wal = [("000000010000000000000001.age", NOW - dt.timedelta(days=11)),
           ("000000010000000000000002.00000028.backup.age", NOW - dt.timedelta(days=10)),
           ("000000010000000000000002.age", NOW - dt.timedelta(days=10)),
           ("000000010000000000000003.age", NOW - dt.timedelta(days=9))]
    assert backups.wal_to_prune(wal, keep_days=7, now=NOW) == ["000000010000000000000001.age"]
    assert backups.bases_to_prune([_base_name(10)], keep_days=7, now=NOW) == []
    # Without any base backup, WAL simply ages out after 7 days.
    assert backups.wal_to_prune(wal[:1] + wal[2:], keep_days=7, now=NOW) == [name for name, _ in wal[:1] + wal[2:]]


def test_the_beat_schedule_runs_the_backup_nightly_and_the_drill_monthly():
    from celery.schedules import crontab

    from hdms.celery import app

    schedule = app.conf.beat_schedule
    daily, drill = schedule["ops-backup-daily"], schedule["ops-restore-drill-monthly"]
    assert daily["task"] == "ops.backup_daily" and drill["task"] == "ops.restore_drill"
    assert daily["schedule"] == crontab(minute=15, hour=2)
    assert drill["schedule"] == crontab(minute=30, hour=3, day_of_month=2)
    assert {"ops.backup_daily", "ops.restore_drill"} <= set(app.tasks)

"""Backups, the plain pg_dump primitives: dump, restore, checksums, retention (DESIGN §7, issue 7).
The encrypted nightly sets, rclone and the drill are in test_backup_sets.py."""

import datetime as dt
import secrets

import pytest
from django.core.management import call_command
from django.db import connection

from hdms.ops import backups
from hdms.testing.factories import UserFactory
from hdms.testing.factories_tickets import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database_name():
    name = f"hdms_restore_{secrets.token_hex(4)}"
    yield name
    backups.database_drop(conn=backups.Connection.from_settings(), name=name)


def test_restore_drill_gives_identical_counts_and_tickets_checksum(postgres_only, tmp_path, fresh_database_name):
    requestor = UserFactory()
    for index in range(25):
        TicketFactory(requestor=requestor, title=f"Projector {index} flickers")
    backups.backup_create(conn=backups.Connection.from_settings(), directory=tmp_path)
    (dump,) = tmp_path.glob("hdms-*.dump")
    assert dump.stat().st_size > 0
    assert backups.backup_verify(dump)

    call_command("restore", str(dump), database=fresh_database_name)

    source = backups.Connection.from_settings()
    restored = source.with_name(fresh_database_name)
    source_counts, restored_counts = backups.table_counts(source), backups.table_counts(restored)
    assert restored_counts == source_counts
    assert restored_counts["tickets_ticket"] == 25
    assert backups.table_checksum(restored, "tickets_ticket") == backups.table_checksum(source, "tickets_ticket")
    assert backups.table_checksum(restored, "users_user") == backups.table_checksum(source, "users_user")


def test_checksum_sees_a_changed_row(postgres_only, tmp_path, fresh_database_name):
    TicketFactory(requestor=UserFactory(), title="Leaking roof")
    dump = backups.backup_create(conn=backups.Connection.from_settings(), directory=tmp_path)
    call_command("restore", str(dump), database=fresh_database_name)
    restored = backups.Connection.from_settings().with_name(fresh_database_name)
    before = backups.table_checksum(restored, "tickets_ticket")
    backups._psql(restored, "UPDATE tickets_ticket SET title = 'Leaking roof!'")
    assert backups.table_checksum(restored, "tickets_ticket") != before


def test_restore_refuses_a_damaged_backup(postgres_only, tmp_path, fresh_database_name):
    UserFactory()
    dump = backups.backup_create(conn=backups.Connection.from_settings(), directory=tmp_path)
    with dump.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00garbage\x00")
    with pytest.raises(RuntimeError, match="does not match"):
        backups.backup_restore(conn=backups.Connection.from_settings().with_name(fresh_database_name), path=dump)


def test_retention_deletes_old_backups_but_keeps_the_newest(tmp_path):
    now = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    for days_ago in (40, 35, 31, 20, 1):
        stamp = (now - dt.timedelta(days=days_ago)).strftime("%Y%m%dT%H%M%SZ")
        (tmp_path / f"hdms-hdms-{stamp}.dump").write_bytes(b"x")
        (tmp_path / f"hdms-hdms-{stamp}.dump.sha256").write_text("x")
    (tmp_path / "hdms-other-20200101T000000Z.dump").write_bytes(b"another database's backup")

    removed = backups.backup_prune(directory=tmp_path, db_name="hdms", keep_days=30, keep_count=2, now=now)

    assert len(removed) == 3
    left = sorted(p.name for p in tmp_path.glob("hdms-hdms-*.dump"))
    assert left == [f"hdms-hdms-{(now - dt.timedelta(days=d)).strftime('%Y%m%dT%H%M%SZ')}.dump" for d in (20, 1)]
    assert (tmp_path / "hdms-other-20200101T000000Z.dump").exists()
    assert not list(tmp_path.glob("*40*.sha256"))


def test_retention_keeps_the_newest_count_even_when_all_are_old(tmp_path):
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for days_ago in (90, 80, 70):
        stamp = (now - dt.timedelta(days=days_ago)).strftime("%Y%m%dT%H%M%SZ")
        (tmp_path / f"hdms-hdms-{stamp}.dump").write_bytes(b"x")
    backups.backup_prune(directory=tmp_path, db_name="hdms", keep_days=30, keep_count=1, now=now)
    assert len(list(tmp_path.glob("hdms-hdms-*.dump"))) == 1


def test_backup_is_named_by_database_and_utc_time(postgres_only, tmp_path):
    conn = backups.Connection.from_settings()
    path = backups.backup_create(conn=conn, directory=tmp_path, now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert path.name == f"hdms-{connection.settings_dict['NAME']}-20260102T030405Z.dump"
    assert path.read_bytes()[:5] == b"PGDMP"  # custom format (compressed)

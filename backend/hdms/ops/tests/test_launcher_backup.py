"""The launcher takes a backup before ``migrate`` (deploy/launch.py through
hdms.ops.launcher.migrate_with_backup), with production settings on a throw-away database."""

import json
import secrets
import subprocess
import sys

import pytest

from hdms.ops.launcher import BACKEND_DIR, migrate_with_backup
from hdms.ops.tests.test_backup_sets import age_keypair
from hdms.ops.tests.topology import postgres_admin_url, psql, with_database

MANAGE = [sys.executable, str(BACKEND_DIR / "manage.py")]


@pytest.fixture
def launcher_env(tmp_path):
    admin_url = with_database(postgres_admin_url(), "postgres")
    name = f"hdms_launch_{secrets.token_hex(4)}"
    psql(admin_url, f"CREATE DATABASE {name}")
    identity, public = age_keypair(tmp_path)
    (tmp_path / "offsite").mkdir()
    env = {key: value for key, value in __import__("os").environ.items() if not key.startswith("PYTEST")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "hdms.settings.production",
        "HDMS_SECRET_KEY": secrets.token_urlsafe(48),
        "HDMS_CLAMD_URL": "tcp://127.0.0.1:9",  # settings only; nothing is scanned here
        "DATABASE_URL": with_database(admin_url, name),
        "HDMS_DATA_DIR": str(tmp_path / "data"),
        "HDMS_BACKUP_AGE_RECIPIENTS": public,
        "HDMS_BACKUP_AGE_IDENTITY_FILE": str(identity),
        "RCLONE_CONFIG_LAUNCHTEST_TYPE": "local",
        "HDMS_BACKUP_RCLONE_REMOTE": f"launchtest:{tmp_path / 'offsite'}",
    })
    yield env, with_database(admin_url, name), tmp_path
    psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sets(tmp_path):
    full = tmp_path / "offsite" / "full"
    return sorted(p.name for p in full.iterdir()) if full.exists() else []


def test_backup_is_taken_before_migrate_and_only_when_there_is_something_to_migrate(launcher_env):
    env, url, tmp_path = launcher_env
    psql(url, "CREATE TABLE legacy_notes (id int PRIMARY KEY, body text); INSERT INTO legacy_notes VALUES (1, 'x')")

    assert migrate_with_backup(MANAGE, env) is True

    (name,) = _sets(tmp_path)
    manifest = json.loads((tmp_path / "offsite" / "full" / name / "manifest.json").read_text())
    # Taken before migrate: the database held only what was there, none of the desk's tables.
    assert manifest["reason"] == "pre-migrate"
    assert set(manifest["tables"]) == {"legacy_notes"} and manifest["tables"]["legacy_notes"]["rows"] == 1
    assert int(psql(url, "SELECT count(*) FROM django_migrations")) > 0

    # Nothing left to migrate: no second backup.
    assert migrate_with_backup(MANAGE, env) is False
    assert _sets(tmp_path) == [name]


def test_a_failing_backup_stops_the_launcher_before_anything_is_migrated(launcher_env):
    env, url, tmp_path = launcher_env
    env["HDMS_BACKUP_AGE_RECIPIENTS"] = ""  # no key: the backup refuses

    with pytest.raises(subprocess.CalledProcessError) as failed:
        migrate_with_backup(MANAGE, env)

    assert "backup" in failed.value.cmd
    assert psql(url, "SELECT to_regclass('public.django_migrations') IS NULL") == "t"
    assert _sets(tmp_path) == []


def test_launch_py_refuses_to_start_when_the_pre_migrate_backup_fails(launcher_env):
    env, url, tmp_path = launcher_env
    env["HDMS_BACKUP_RCLONE_REMOTE"] = "nosuchremote:/x"
    result = subprocess.run([sys.executable, str(BACKEND_DIR.parent / "deploy" / "launch.py"), "--skip-checks",
                             "--run-dir", str(tmp_path / "run")], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "pre-migrate backup failed, so nothing was migrated" in result.stderr
    assert psql(url, "SELECT to_regclass('public.django_migrations') IS NULL") == "t"

"""The application's database role cannot TRUNCATE, UPDATE or DELETE the audit log (DESIGN §7).

A fresh PostgreSQL database with two roles, as deploy/README.md sets them up: ``manage.py migrate``
runs as the owner (HDMS_MIGRATION_DATABASE_URL) and grants the application role (DATABASE_URL)
its rights; then a connection as the application role tries to rewrite history, and fails.
"""

import secrets
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.db import connection

from hdms.testing.desk import BACKEND_DIR, desk_env


def _url(role: str, database: str) -> str:
    params = connection.settings_dict
    return f"postgres://{role}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{database}"


@pytest.fixture
def two_role_database(postgres_only, tmp_path):
    suffix = secrets.token_hex(4)
    owner, app, database = f"hdms_owner_{suffix}", f"hdms_app_{suffix}", f"hdms_roles_{suffix}"
    admin_url = _url(connection.settings_dict["USER"] or "root", "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'CREATE ROLE "{app}" LOGIN')
        admin.execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    try:
        env = desk_env(tmp_path, DJANGO_SETTINGS_MODULE="hdms.settings.test",
                       DATABASE_URL=_url(app, database), HDMS_MIGRATION_DATABASE_URL=_url(owner, database))
        migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=BACKEND_DIR, env=env,
                                  capture_output=True, text=True, timeout=600)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        assert f"Granted the application's rights to {app} (audit log" in migrated.stdout
        yield {"owner": owner, "app": app, "app_url": _url(app, database), "owner_url": _url(owner, database)}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{app}"')
            admin.execute(f'DROP ROLE IF EXISTS "{owner}"')


def _refused(app_url: str, statement: str, params: tuple = ()) -> None:
    with psycopg.connect(app_url) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(statement, params)


def test_the_application_role_cannot_truncate_update_or_delete_the_audit_log(two_role_database):
    roles = two_role_database
    entry_id = uuid.uuid4()
    with psycopg.connect(roles["app_url"], autocommit=True) as app:
        owner = app.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditentry'").fetchone()[0]
        assert owner == roles["owner"]
        # What the desk does: read and append entries, and flag them archived.
        app.execute(
            "INSERT INTO audit_auditentry (id, created_at, actor_code, actor_name, action, object_type, object_id, "
            "reason, request_id, ip, archived) VALUES (%s, now(), 'admin1', 'Admin', 'test.event', 'thing', '1', "
            "'', '', '', false)", (entry_id,))
        assert app.execute("UPDATE audit_auditentry SET archived = true WHERE id = %s", (entry_id,)).rowcount == 1
        # And everything else it needs on the other tables.
        app.execute("UPDATE users_department SET name = name WHERE false")
        app.execute("DELETE FROM users_refreshtoken WHERE false")
    _refused(roles["app_url"], "TRUNCATE audit_auditentry")
    _refused(roles["app_url"], "UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", (entry_id,))
    _refused(roles["app_url"], "DELETE FROM audit_auditentry WHERE id = %s", (entry_id,))
    _refused(roles["app_url"], "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL")
    _refused(roles["app_url"], "DROP TABLE audit_auditentry")
    with psycopg.connect(roles["owner_url"]) as owner:
        assert owner.execute("SELECT action FROM audit_auditentry WHERE id = %s", (entry_id,)).fetchone() == (
            "test.event",)


def test_the_project_migrate_command_is_the_one_that_grants():
    from django.core.management import get_commands

    assert get_commands()["migrate"] == "hdms.ops"

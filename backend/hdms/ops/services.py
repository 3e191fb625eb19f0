"""Writes of the ops app: task probes (benchmarks, topology test), backup runs and restore drills."""

import datetime as dt
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.context import request_id_var, user_id_var
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind
from hdms.core.roles import Role
from hdms.ops import backups
from hdms.ops.models import BackupRun, TaskProbe
from hdms.users import selectors as users_selectors

logger = logging.getLogger("hdms.ops.backups")


def task_probe_record(*, key: str) -> TaskProbe:
    """Idempotent: a redelivered task finds its row and only counts the extra attempt."""
    with transaction.atomic():
        probe, created = TaskProbe.objects.get_or_create(
            key=key,
            defaults={"request_id": request_id_var.get(), "user_id": user_id_var.get(), "worker_pid": os.getpid()},
        )
        if not created:
            TaskProbe.objects.filter(pk=probe.pk).update(attempts=F("attempts") + 1)
    return probe


# --- Backups (architecture §22; deploy/README.md, "Backups: RPO and RTO") ---------------------

BOOKKEEPING_TABLES = {"ops_backup_run", "audit_auditentry", "users_user", "communication_notification"}


def _bookkeeping_ready() -> bool:
    """False before the first ``migrate`` (the launcher's pre-migrate backup of a new database):
    then the run is only reported on standard output and in the log."""
    return set(connection.introspection.table_names()) >= BOOKKEEPING_TABLES


def _tell_admins(*, kind: str, title: str, body: str, urgent: bool) -> None:
    admins = users_selectors.user_ids_with_role(roles=[Role.ADMIN])
    if admins:
        publish_on_commit("notification.requested", user_ids=admins, kind=kind, title=title, body=body,
                          ticket_id=None, urgent=urgent, actor_id=None)


def _finish(run: BackupRun | None, *, ok: bool, started: float, name: str, detail: dict, error: str,
            action: str, title: str, body: str) -> None:
    seconds = round(time.monotonic() - started, 2)
    level = logging.INFO if ok else logging.ERROR
    logger.log(level, "%s: %s", title, body, extra={"backup": name, "seconds": seconds})
    if run is None:
        return
    run.status = BackupRun.Status.OK if ok else BackupRun.Status.FAILED
    run.name, run.detail, run.error = name, detail, error[:8000]
    run.finished_at, run.seconds = timezone.now(), seconds
    run.save(update_fields=["status", "name", "detail", "error", "finished_at", "seconds", "updated_at"])
    audit_record(action=action, object_type="backup", object_id=name[:64] or str(run.id),
                 after={"run": str(run.id), "seconds": seconds, **detail}, reason=error[:2000])
    _tell_admins(kind=NotificationKind.OPS_BACKUP, title=title, body=body, urgent=not ok)


def backup_run(*, reason: str = "scheduled", now: dt.datetime | None = None) -> BackupRun | None:
    """The daily full backup: encrypted set, base backup for point-in-time recovery when
    ``HDMS_BACKUP_BASE_URL`` is set, copy to the rclone remote, retention here and there; the
    outcome is recorded, audited and sent to every admin. Returns the run (None before migrate)."""
    started = time.monotonic()
    run = BackupRun.objects.create(kind=BackupRun.Kind.BACKUP, reason=reason) if _bookkeeping_ready() else None
    name = ""
    detail: dict[str, object] = {"reason": reason}
    try:
        config = backups.BackupConfig.from_settings()
        config.encrypt_argv()  # fail before dumping anything when no key is configured
        remote = backups.Remote(config.remote) if config.remote else None
        created = backups.backup_set_create(conn=backups.backup_connection(), config=config, now=now, reason=reason)
        name = created.name
        detail.update({
            "local": str(created.path), "tables": len(created.manifest["tables"]),
            "rows": sum(t["rows"] for t in created.manifest["tables"].values()),
            "files": len(created.manifest["files"]),
            "bytes": sum(a["bytes"] for a in created.manifest["artifacts"].values()),
        })
        if remote is None:
            raise backups.BackupError("No off-site copy: HDMS_BACKUP_RCLONE_REMOTE is not set, the backup "
                                      f"{name} stays on this machine only.")
        remote.push_dir(created.path, "full", name)
        detail["remote"] = remote.path("full", name)
        if settings.HDMS_BACKUP_BASE_URL:
            base_conn = backups.connection_from_url(settings.HDMS_BACKUP_BASE_URL)
            detail["base"] = backups.base_backup_create(conn=base_conn, config=config, remote=remote, now=now).name
        pruned = backups.retention_apply(config=config, remote=remote, now=now)
        detail["pruned"] = {where: len(names) for where, names in pruned.items()}
    except Exception as exc:  # every failure is reported, whatever raised it
        error = f"{type(exc).__name__}: {exc}"
        _finish(run, ok=False, started=started, name=name, detail=detail, error=error, action="backup.failed",
                title="Backup FAILED", body=f"{name or 'The backup'} failed: {error[:400]}")
        raise
    _finish(run, ok=True, started=started, name=name, detail=detail, error="", action="backup.succeeded",
            title="Backup completed",
            body=f"{name}: {detail['tables']} tables, {detail['rows']} rows, {detail['files']} files, "
                 f"{detail['bytes']} bytes encrypted, copied to {detail['remote']}.")
    return run


def restore_drill_run(*, name: str | None = None) -> BackupRun:
    """The monthly drill: the newest set on the remote restored into a scratch database and compared
    with its manifest (hdms.ops.backups.restore_drill); recorded, audited, sent to the admins."""
    started = time.monotonic()
    run = BackupRun.objects.create(kind=BackupRun.Kind.DRILL, reason="scheduled" if name is None else "manual")
    result = None
    try:
        config = backups.BackupConfig.from_settings()
        remote = backups.Remote(config.remote)
        work = Path(settings.HDMS_BACKUP_DRILL_DIR) if settings.HDMS_BACKUP_DRILL_DIR else config.local_dir / "drill"
        work.mkdir(parents=True, exist_ok=True)
        result = backups.restore_drill(config=config, remote=remote, conn=backups.backup_connection(),
                                       work_dir=work, name=name)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, whatever raised it
        error = f"{type(exc).__name__}: {exc}"
        _finish(run, ok=False, started=started, name=name or "", detail={}, error=error,
                action="backup.drill_failed", title="Restore drill FAILED",
                body=f"The restore drill failed: {error[:400]}")
        return run
    detail = {"tables": result.tables, "rows": result.rows, "files": result.files, "seconds": result.seconds,
              "problems": result.problems}
    if result.ok:
        _finish(run, ok=True, started=started, name=result.name, detail=detail, error="", action="backup.drill_passed",
                title="Restore drill passed",
                body=f"{result.name} restored into a scratch database: {result.tables} tables, {result.rows} rows "
                     f"and {result.files} files match the manifest.")
    else:
        error = "; ".join(result.problems)
        _finish(run, ok=False, started=started, name=result.name, detail=detail, error=error,
                action="backup.drill_failed", title="Restore drill FAILED",
                body=f"{result.name} did not restore as it was backed up: {error[:400]}")
    return run

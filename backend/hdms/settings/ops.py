"""Settings of backups (architecture §22), imported by hdms.settings.base. deploy/README.md,
"Backups: RPO and RTO", is the procedure; docs/decisions.md says why age and rclone.

- Encryption: age, to the public keys in ``HDMS_BACKUP_AGE_RECIPIENTS`` (comma-separated
  ``age1...``) and/or the recipients file ``HDMS_BACKUP_AGE_RECIPIENTS_FILE``. Only the restore
  drill and a restore need the private key, ``HDMS_BACKUP_AGE_IDENTITY_FILE`` (mode 0600; keep a
  second copy offline: without it no backup can be read).
- Off the machine: rclone to ``HDMS_BACKUP_RCLONE_REMOTE`` (``remote:path``; the remote is defined in
  rclone's config file, ``RCLONE_CONFIG``, or by ``RCLONE_CONFIG_<NAME>_*`` variables). Empty keeps
  backups on this machine only, and every backup run reports that as a failure.
- Layout, locally under ``HDMS_BACKUP_DIR`` and on the remote: ``full/hdms-<db>-<UTC stamp>/``
  (``db.dump.age``, ``files.tar.age``, ``manifest.json``) and ``wal/<segment>.age`` (written by
  deploy/postgresql/wal-archive.sh, locally into ``HDMS_BACKUP_WAL_DIR``).
"""

import environ
from celery.schedules import crontab

env = environ.Env()

# Off in embedded mode (SQLite, no pg_dump); hdms/settings/embedded.py turns it off.
HDMS_BACKUPS_ENABLED = env.bool("HDMS_BACKUPS", default=True)
HDMS_BACKUP_DIR = env.str("HDMS_BACKUP_DIR", default="")  # empty: DATA_DIR/backups
HDMS_BACKUP_WAL_DIR = env.str("HDMS_BACKUP_WAL_DIR", default="")  # empty: HDMS_BACKUP_DIR/wal
HDMS_BACKUP_AGE_RECIPIENTS = env.list("HDMS_BACKUP_AGE_RECIPIENTS", default=[])
HDMS_BACKUP_AGE_RECIPIENTS_FILE = env.str("HDMS_BACKUP_AGE_RECIPIENTS_FILE", default="")
HDMS_BACKUP_AGE_IDENTITY_FILE = env.str("HDMS_BACKUP_AGE_IDENTITY_FILE", default="")
HDMS_BACKUP_RCLONE_REMOTE = env.str("HDMS_BACKUP_RCLONE_REMOTE", default="")
# The uploaded files' directory; empty: the attachment storage's directory when it is local disk
# (an object store such as S3 keeps its own versions and is not copied).
HDMS_BACKUP_FILES_DIR = env.str("HDMS_BACKUP_FILES_DIR", default="")
# A connection straight to PostgreSQL for pg_dump (not through PgBouncer); empty: DATABASE_URL.
HDMS_BACKUP_DATABASE_URL = env.str("HDMS_BACKUP_DATABASE_URL", default="")
# Point-in-time recovery: a role with REPLICATION for the nightly pg_basebackup, e.g.
# postgres://hdms_backup:...@127.0.0.1:5432/postgres; empty: no base backups (dumps and WAL only).
HDMS_BACKUP_BASE_URL = env.str("HDMS_BACKUP_BASE_URL", default="")
# Retention (architecture §22): fulls 30 days, WAL 7 days; the newest full is always kept.
HDMS_BACKUP_KEEP_FULL_DAYS = env.int("HDMS_BACKUP_KEEP_FULL_DAYS", default=30)
HDMS_BACKUP_KEEP_WAL_DAYS = env.int("HDMS_BACKUP_KEEP_WAL_DAYS", default=7)
HDMS_BACKUP_KEEP_FULL_MIN = env.int("HDMS_BACKUP_KEEP_FULL_MIN", default=1)
# Scratch directory of the restore drill (downloads, decrypted dump, unpacked files).
HDMS_BACKUP_DRILL_DIR = env.str("HDMS_BACKUP_DRILL_DIR", default="")

# Times are CELERY_TIMEZONE (Asia/Karachi): 02:15 every night, the drill at 03:30 on the 2nd
# (the audit archiving runs at 02:30 on the 1st).
HDMS_OPS_BEAT_SCHEDULE = {
    "ops-backup-daily": {
        "task": "ops.backup_daily",
        "schedule": crontab(minute=15, hour=2),
        "options": {"queue": "low"},
    },
    "ops-restore-drill-monthly": {
        "task": "ops.restore_drill",
        "schedule": crontab(minute=30, hour=3, day_of_month=2),
        "options": {"queue": "low"},
    },
}

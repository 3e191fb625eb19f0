"""``manage.py pitr_prepare DATA_DIR --target-time T``: lay out an empty PostgreSQL data directory
for point-in-time recovery from the off-site base backups and WAL (deploy/README.md, "Backups")."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hdms.ops import backups


class Command(BaseCommand):
    help = ("Fetch the newest base backup taken before --target-time from the rclone remote, decrypt "
            "and unpack it into DATA_DIR, and set restore_command, recovery_target_time and "
            "recovery.signal. Then chown DATA_DIR to postgres and start PostgreSQL on it.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("data_dir", help="an empty directory (the new cluster's data directory)")
        parser.add_argument("--target-time", required=True,
                            help="ISO 8601 with a zone, e.g. '2026-12-04 09:41:00+05:00'")
        parser.add_argument("--restore-env", default="/etc/hdms/backup.env",
                            help="the KEY=value file wal-restore.sh reads (identity file, remote)")
        parser.add_argument("--restore-script",
                            default=str(Path(settings.REPO_DIR) / "deploy" / "postgresql" / "wal-restore.sh"))
        parser.add_argument("--port", help="the recovered cluster's port (default: the base backup's)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            target = dt.datetime.fromisoformat(str(options["target_time"]))
        except ValueError as exc:
            raise CommandError(f"--target-time: {exc}") from exc
        if target.tzinfo is None:
            raise CommandError("--target-time needs a zone (e.g. +05:00 or Z): recovery is to an instant.")
        config = backups.BackupConfig.from_settings()
        extra = {"port": str(options["port"])} if options["port"] else {}
        try:
            name = backups.pitr_prepare(
                config=config, remote=backups.Remote(config.remote), data_dir=Path(str(options["data_dir"])),
                target_time=target, extra_settings=extra,
                restore_command=f"{options['restore_script']} {options['restore_env']} %f %p")
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{options['data_dir']}: base backup {name}, recovery to {target.isoformat()} "
                          "prepared; chown -R postgres: it, then start PostgreSQL on it")

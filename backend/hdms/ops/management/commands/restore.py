"""``manage.py restore``: restore a backup set (or a plain ``.dump``) into a database."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hdms.ops import backups


class Command(BaseCommand):
    help = ("Restore a backup: a backup set directory (hdms-<db>-<stamp>/, decrypted with "
            "HDMS_BACKUP_AGE_IDENTITY_FILE), 'latest' (the newest set on the rclone remote) or a plain "
            "pg_dump -Fc file. Without --into-current it creates the database named by --database.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="a backup set directory, 'latest', or a .dump file")
        parser.add_argument("--database", help="name of a NEW database to create and restore into")
        parser.add_argument("--into-current", action="store_true",
                            help="replace the objects of the configured database (disaster recovery)")
        parser.add_argument("--files-into", help="also unpack the uploaded files into this directory")
        parser.add_argument("--jobs", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        conn = backups.Connection.from_settings()
        if options["into_current"] == bool(options["database"]):
            raise CommandError("Give exactly one of --database NEW_NAME or --into-current.")
        with tempfile.TemporaryDirectory(prefix="hdms-restore-") as scratch:
            try:
                dump, files_tar = self._resolve(str(options["source"]), Path(scratch))
            except backups.BackupError as exc:
                raise CommandError(str(exc)) from exc
            target = conn.with_name(str(options["database"])) if options["database"] else conn
            if options["database"]:
                backups.database_create(conn=conn, name=target.name)
            backups.backup_restore(conn=target, path=dump, jobs=int(options["jobs"]))
            if options["files_into"]:
                if files_tar is None:
                    raise CommandError("--files-into needs a backup set (a plain .dump holds no files).")
                files = backups.files_restore(config=backups.BackupConfig.from_settings(), source=files_tar,
                                              target=Path(str(options["files_into"])))
                self.stdout.write(f"unpacked {len(files)} files into {options['files_into']}")
        counts = backups.table_counts(target)
        self.stdout.write(f"restored {options['source']} into {target.name}: {len(counts)} tables, "
                          f"{sum(counts.values())} rows")

    @staticmethod
    def _resolve(source: str, scratch: Path) -> tuple[Path, Path | None]:
        config = backups.BackupConfig.from_settings()
        if source == "latest":
            remote = backups.Remote(config.remote)
            name = backups.latest_remote_set(remote, backups.Connection.from_settings().name)
            remote.fetch_dir(scratch / name, "full", name)
            source = str(scratch / name)
        path = Path(source)
        if not path.exists():
            raise CommandError(f"No such backup: {path}")
        if path.is_file():
            return path, None
        return backups.backup_set_open(config=config, set_dir=path, scratch=scratch)

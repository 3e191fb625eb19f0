"""``manage.py restore FILE``: restore a backup into a database (a fresh one by default)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hdms.ops import backups


class Command(BaseCommand):
    help = "Restore a pg_dump -Fc backup. Without --into-current it creates the database named by --database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a .dump file, or 'latest' for the newest in the backup directory")
        parser.add_argument("--database", help="name of a NEW database to create and restore into")
        parser.add_argument("--into-current", action="store_true",
                            help="replace the objects of the configured database (disaster recovery)")
        parser.add_argument("--jobs", type=int, default=2)

    def handle(self, *args: object, **options: object) -> None:
        conn = backups.Connection.from_settings()
        path = self._resolve(str(options["file"]), conn.name)
        if options["into_current"] == bool(options["database"]):
            raise CommandError("Give exactly one of --database NEW_NAME or --into-current.")
        if options["database"]:
            target = conn.with_name(str(options["database"]))
            backups.database_create(conn=conn, name=target.name)
        else:
            target = conn
        backups.backup_restore(conn=target, path=path, jobs=int(options["jobs"]))  # type: ignore[arg-type]
        counts = backups.table_counts(target)
        self.stdout.write(f"restored {path.name} into {target.name}: {len(counts)} tables, "
                          f"{sum(counts.values())} rows")

    @staticmethod
    def _resolve(name: str, db_name: str) -> Path:
        if name != "latest":
            path = Path(name)
            if not path.exists():
                raise CommandError(f"No such backup: {path}")
            return path
        found = backups.backup_list(backups.backup_dir(), db_name)
        if not found:
            raise CommandError(f"No backup of {db_name} in {backups.backup_dir()}")
        return found[-1][1]

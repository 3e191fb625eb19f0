"""``manage.py backup``: compressed pg_dump of the database, then retention."""

from pathlib import Path

from django.core.management.base import BaseCommand

from hdms.ops import backups


class Command(BaseCommand):
    help = "Dump the PostgreSQL database (pg_dump -Fc, compressed) and prune old backups."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", default=None, help="default: $HDMS_BACKUP_DIR or <data dir>/backups")
        parser.add_argument("--keep-days", type=int, default=30, help="delete backups older than this")
        parser.add_argument("--keep-count", type=int, default=7, help="but always keep the newest N")
        parser.add_argument("--compress", type=int, default=6, choices=range(0, 10))

    def handle(self, *args: object, **options: object) -> None:
        directory = Path(str(options["dir"])) if options["dir"] else backups.backup_dir()
        conn = backups.Connection.from_settings()
        path = backups.backup_create(conn=conn, directory=directory, compress=int(options["compress"]))  # type: ignore[arg-type]
        removed = backups.backup_prune(directory=directory, db_name=conn.name, keep_days=int(options["keep_days"]),  # type: ignore[arg-type]
                                       keep_count=int(options["keep_count"]))  # type: ignore[arg-type]
        self.stdout.write(f"backup {path} ({path.stat().st_size} bytes); pruned {len(removed)}")

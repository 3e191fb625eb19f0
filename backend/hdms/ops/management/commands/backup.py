"""``manage.py backup``: the full backup the nightly task runs (encrypted set, off-site copy,
retention, admins told, audited). Exits 1 when it failed, so the launcher does not migrate."""

from django.core.management.base import BaseCommand, CommandError

from hdms.ops import services


class Command(BaseCommand):
    help = "Encrypted backup of the database and the uploaded files, copied off the machine (deploy/README.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reason", default="manual", help="recorded with the run: manual, pre-migrate, ...")

    def handle(self, *args: object, **options: object) -> None:
        try:
            run = services.backup_run(reason=str(options["reason"]))
        except Exception as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        if run is None:
            self.stdout.write("backup done (database not migrated yet: not recorded in ops_backup_run)")
        else:
            self.stdout.write(f"backup {run.name}: {run.detail}")

"""Run the SMS sync once (what the admin's "Run now" and the beat schedule do), print the run."""

from django.core.management.base import BaseCommand

from hdms.users.sms import users_sync_run


class Command(BaseCommand):
    help = "Sync users from the School Management System once (--dry-run: report only)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        run = users_sync_run(by=None, trigger="manual", dry_run=options["dry_run"])
        self.stdout.write(f"SMS sync {run.status}: created {run.created}, updated {run.updated}, "
                          f"deactivated {run.deactivated}, unchanged {run.unchanged}, refused {run.refused}")
        for row in run.rows:
            self.stdout.write(f"  {row['outcome']:<11} {row['employee_code']} {row['reason']}")

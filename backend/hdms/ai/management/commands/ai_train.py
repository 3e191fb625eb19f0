"""``manage.py ai_train``: train a model version now, in this process (``make run`` does it after
seeding the demo history, so a newcomer sees real suggestions; beat does it nightly in a worker)."""

from django.core.management.base import BaseCommand

from hdms.ai.selectors import active_version_key
from hdms.ai.services import model_train_run


class Command(BaseCommand):
    help = "Train the ai service's models on the desk's history (DESIGN §12)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-missing", action="store_true", help="only when no version is served yet")
        parser.add_argument("--trigger", default="admin", choices=("admin", "nightly", "demo"))

    def handle(self, *args: object, **options: object) -> None:
        if options["if_missing"] and active_version_key() is not None:
            self.stdout.write("A model version is already served; nothing to do.")
            return
        version = model_train_run(trigger=str(options["trigger"]))
        departments = version.metrics.get("departments", {})
        self.stdout.write(
            f"v{version.number}: {version.status}, {version.training_size} routed tickets"
            + (f", held-out top-1 {departments.get('top1_accuracy_answered')} where answered,"
               f" abstention {departments.get('abstention_rate')}" if departments else "")
        )

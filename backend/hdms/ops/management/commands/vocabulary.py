from django.core.management.base import BaseCommand

from hdms.ops.vocabulary import VOCABULARY_FILE, vocabulary_json


class Command(BaseCommand):
    help = "Print (or --write to frontend/lib/server-vocabulary.json) the kinds and codes clients render."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true")

    def handle(self, *args, write: bool = False, **options):
        text = vocabulary_json()
        if write:
            VOCABULARY_FILE.write_text(text)
            self.stdout.write(f"wrote {VOCABULARY_FILE}")
        else:
            self.stdout.write(text, ending="")

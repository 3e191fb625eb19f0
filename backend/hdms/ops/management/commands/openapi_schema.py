"""Write the OpenAPI schema of ``/api/v1/openapi.json`` without a running server.

The web app's TypeScript types are generated from it (scripts/api-types.sh), so the schema is the
one the API object builds for a process serving every service (``HDMS_SERVICE=all``).
"""

import json
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from hdms.api import api

PATH_PREFIX = "/api/v1/"  # where hdms/urls.py mounts the API


def openapi_schema() -> dict[str, Any]:
    """The schema exactly as GET /api/v1/openapi.json serves it, as plain JSON values."""
    schema = api.get_openapi_schema(path_prefix=PATH_PREFIX)
    return json.loads(json.dumps(schema, cls=DjangoJSONEncoder))


class Command(BaseCommand):
    help = "Print (or write to --output) the API's OpenAPI schema, as served at /api/v1/openapi.json."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HDMS_SERVICE != "all":
            raise CommandError(f"HDMS_SERVICE={settings.HDMS_SERVICE} mounts only part of the API; "
                               "run with HDMS_SERVICE=all for the whole schema.")
        text = json.dumps(openapi_schema(), indent=2, ensure_ascii=False) + "\n"
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)

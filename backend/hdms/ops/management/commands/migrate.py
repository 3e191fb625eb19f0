"""``manage.py migrate`` as the owner role, then the application role's grants (hdms/ops/database_roles.py).

With ``HDMS_MIGRATION_DATABASE_URL`` set, this process (it only migrates) connects as that role for
every query, data migrations included; afterwards the role of ``DATABASE_URL`` gets the
application's rights, and on the audit log no more than reading, inserting and archiving. Without
it nothing changes: one role owns and uses the tables (``make run``, the test suite).
"""

import environ
from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from hdms.ops.database_roles import grant_application_role


class Command(migrate.Command):
    def handle(self, *args: object, **options: object) -> None:
        owner_url = settings.HDMS_MIGRATION_DATABASE_URL
        app_role = ""
        if owner_url and options.get("database") == DEFAULT_DB_ALIAS:
            connection = connections[DEFAULT_DB_ALIAS]
            app_role = connection.settings_dict.get("USER") or ""
            owner = environ.Env.db_url_config(owner_url)
            connection.close()
            connection.settings_dict.update({key: owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})
            if owner["USER"] == app_role:
                app_role = ""  # one role for both: nothing to grant
        super().handle(*args, **options)
        if app_role and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            grant_application_role(role=app_role, using=DEFAULT_DB_ALIAS)
            if int(str(options.get("verbosity", 1))) >= 1:
                self.stdout.write(f"Granted the application's rights to {app_role} (audit log: read and insert only).")

"""Two database roles (DESIGN §7, "audit entries cannot be updated or deleted, even with SQL").

The *owner* role (``HDMS_MIGRATION_DATABASE_URL``) owns every table and runs the migrations; the
*application* role (``DATABASE_URL``) only gets the rights it needs. PostgreSQL lets a table's
owner TRUNCATE it, disable its triggers or drop it, so the role the desk runs as must not own the
append-only audit log: it may read and insert entries and flip ``archived`` (the monthly archiving
job; the trigger allows only false -> true), never UPDATE another column, DELETE or TRUNCATE.
"""

from django.db import connections

# Tables the application may only read and insert into, and the columns it may still update.
APPEND_ONLY_TABLES = {"audit_auditentry": ("archived",)}


def grant_application_role(*, role: str, using: str) -> None:
    """Give ``role`` the application's rights on every table of the schema, run as the owner."""
    connection = connections[using]
    quoted = connection.ops.quote_name(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]
    for table, updatable in APPEND_ONLY_TABLES.items():
        table_name = connection.ops.quote_name(table)
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table_name} FROM {quoted}")
        columns = ", ".join(connection.ops.quote_name(column) for column in updatable)
        statements.append(f"GRANT UPDATE ({columns}) ON {table_name} TO {quoted}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

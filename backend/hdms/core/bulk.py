"""Bulk inserts: of rows that carry their own history (the demo history, imports), and of a batch
whose rows differ in a few columns only (a notification to thirty people)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from django.db import connections, models, router
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let inserts keep the rows' own ``created_at``/``updated_at``: ``auto_now``/``auto_now_add``
    fields would otherwise stamp the moment of the insert. Not thread-safe; for commands."""
    changed = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, getattr(f, "auto_now", False), getattr(f, "auto_now_add", False)))
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]  # date fields only
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def insert_batch(model: type[M], rows: list[M], *, per_row: Sequence[str], skip_conflicts: bool = False) -> list[M]:
    """Insert ``rows`` (unsaved instances of ``model``) in one statement, and return those inserted.

    Only the fields named in ``per_row`` may differ between the rows: each is sent as one array
    (``unnest``), every other field once, from the first row; a row that differs in another field
    raises ``ValueError`` before anything is written. ``auto_now`` and ``auto_now_add`` fields get one
    timestamp for the batch. ``skip_conflicts``: a row that would break a unique constraint is left
    out (``ON CONFLICT DO NOTHING``) and not returned. ``bulk_create`` prepares every field of every
    row: 510 values for a notification to thirty people, half the worker's CPU for it
    (bench/RESULTS.md). PostgreSQL only (elsewhere: ``bulk_create``)."""
    if not rows:
        return []
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        if not skip_conflicts:
            return model._default_manager.using(alias).bulk_create(rows)
        raise NotImplementedError("insert_batch(skip_conflicts=True) needs PostgreSQL")
    fields = model._meta.concrete_fields
    varying = {field.attname for field in fields if field.name in per_row or field.attname in per_row}
    if len(varying) != len(set(per_row)):
        raise ValueError(f"insert_batch: per_row names fields {model.__name__} does not have: {per_row}")
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for row in rows:
                setattr(row, field.attname, now)
    first = rows[0]
    quote = connection.ops.quote_name
    columns, values, arrays, params = [], [], [], []
    for field in fields:
        columns.append(quote(field.column))
        if field.attname in varying:
            arrays.append(([field.get_db_prep_save(getattr(row, field.attname), connection) for row in rows],
                           field.db_type(connection)))
            values.append(f"batch.c{len(arrays)}")
            continue
        value = getattr(first, field.attname)
        if any(getattr(row, field.attname) != value for row in rows):
            raise ValueError(f"insert_batch: {field.name} differs between the rows but is not in per_row")
        values.append(f"%s::{field.db_type(connection)}")
        params.append(field.get_db_prep_save(value, connection))
    unnest = ", ".join(f"%s::{kind}[]" for _, kind in arrays)
    names = ", ".join(f"c{n}" for n in range(1, len(arrays) + 1))
    pk = quote(model._meta.pk.column)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (names quoted)
           f"SELECT {', '.join(values)} FROM unnest({unnest}) AS batch({names})"
           + (f" ON CONFLICT DO NOTHING RETURNING {pk}" if skip_conflicts else ""))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(column for column, _ in arrays)])
        inserted = {row[0] for row in cursor.fetchall()} if skip_conflicts else None
    done = [row for row in rows if inserted is None or row.pk in inserted]
    for row in done:
        row._state.adding, row._state.db = False, alias
    return done

"""Bulk inserts of rows that carry their own history (the demo history, imports)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models


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

"""Queries the ORM builds and compiles once per process and database, then runs with new values.

A hot query of fixed shape (a ticket by id with its five joined tables, a page's sub-ticket counts)
cost more CPU to build and compile than PostgreSQL spent running it: 0.55 ms to compile the ticket
by id, against 0.05 ms of client time to run it (bench/RESULTS.md). ``Prepared`` keeps the rule in
the ORM, where it is written once: the query is built by the same function, with stand-in values,
compiled on first use, and each later call puts its own values where the stand-ins were and runs
the statement through Django's own iterables (model instances, related objects, converters and
all). Only the values can change; a query whose shape depends on its values is not a ``Prepared``.

Every authenticated request's own statement (``users.models.UserManager.signed_in``) runs on it too.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

T = TypeVar("T")


def _forms(value: Any) -> list[Any]:
    """How a backend may bind ``value`` (a UUID as itself, as hex on SQLite, as text)."""
    if isinstance(value, uuid.UUID):
        return [value, value.hex, str(value)]
    return [value]


def _as(kind: Any, form: int, value: Any) -> Any:
    """``value`` in the type and form the stand-in ``kind`` was bound in (``_forms``)."""
    if isinstance(kind, uuid.UUID):
        value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    elif type(value) is not type(kind):
        raise TypeError(f"expected {type(kind).__name__}, got {type(value).__name__}")
    return _forms(value)[form]


class _Compiled:
    """One database's statement: the compiler as the first compile left it, the SQL, its parameters
    with the stand-ins, and where each stand-in's value goes (with the form it is bound in)."""

    def __init__(self, queryset: QuerySet[Any], alias: str, stand_ins: Sequence[Any]) -> None:
        self.template = queryset
        self.compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots: list[tuple[int, list[int]]] = []
        for stand_in in stand_ins:
            for form, bound in enumerate(_forms(stand_in)):
                positions = [i for i, p in enumerate(self.params) if type(p) is type(bound) and p == bound]
                if positions:
                    self.slots.append((form, positions))
                    break
            else:
                raise RuntimeError(f"Prepared: the stand-in {stand_in!r} is not among the statement's parameters")

    def statement(self, stand_ins: Sequence[Any], values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        params = list(self.params)
        for kind, (form, positions), value in zip(stand_ins, self.slots, values, strict=True):
            bound = _as(kind, form, value)
            for position in positions:
                params[position] = bound
        return self.sql, tuple(params)

    def queryset(self, alias: str, stand_ins: Sequence[Any], values: Sequence[Any]) -> QuerySet[Any]:
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[alias]  # this thread's
        statement = self.statement(stand_ins, values)
        compiler.as_sql = lambda *args, **kwargs: statement
        queryset = self.template._chain()  # type: ignore[attr-defined]
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset


class Prepared(Generic[T]):
    """``build(*stand_ins)`` compiled once per database; ``rows(*values)`` runs it with ``values``.

    ``build`` returns the finished queryset (filters, order, slice, ``values_list`` and all); each
    stand-in must reach the statement as a parameter of its own, and each value given later must be
    of the stand-in's type (a UUID may come as text). On databases outside ``vendors`` every call
    builds the query as usual, so a shape that only PostgreSQL can keep fixed (an id array) works
    elsewhere too."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *stand_ins: Any,
                 vendors: tuple[str, ...] = ("postgresql", "sqlite")) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self.vendors = vendors
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[T]:
        if connections[using].vendor not in self.vendors:
            return list(self.build(*values))
        return list(self._compiled_on(using).queryset(using, self.stand_ins, values))

    def count(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> int:
        """How many rows ``rows(*values)`` would return, counted by the database (``SELECT COUNT(*)``
        of the statement, as ``QuerySet.count`` counts a sliced query)."""
        if connections[using].vendor not in self.vendors:
            return self.build(*values).count()
        sql, params = self._compiled_on(using).statement(self.stand_ins, values)
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608 (a compiled statement)
            return int(cursor.fetchone()[0])

    def _compiled_on(self, using: str) -> _Compiled:
        key = (using, connections[using].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    compiled = _Compiled(self.build(*self.stand_ins), using, self.stand_ins)
                    self._compiled[key] = compiled
        return compiled

"""Fast JSON responses for the hot ticket routes (list, detail, create, action).

Ninja validates every returned dict against the response schema (pydantic, through a per-field
``DjangoGetter``) and then encodes it with its JSON encoder: about a fifth of a list request's CPU.
``ticket_payload`` already builds exactly what ``TicketOut`` declares, so these routes render the
payload directly, converting each value the way the validation + encoding round trip would
(datetime strings to the encoder's ISO form with millisecond precision and ``Z`` for UTC; UUIDs,
decimals, strings, numbers and booleans as they are), in the schema's field order.
``tests/test_hot_paths.py`` checks the output is byte-for-byte Ninja's for tickets with every field set.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Schema

from hdms.tickets.schemas import TicketOut

CONTENT_TYPE = "application/json; charset=utf-8"
_encoder = DjangoJSONEncoder()
Converter = Callable[[Any], Any]


def _datetime(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return _encoder.default(value)


def _as_str(value: Any) -> Any:
    return None if value is None else str(value)


def _converter_for(annotation: Any) -> Converter | None:
    """None when the payload's value is already what the round trip gives back."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or typing.get_origin(
        annotation) is typing.Union else (annotation,)
    inner = [a for a in args if a is not type(None)]
    if len(inner) != 1:
        raise TypeError(f"unsupported annotation {annotation!r}")
    kind = inner[0]
    if typing.get_origin(kind) in (list, dict, typing.Literal):
        return None  # lists of names (allowed_actions, editable_fields), a form's values: strings already
    if isinstance(kind, type) and issubclass(kind, Schema):
        return schema_converter(kind)
    if kind is datetime:
        return _datetime
    if kind in (str, int, bool, float):
        return None
    return _as_str  # uuid.UUID, Decimal: str() of the parsed value is the payload's string


def schema_converter(schema: type[Schema]) -> Converter:
    fields = [(name, _converter_for(info.annotation)) for name, info in schema.model_fields.items()]

    def convert(data: Any) -> Any:
        if data is None:
            return None
        return {name: (conv(data[name]) if conv is not None else data[name]) for name, conv in fields}

    return convert


ticket_out = schema_converter(TicketOut)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type=CONTENT_TYPE)


def ticket_response(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return json_response(ticket_out(payload), status=status)


def ticket_page_response(items: list[dict[str, Any]], count: int | None, next_url: str | None,
                         as_of: datetime | None = None, *, count_capped: bool = False) -> HttpResponse:
    return json_response({"items": [ticket_out(item) for item in items], "count": count,
                          "count_capped": count_capped, "next": next_url, "as_of": _datetime(as_of)})

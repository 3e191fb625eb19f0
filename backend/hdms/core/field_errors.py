"""Per-field validation errors in one shape (DESIGN §4, §9): every entry of a ``validation_error``'s
``errors`` carries ``field`` (the input's name as the client knows it: no ``body``/``payload``
prefix), a machine ``code`` from ``FIELD_ERROR_CODES`` and its ``params``, besides the ``loc`` and
English ``msg`` it always had. Clients say it in the reader's language from ``code`` + ``params``."""

from typing import Any

FIELD_ERROR_CODES = (
    "required", "too_short", "too_long", "too_small", "too_large", "invalid_format", "invalid_id",
    "not_a_number", "invalid_date", "invalid_choice", "unknown_field", "not_found", "taken",
    "must_be_future", "empty_file", "invalid",
)

# Where pydantic says what went wrong: its error type -> (our code, {our param: its ctx key}).
_PYDANTIC: dict[str, tuple[str, dict[str, str]]] = {
    "missing": ("required", {}),
    "string_too_short": ("too_short", {"min": "min_length"}),
    "too_short": ("too_short", {"min": "min_length"}),
    "string_too_long": ("too_long", {"max": "max_length"}),
    "too_long": ("too_long", {"max": "max_length"}),
    "greater_than_equal": ("too_small", {"min": "ge"}),
    "greater_than": ("too_small", {"min": "gt"}),
    "less_than_equal": ("too_large", {"max": "le"}),
    "less_than": ("too_large", {"max": "lt"}),
    "string_pattern_mismatch": ("invalid_format", {}),
    "uuid_parsing": ("invalid_id", {}),
    "uuid_type": ("invalid_id", {}),
    "int_parsing": ("not_a_number", {}),
    "int_type": ("not_a_number", {}),
    "float_parsing": ("not_a_number", {}),
    "decimal_parsing": ("not_a_number", {}),
    "decimal_max_digits": ("too_large", {}),
    "decimal_max_places": ("invalid_format", {}),
    "datetime_parsing": ("invalid_date", {}),
    "datetime_from_date_parsing": ("invalid_date", {}),
    "date_parsing": ("invalid_date", {}),
    "date_from_datetime_parsing": ("invalid_date", {}),
    "enum": ("invalid_choice", {}),
    "literal_error": ("invalid_choice", {}),
    "extra_forbidden": ("unknown_field", {}),
}

# What services write in ``msg`` when they name no code (``ValidationFailed(errors=[{loc, msg}])``).
_BY_MESSAGE: dict[str, str] = {
    "required": "required", "field required": "required", "taken": "taken", "not found": "not_found",
    "unknown field": "unknown_field", "must be in the future": "must_be_future", "empty file": "empty_file",
    "not a uuid": "invalid_id", "unknown action": "invalid_choice", "unknown task": "invalid_choice",
}

_LOCATIONS = {"body", "payload", "query", "path", "form", "header", "cookie", "params", "file", "data"}


def field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    while len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts)


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


def field_error(entry: dict[str, Any]) -> dict[str, Any]:
    """One entry in the full shape; an entry that has its ``code``/``params`` keeps them."""
    loc = [str(p) for p in entry.get("loc", [])]
    out: dict[str, Any] = {"loc": loc, "msg": str(entry.get("msg", ""))}
    if "type" in entry:
        out["type"] = str(entry["type"])
    code, params = entry.get("code"), entry.get("params")
    if code is None:
        mapped = _PYDANTIC.get(str(entry.get("type", "")))
        if mapped:
            code, names = mapped
            ctx = entry.get("ctx") or {}
            params = {ours: _plain(ctx[theirs]) for ours, theirs in names.items() if theirs in ctx}
        else:
            code = _BY_MESSAGE.get(out["msg"].strip().lower(), "invalid")
    if code not in FIELD_ERROR_CODES:
        code = "invalid"
    out.update(field=field_name(loc), code=code, params=params or {})
    return out


def field_errors(entries: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [field_error(e) for e in entries or [] if isinstance(e, dict)]

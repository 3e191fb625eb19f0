"""Input field types that say exactly what the API accepts (and the OpenAPI schema says).

Date-times (DESIGN §9): ``parse_datetime_input`` is the one reader of every date-time the API
takes, in bodies and query filters alike. A value with a zone is taken as is; a value without
one is read in the desk's time zone; a date alone means the end of that working day (the desk's
``work_end``). The desk's zone and hours live in the ticket service's settings, which registers
them here with ``set_desk_clock`` (core depends on no service); until then the project's
``TIME_ZONE`` and 16:00 stand in. Anything else, or a date that does not exist, is a
``ValueError``, which the API answers as 422 ``validation_error``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from pydantic import BeforeValidator, WithJsonSchema

# PostgreSQL keeps offsets up to 15:59; real zones stay within 14:00.
MAX_UTC_OFFSET = timedelta(hours=14)
MIN_YEAR, MAX_YEAR = 1900, 9998

# One grammar for the server and the OpenAPI schema (ASCII digits only, days per month). A pattern
# cannot know leap years: the schema leaves 29 February out, the server takes it in leap years.
_YEAR = r"(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
_MONTH_DAY = (r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
              r"|02-(0[1-9]|1[0-9]|2[0-8]))")
_TIME = r"[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"(Z|[+-](0[0-9]|1[0-3]):?[0-5][0-9]|[+-]14:?00)"
DATE_PATTERN = f"^{_YEAR}-{_MONTH_DAY}$"
DATETIME_PATTERN = f"^{_YEAR}-{_MONTH_DAY}({_TIME}{_OFFSET}?)?$"
_DATE_RE = re.compile(DATE_PATTERN)
_DATETIME_RE = re.compile(DATETIME_PATTERN)
_LEAP_DAY_RE = re.compile(f"^{_YEAR}-02-29({_TIME}{_OFFSET}?)?$")


@dataclass(frozen=True)
class DeskClock:
    """What a zone-less date-time needs: the desk's zone and the end of its working day."""

    tz: tzinfo
    day_end: time


def _default_clock() -> DeskClock:
    return DeskClock(tz=ZoneInfo(settings.TIME_ZONE), day_end=time(16, 0))


_desk_clock: Callable[[], DeskClock] = _default_clock


def set_desk_clock(provider: Callable[[], DeskClock]) -> None:
    global _desk_clock
    _desk_clock = provider


def desk_clock() -> DeskClock:
    return _desk_clock()


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}")


def parse_datetime_input(value: Any, *, clock: DeskClock | None = None) -> datetime:
    """An aware datetime from API input (see the module docstring), or ``ValueError``."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = None
        day = value
    elif isinstance(value, str) and (_DATETIME_RE.match(value) or _LEAP_DAY_RE.match(value)):
        try:
            if len(value) == 10:  # a date alone
                parsed, day = None, date.fromisoformat(value)
            else:
                parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("not a valid date or date-time") from exc
    else:
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-11-26T10:00:00+05:00 "
                         "(without a zone: the desk's time zone; a date alone: the end of that working day)")
    if parsed is None:
        _check_year(day.year)
        clock = clock or desk_clock()
        return datetime.combine(day, clock.day_end, tzinfo=clock.tz)
    _check_year(parsed.year)
    offset = parsed.utcoffset()
    if offset is None:
        return parsed.replace(tzinfo=(clock or desk_clock()).tz)
    if abs(offset) > MAX_UTC_OFFSET:
        raise ValueError("time zone offset out of range")
    return parsed


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and (_DATE_RE.match(value) or _LEAP_DAY_RE.match(value)) and len(value) == 10:
        try:
            parsed = date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("not a valid date") from exc
    else:
        raise ValueError("must be an ISO 8601 date string, e.g. 2026-11-26")
    _check_year(parsed.year)
    return parsed


IsoDateTime = Annotated[
    datetime, BeforeValidator(parse_datetime_input),
    WithJsonSchema({"type": "string", "pattern": DATETIME_PATTERN, "examples": ["2026-11-26T10:00:00+05:00"],
                    "description": "ISO 8601. Without a zone: the desk's time zone; a date alone: the end of "
                                   "that working day."}),
]
IsoDate = Annotated[date, BeforeValidator(_iso_date),
                    WithJsonSchema({"type": "string", "pattern": DATE_PATTERN, "examples": ["2026-11-26"]})]


# A wall-clock time of day in the desk's time zone (working hours): "08:00" or "08:00:30". A zone
# or offset is refused: working hours follow the desk's own time zone, never a client's.
WALL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_WALL_TIME_RE = re.compile(WALL_TIME_PATTERN)


def _wall_time(value: Any) -> Any:
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and _WALL_TIME_RE.match(value):
        return time.fromisoformat(value)
    raise ValueError("must be a time of day without a zone, e.g. 08:00")


WallTime = Annotated[time, BeforeValidator(_wall_time),
                     WithJsonSchema({"type": "string", "pattern": WALL_TIME_PATTERN, "examples": ["08:00"]})]


# Money: a decimal string with at most two decimals ("15000.50"), or a whole JSON number. Binary
# fractions (12.3 as a JSON float) are refused: they are not the amount a person typed.
MAX_MONEY_UNITS = 999_999_999_999
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
_MONEY_RE = re.compile(MONEY_PATTERN)


def _money(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("an amount is a decimal string such as \"15000.50\" or a whole number")
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        if 0 <= value <= MAX_MONEY_UNITS:
            return Decimal(int(value))
        raise ValueError(f"an amount is between 0 and {MAX_MONEY_UNITS}")
    if isinstance(value, str) and _MONEY_RE.match(value):
        return Decimal(value)
    raise ValueError("an amount is a decimal string with at most two decimals, such as \"15000.50\", "
                     "or a whole number")


Money = Annotated[
    Decimal, BeforeValidator(_money),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_MONEY_UNITS},
                              {"type": "string", "pattern": MONEY_PATTERN}],
                    "examples": ["15000.50"]}),
]


# Report ranges (DESIGN §11 ``from``/``to``): the same reader, except that a date alone is a whole
# day of the desk's calendar: ``from=2026-11-01`` starts at that day's midnight, ``to=2026-11-30``
# ends at the next midnight (the bound is exclusive). "The end of the working day" would drop the
# evening's tickets from the last day and count the first day only from 16:00.
def _range_bound(value: Any, *, end: bool) -> datetime:
    if isinstance(value, str) and len(value) == 10:
        day = _iso_date(value)
        start = datetime.combine(day, time(0, 0), tzinfo=desk_clock().tz)
        return start + timedelta(days=1) if end else start
    return parse_datetime_input(value)


RANGE_DESCRIPTION = ("ISO 8601 date or date-time. Without a zone: the desk's time zone; a date alone: the whole "
                     "day (from its start / to its end).")
RangeFrom = Annotated[
    datetime, BeforeValidator(lambda v: _range_bound(v, end=False)),
    WithJsonSchema({"type": "string", "pattern": DATETIME_PATTERN, "examples": ["2026-11-01"],
                    "description": RANGE_DESCRIPTION}),
]
RangeTo = Annotated[
    datetime, BeforeValidator(lambda v: _range_bound(v, end=True)),
    WithJsonSchema({"type": "string", "pattern": DATETIME_PATTERN, "examples": ["2026-11-30"],
                    "description": RANGE_DESCRIPTION}),
]


def patch_changes(payload: Any, *, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """What a PATCH body changes: the fields it sends, where ``null`` leaves a field that cannot be
    empty as it is (the schema lets every PATCH field be null) and clears only the ``nullable`` ones."""
    return {name: value for name, value in payload.dict(exclude_unset=True).items()
            if value is not None or name in nullable}

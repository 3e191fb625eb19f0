"""Working-time arithmetic for SLA targets: the desk works on ``work_days`` between ``work_start``
and ``work_end`` in ``timezone``, except on holidays. Pure functions over a ``WorkCalendar``."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3660  # never loop longer than ten years of calendar


@dataclass(frozen=True)
class WorkCalendar:
    timezone: str = "Asia/Karachi"
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    work_start: time = time(8, 0)
    work_end: time = time(16, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_work_day(self, day: date) -> bool:
        return day.weekday() in self.work_days and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, self.work_start, self.tz), datetime.combine(day, self.work_end, self.tz))


def add_working_minutes(start: datetime, minutes: float, calendar: WorkCalendar) -> datetime:
    """The instant ``minutes`` of working time after ``start``."""
    remaining = timedelta(minutes=minutes)
    current = start.astimezone(calendar.tz)
    day = current.date()
    for _ in range(MAX_DAYS):
        if calendar.is_work_day(day):
            opens, closes = calendar.window(day)
            begin = max(current, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
        current = datetime.combine(day, time(0, 0), calendar.tz)
    raise ValueError("Working time target out of range of the calendar")


def working_minutes_between(start: datetime, end: datetime, calendar: WorkCalendar) -> float:
    """Working minutes from ``start`` to ``end`` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    start_local, end_local = start.astimezone(calendar.tz), end.astimezone(calendar.tz)
    total = timedelta()
    day = start_local.date()
    for _ in range(MAX_DAYS):
        if day > end_local.date():
            break
        if calendar.is_work_day(day):
            opens, closes = calendar.window(day)
            begin, finish = max(opens, start_local), min(closes, end_local)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds() / 60

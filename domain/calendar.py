"""Working days (England bank holidays) and month arithmetic on Europe/London dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    """England bank holidays of one year, substitute days included."""
    # observed=True adds the substitute weekday (e.g. Monday 28 December 2015) that the
    # Banking and Financial Dealings Act proclamation makes the actual day off.
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year, observed=True)
    return frozenset(calendar.keys())


def is_bank_holiday(d: date) -> bool:
    """True when `d` is an England bank holiday (including a substitute day)."""
    return d in _bank_holidays(d.year)


def is_working_day(d: date) -> bool:
    """True unless `d` is a Saturday, a Sunday or an England bank holiday."""
    return d.weekday() < _SATURDAY and not is_bank_holiday(d)


def add_days(d: date, n: int) -> date:
    """The date `n` calendar days after `d` (before it when `n` is negative)."""
    return d + timedelta(days=n)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (before it when `n` < 0); `start` is day 0."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    current = start
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` <= `start`."""
    if end <= start:
        return 0
    # Arithmetic, not a day-by-day walk: reports evaluate every rule of every review.
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    return weekdays - _weekday_holidays_in(start, end)


def _weekdays_through(d: date) -> int:
    """Weekdays from 1 January of year 1 (a Monday) up to and including `d`."""
    full_weeks, extra_days = divmod(d.toordinal(), 7)
    return full_weeks * 5 + min(extra_days, 5)


def _weekday_holidays_in(start: date, end: date) -> int:
    """Bank holidays falling on a weekday after `start` up to and including `end`."""
    # A weekend holiday loses no working day; its substitute day is counted instead.
    return sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in _bank_holidays(year)
        if start < holiday <= end and holiday.weekday() < _SATURDAY
    )


def add_months(d: date, n: int) -> date:
    """The same day `n` months later (earlier if `n` < 0), clamped to the month end."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    return date(year, month, min(d.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    """Number of days in the given month."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return (first_of_next - _ONE_DAY).day


def london_today(now: datetime | None = None) -> date:
    """Today's date in Europe/London; an aware `now` fixes the instant (for tests)."""
    instant = datetime.now(UTC) if now is None else now
    if instant.tzinfo is None:
        # A naive datetime may be UTC or local; a wrong guess shifts deadlines a day.
        msg = "london_today needs a timezone-aware datetime"
        raise ValueError(msg)
    return instant.astimezone(LONDON).date()

"""Working days in England and Wales: weekends and bank holidays do not count."""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # Wales keeps England's bank holidays; "ENG" gives them for both.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; 0 when end is not later."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def overdue_by(due: dt.date | None, today: dt.date) -> int:
    """How many working days an action due on `due` is late by today (0 if it is not)."""
    if due is None:
        return 0
    return working_days_between(due, today)

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
    """Working days after `start` up to and including `end`; 0 when end is not later.
    Counted by weeks, not day by day: an action years overdue costs no more than one."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    tail = start + dt.timedelta(days=weeks * 7)
    count += sum(1 for n in range(1, extra + 1) if (tail + dt.timedelta(days=n)).weekday() < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in _bank_holidays(year) if start < h <= end and h.weekday() < 5)
    return count


def overdue_by(due: dt.date | None, today: dt.date) -> int:
    """How many working days an action due on `due` is late by today (0 if it is not)."""
    if due is None:
        return 0
    return working_days_between(due, today)


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The date `days` working days before `end` (end itself not counted)."""
    day, left = end, days
    while left > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def latest_start_past(today: dt.date, days: int) -> dt.date:
    """The latest start from which a timescale of `days` working days is overdue today (by at
    least one working day): a response awaited since this date or earlier is late."""
    # Overdue means a working day has passed since the due date: the due date is before the
    # last working day up to today. Found by stepping back, a few weeks at most.
    last = today
    while not is_working_day(last):
        last -= dt.timedelta(days=1)
    start = last - dt.timedelta(days=1)
    while add_working_days(start, days) >= last:
        start -= dt.timedelta(days=1)
    return start

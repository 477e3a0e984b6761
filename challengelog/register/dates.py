"""Reading the dates people type into logs, day first as in the UK."""

import datetime as dt
import re

from django.utils import timezone

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$")
_WORDS = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(?:of\s+)?([a-z]+)\.?,?\s+(\d{2}|\d{4})$",
    re.IGNORECASE,
)
_WORDS_MONTH_FIRST = re.compile(
    r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.IGNORECASE
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(1990, 1, 1)


class DateError(ValueError):
    """A date that cannot be read; the message says why, in words a user understands."""


def _year(text: str, today: dt.date) -> int:
    """A year as written; two digits are this century's up to next year, else the last's."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= (today.year % 100) + 1 else 1900
    return year


def _make(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"“{original}” is not a real date") from None


def parse_date(value, *, today: dt.date | None = None) -> dt.date | None:
    """A date from a cell: a date or datetime, an Excel serial number, or UK-style text.

    Returns None for an empty cell. Raises DateError naming the problem otherwise. `today`
    is the latest date allowed: by default today in the configured time zone (TIME_ZONE).
    """
    today = today or timezone.localdate()
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise DateError(f"“{value}” is not a date")
        result = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = " ".join(str(value).split())
        if not text:
            return None
        result = _parse_text(text, today)
    if result > today:
        raise DateError(f"“{value}” is in the future")
    if result < EARLIEST:
        raise DateError(f"“{value}” is before 1990: check the year")
    return result


def _parse_text(text: str, today: dt.date) -> dt.date:
    if m := _NUMERIC.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), _year(m.group(3), today)
        if month > 12:
            raise DateError(f"“{text}” has no month {month}: dates are read day first (DD/MM/YYYY)")
        return _make(year, month, day, text)
    if m := _ISO.match(text):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    if m := _WORDS.match(text):
        month = MONTHS.get(m.group(2).lower())
        if month:
            return _make(_year(m.group(3), today), month, int(m.group(1)), text)
    if m := _WORDS_MONTH_FIRST.match(text):
        month = MONTHS.get(m.group(1).lower())
        if month:
            return _make(int(m.group(3)), month, int(m.group(2)), text)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    raise DateError(f"“{text}” is not a date this importer can read (use DD/MM/YYYY)")

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from challengelog.register.dates import DateError, parse_date

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06/06/2017", dt.date(2017, 6, 6)),
        ("20/6/17", dt.date(2017, 6, 20)),
        ("1st June 2021", dt.date(2021, 6, 1)),
        ("Tuesday 1st June 2021", dt.date(2021, 6, 1)),
        ("23 Sept 2019", dt.date(2019, 9, 23)),
        ("2021-06-01", dt.date(2021, 6, 1)),
        ("June 1, 2021", dt.date(2021, 6, 1)),
        ("05.02.2014", dt.date(2014, 2, 5)),
        (44348, dt.date(2021, 6, 1)),
        (dt.datetime(2021, 6, 1, 9, 30), dt.date(2021, 6, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates_people_type(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2020", "is not a real date"),
        ("06/13/2017", "dates are read day first"),
        ("soon", "is not a date this importer can read"),
        ("01/01/2030", "is in the future"),
        ("01/01/1899", "before 1990"),
    ],
)
def test_dates_that_are_refused_say_why(text, message):
    with pytest.raises(DateError, match=message):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(TODAY, dt.date(1995, 5, 5)), (dt.date(2096, 1, 1), dt.date(2095, 5, 5))],
)
def test_a_two_digit_year_is_read_from_the_day_given(today, expected):
    assert parse_date("05/05/95", today=today) == expected


def test_today_is_the_day_in_england_not_on_the_machine():
    # 00:30 on 15 June in London is still 14 June on a machine kept in UTC.
    with time_machine.travel(dt.datetime(2027, 6, 14, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        assert dt.date.today() == dt.date(2027, 6, 14)
        assert parse_date("15/06/2027") == dt.date(2027, 6, 15)
        assert parse_date("15/06/27") == dt.date(2027, 6, 15)
        with pytest.raises(DateError, match="is in the future"):
            parse_date("16/06/2027")

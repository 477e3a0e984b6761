import datetime as dt

import pytest

from challengelog.importing.dates import DateError, parse_date

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

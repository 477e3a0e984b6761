"""Bad files are refused whole, with every problem named, and the register is untouched."""

import io
import json

import pytest
from openpyxl import Workbook

from challengelog.importing.services import import_file
from challengelog.register.models import Agency, Challenge, Partnership, ProgressUpdate

HEADER = "No\tDate of challenge\tMeeting\tChallenge\tFrom\tTo\tRisk?\tAction\tProgress\tResolved?\n"


def _row(ref, date="01/02/2020", risk="Y", text="A challenge"):
    return f"{ref}\t{date}\tBoard\t{text}\tChair\tPolice\t{risk}\tAction\tProgress\tY\n"


def _state():
    return (
        list(Partnership.objects.values()),
        list(Challenge.objects.order_by("pk").values()),
        list(ProgressUpdate.objects.order_by("pk").values()),
        list(Agency.objects.order_by("pk").values()),
    )


@pytest.fixture
def before(seeded):
    return _state()


def _refused(before, **kwargs) -> list[str]:
    report = import_file(partnership="southampton", **kwargs)
    assert not report.ok
    assert "refused, nothing imported" in report.summary()
    assert _state() == before
    return [str(p) for p in report.problems]


def test_an_empty_file(before):
    assert _refused(before, name="empty.csv", data=b"") == ["empty.csv: the file is empty"]


def test_a_binary_file(before):
    problems = _refused(before, name="photo.txt", data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 9)
    assert problems == ["photo.txt: this is not a text file (it contains binary data)"]


def test_a_renamed_file_pretending_to_be_excel(before):
    problems = _refused(before, name="log.xlsx", data=b"No,Date\n1,2\n")
    assert "not a valid Excel file" in problems[0]


def test_a_row_with_an_unreadable_date(before):
    data = (HEADER + _row(500) + _row(501, date="31/02/2020")).encode()
    problems = _refused(before, name="log.txt", data=data)
    assert problems == [
        "log.txt, line 3, column “Date of challenge”: “31/02/2020” is not a real date"
    ]


def test_a_spreadsheet_with_no_recognisable_header(before):
    book = Workbook()
    book.active.append(["Colour", "Size", "Price"])
    book.active.append(["Red", "L", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    problems = _refused(before, name="stock.xlsx", data=buffer.getvalue())
    assert len(problems) == 1
    assert "no header row found" in problems[0]
    assert "“Colour”" in problems[0]
    assert "--map" in problems[0]


def test_three_bad_rows_are_all_reported(before):
    data = (
        HEADER
        + _row(500)
        + _row(501, date="yesterday")
        + _row(502, risk="Perhaps")
        + _row(503)
        + _row(504, text="")
        + _row(505)
    ).encode()
    problems = _refused(before, name="log.txt", data=data)
    assert problems == [
        "log.txt, line 3, column “Date of challenge”: “yesterday” is not a date this importer "
        "can read (use DD/MM/YYYY)",
        "log.txt, line 4, column “Risk?”: “Perhaps” is not a risk value (use Y, N or leave blank)",
        "log.txt, line 6, column “Challenge”: the challenge is empty",
    ]


def test_a_row_with_a_stray_tab(before):
    data = (HEADER + _row(500) + _row(501).replace("Action", "Act\tion")).encode()
    problems = _refused(before, name="log.txt", data=data)
    assert problems == [
        "log.txt, line 3: has 11 cells where the header has 10; a cell may "
        "contain a stray tab or line break"
    ]


def test_a_reference_used_twice(before):
    data = (HEADER + _row(500) + _row(500)).encode()
    problems = _refused(before, name="log.txt", data=data)
    assert problems == [
        "log.txt, row 3, column “reference”: reference 500 is used twice (also on row 2)"
    ]


def test_a_date_in_the_future(before):
    problems = _refused(before, name="log.txt", data=(HEADER + _row(500, "01/01/2999")).encode())
    assert "is in the future" in problems[0]


def test_broken_json(before):
    problems = _refused(before, name="log.json", data=b'[{"reference": "1",}]')
    assert problems[0].startswith("log.json: not valid JSON (line 1")


def test_a_reserved_partnership_slug(db):
    report = import_file(name="log.txt", data=(HEADER + _row(1)).encode(), partnership="admin")
    assert not report.ok
    assert "used by the product itself" in str(report.problems[0])
    assert not Partnership.objects.exists()


# Found by tests/importing/test_fuzz.py: each of these crashed the importer (on PostgreSQL,
# or on both) before it named the problem.


def test_json_with_a_value_of_the_wrong_kind(before):
    record = {"reference": "1", "challenge": "x", "risk": None, "resolved": False}
    for key, value in [("status", ["open"]), ("forum", {"a": 1}), ("date", 20200101)]:
        data = json.dumps([{**record, key: value}]).encode()
        problems = _refused(before, name="log.json", data=data)
        assert any(f"“{key}”" in p and "should be" in p for p in problems), problems


def test_a_value_longer_than_the_register_holds(before):
    data = (HEADER + _row("9" * 41) + _row(2, text="fine").replace("Board", "B" * 301)).encode()
    problems = _refused(before, name="log.txt", data=data)
    assert problems == [
        "log.txt, line 2, column “No”: is 41 characters long: at most 40 fit. Is it in the "
        "right column?",
        "log.txt, line 3, column “Meeting”: is 301 characters long: at most 300 fit. Is it in "
        "the right column?",
    ]


def test_a_nul_character_is_named(before):
    text_file = (HEADER + _row(500, text="bad\x00text")).encode()
    assert "contains binary data" in _refused(before, name="log.txt", data=text_file)[0]
    record = {"reference": "1", "challenge": "bad\x00text", "risk": None, "resolved": False}
    problems = _refused(before, name="log.json", data=json.dumps([record]).encode())
    assert problems == [
        "log.json, challenge 1, column “challenge”: contains a NUL character, which cannot be "
        "stored: is the file really text in UTF-8?"
    ]


def test_a_reference_too_big_for_a_number_still_imports(db):
    report = import_file(name="log.txt", data=(HEADER + _row("9" * 30)).encode(), partnership="x")
    assert report.ok, report.problems
    assert Challenge.objects.get(reference="9" * 30).reference_number == 2_147_483_647

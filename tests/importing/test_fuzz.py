"""Property-based tests of the importer (hypothesis): random and malformed text, CSV, Excel,
Word and JSON files, and the seed log damaged at random. Whatever the file, the importer
either imports it fully or refuses it with a message naming the problem, and then the
database is exactly as it was. It never raises.

`make test` runs FUZZ_EXAMPLES (default 15) examples of each kind; for a longer run:
`FUZZ_EXAMPLES=500 .venv/bin/pytest tests/importing/test_fuzz.py`."""

import io
import json
import os

import pytest
from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from challengelog.importing.services import import_file
from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    Forum,
    Partnership,
    ProgressUpdate,
    Raiser,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 15))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=not os.environ.get("FUZZ_RANDOM"),
)
HEADERS = [
    "No",
    "Date of challenge",
    "Meeting",
    "Challenge",
    "From",
    "To",
    "Risk?",
    "Action",
    "Progress",
    "Resolved?",
]
# Text with the characters that break naive code: separators, quotes, line ends, NUL and other
# control characters, right-to-left and zero-width marks, formulas, HTML, long words.
NASTY = st.sampled_from(
    [
        "\t",
        ",",
        '"',
        "\n",
        "\r\n",
        "\x00",
        "\x0b",
        "\u202e",
        "\u200b",
        "\ufeff",
        '=HYPERLINK("http://x")',
        "<script>alert(1)</script>",
        "'; DROP TABLE register_challenge; --",
        "31/02/2016",
        "2016-13-45",
        "Y",
        "N",
        "",
        " ",
        "x" * 300,
    ]
)
CELL = st.one_of(st.text(max_size=40), NASTY, st.integers(-10, 10**6).map(str))


def state() -> tuple:
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (Partnership, Challenge, Action, ProgressUpdate, Agency, Forum, Raiser)
    )


def check(name: str, data: bytes) -> None:
    before = state()
    counts = Challenge.objects.count()
    report = import_file(name=name, data=data, partnership="fuzz")
    event("imported" if report.ok else "refused")  # --hypothesis-show-statistics
    if report.ok:
        # Imported fully: every record read is in the register.
        assert report.rows_read > 0
        assert Challenge.objects.count() == counts + len(report.created)
        assert Challenge.objects.filter(partnership__slug="fuzz").count() >= report.rows_read
    else:
        assert report.problems, "refused without saying why"
        assert all(str(p).strip() for p in report.problems)
        assert "refused, nothing imported" in report.summary()
        assert state() == before, "a refused file changed the database"


def _table(header: list[str], rows: list[list[str]], sep: str) -> bytes:
    lines = [sep.join(header)] + [sep.join(row) for row in rows]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


ROWS = st.lists(st.lists(CELL, min_size=0, max_size=12), min_size=0, max_size=6)


@pytest.mark.django_db
@FUZZ
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from([".txt", ".csv", ".xlsx", ".docx", ".json"]),
)
def test_random_bytes_in_any_format(data, suffix):
    check(f"random{suffix}", data)


@pytest.mark.django_db
@FUZZ
@given(rows=ROWS, sep=st.sampled_from(["\t", ","]), header=st.permutations(HEADERS))
def test_text_and_csv_tables_with_nasty_cells(rows, sep, header):
    try:
        data = _table(list(header), rows, sep)
    except UnicodeEncodeError:
        return
    check("log.csv" if sep == "," else "log.txt", data)


@pytest.mark.django_db
@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                CELL,
                st.none(),
                st.floats(allow_nan=True, allow_infinity=False),
                st.dates(),
                st.just("=1/0"),
            ),
            max_size=12,
        ),
        max_size=6,
    )
)
def test_excel_workbooks_with_any_cells(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        try:
            sheet.append(row)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some itself
            return
    buffer = io.BytesIO()
    book.save(buffer)
    check("log.xlsx", buffer.getvalue())


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=10, max_size=10), max_size=5))
def test_word_tables_with_any_cells(rows):
    document = Document()
    table = document.add_table(rows=1 + len(rows), cols=10)
    for column, title in enumerate(HEADERS):
        table.cell(0, column).text = title
    for r, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            try:
                table.cell(r, column).text = value
            except ValueError:  # python-docx refuses XML-incompatible characters itself
                return
    buffer = io.BytesIO()
    document.save(buffer)
    check("log.docx", buffer.getvalue())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | CELL,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["reference", "date", "challenge", "to", "risk", "status", "progress"]
                ),
                st.text(max_size=8),
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@pytest.mark.django_db
@FUZZ
@given(value=JSON)
def test_any_json(value):
    check("log.json", json.dumps(value).encode())


@pytest.mark.django_db
@FUZZ
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, 40_000), st.integers(0, 40), st.binary(max_size=8)),
        min_size=1,
        max_size=4,
    ),
    suffix=st.sampled_from([".txt", ".csv"]),
)
def test_the_seed_damaged_at_random(seed_bytes, cuts, suffix):
    data = bytearray(seed_bytes)
    for at, length, replacement in cuts:
        at = at % max(len(data), 1)
        data[at : at + length] = replacement
    check(f"seed{suffix}", bytes(data))

"""The public log's downloads, opened with what a reader's software would use: the csv
module, openpyxl, json and pdfplumber."""

import csv
import datetime as dt
import io
import json
import re
import socket
import time
from pathlib import Path

import pdfplumber
import pytest

from challengelog.publishing import downloads
from challengelog.register import cells

PUBLISHED = dt.datetime(2026, 11, 26, 14, 5)
PARTNERSHIP = "Southampton LSCB"
HOSTILE = {
    "meeting": '=HYPERLINK("http://x")',
    "challenge": "+1",
    "raised_by": "-2",
    "to": "@SUM(A1)",
    "action": "<script>alert(1)</script>",
    "progress": "\u202eevil right-to-left",
}
LONG = "A long update. " * 7000  # about 100 KB


@pytest.fixture(autouse=True)
def _pdf_template_found(settings):
    """Until the publishing app is in INSTALLED_APPS, find its templates through DIRS."""
    from django.apps import apps

    if not apps.is_installed("challengelog.publishing"):
        engine = dict(settings.TEMPLATES[0])
        engine["DIRS"] = [*engine["DIRS"], Path(downloads.__file__).parent / "templates"]
        settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


@pytest.fixture
def records(seeded):
    from challengelog.ops import export
    from challengelog.register.models import Partnership

    rows = export.records(Partnership.objects.get(slug="southampton"))
    assert len(rows) == 148
    return rows


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network use in a test: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def record(reference="1", **values) -> dict:
    base = {
        "reference": reference,
        "date": "2017-06-06",
        "meeting": "LSCB meeting",
        "challenge": "A challenge",
        "raised_by": "LSCB",
        "to": "LADO",
        "risk": True,
        "action": "An action",
        "progress": "In progress",
        "resolved": False,
        "status": "open",
        "forum": "LSCB meeting",
        "agencies": ["LADO"],
        "updates": [{"text": "not public"}],
    }
    base.update(values)
    return base


def uk(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def pdf_pages(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert all(page.width > page.height for page in pdf.pages), "not landscape"
        return [page.extract_text() or "" for page in pdf.pages]


# CSV


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_of_the_seed(records):
    records[0] = {**records[0], "challenge": 'He said "no, not yet", then left'}
    data = downloads.to_csv(records)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0] == [
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
        "Status",
    ]
    body = rows[1:]
    assert len(body) == 148
    assert all(len(row) == 11 for row in body)
    assert body[0][3] == 'He said "no, not yet", then left'
    for row, source in zip(body, records, strict=True):
        assert row[0] == source["reference"]
        assert row[1] == uk(source["date"])
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", row[1])
        assert row[3] == source["challenge"]
        assert row[6] == {True: "Y", False: "N", None: ""}[source["risk"]]
        assert row[9] == ("Y" if source["resolved"] else "")
    with_comma = next(i for i, r in enumerate(records) if "," in r["action"])
    assert body[with_comma][7] == records[with_comma]["action"]
    assert {row[10] for row in body} <= {"Open", "Assured", "Closed, not assured", "Withdrawn"}


def test_csv_without_date_or_risk():
    rows = read_csv(downloads.to_csv([record(date=None, risk=None, resolved=True)]))
    assert rows[1][1] == ""
    assert rows[1][6] == ""
    assert rows[1][9] == "Y"


# Excel


def test_xlsx_of_the_seed(records):
    from openpyxl import load_workbook

    records[0] = {**records[0], "progress": "=1+1"}
    book = load_workbook(io.BytesIO(downloads.to_xlsx(records)))
    assert book.sheetnames == ["Challenge log"]
    sheet = book["Challenge log"]

    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 149
    assert [c.value for c in sheet[1]][:4] == ["No", "Date of challenge", "Meeting", "Challenge"]
    assert sheet.cell(2, 9).value == "'=1+1"
    assert sheet.cell(2, 9).data_type == "s"
    for row, source in zip(sheet.iter_rows(min_row=2), records, strict=True):
        assert row[0].value == int(source["reference"])
        assert isinstance(row[1].value, dt.datetime)
        assert row[1].value.date().isoformat() == source["date"]
        assert row[1].number_format == "DD/MM/YYYY"
        assert row[3].value == source["challenge"]
        assert row[3].alignment.wrap_text
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJK"}
    assert widths["D"] > widths["A"] > 0
    assert all(width and width > 5 for width in widths.values())


# JSON


def test_json_of_the_seed(records):
    data = downloads.to_json(records)
    assert json.loads(data.decode("utf-8")) == [
        {key: r[key] for key in downloads.PUBLIC_KEYS} for r in records
    ]
    assert b'\n  {\n    "reference"' in data  # indent 2


def test_json_keeps_hostile_values_exactly():
    loaded = json.loads(downloads.to_json([record(**{**HOSTILE, "challenge": LONG})]))
    assert loaded[0]["meeting"] == HOSTILE["meeting"]
    assert loaded[0]["challenge"] == LONG
    assert loaded[0]["progress"] == HOSTILE["progress"]
    assert "updates" not in loaded[0]


# PDF


def test_pdf_of_the_seed(records, no_network):
    started = time.perf_counter()
    data = downloads.to_pdf(records, partnership_name=PARTNERSHIP, published=PUBLISHED)
    took = time.perf_counter() - started

    pages = pdf_pages(data)
    print(f"\nPDF of {len(records)} challenges: {len(pages)} pages, {took:.2f} s")
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert "Challenge Log" in text
        assert PARTNERSHIP in text
        assert "26 November 2026" in text
        assert f"Page {number} of {total}" in text
        # Compared without white space: where a cell wraps depends on the fonts installed.
        # Compared without white space, and with the question marks optional: where a header
        # cell wraps depends on the fonts installed.
        squashed = re.sub(r"\s", "", text)
        assert re.search(r"NoDateMeetingChallengeFromToRisk\??ActionProgressResolved", squashed)
    first_cells = {
        line.split()[0]
        for text in pages
        for line in text.splitlines()
        if re.match(r"\d+ \d\d/\d\d/\d{4}", line)
    }
    assert first_cells == {str(n) for n in range(1, 149)}
    assert data.startswith(b"%PDF-1.7")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        catalog = pdf.doc.catalog
        assert "StructTreeRoot" in catalog  # tagged
        assert catalog["Lang"] == b"en"
        assert catalog["MarkInfo"]["Marked"] is True
    assert not no_network


def test_pdf_metadata(records):
    import pdfplumber

    data = downloads.to_pdf(records[:3], partnership_name=PARTNERSHIP, published=PUBLISHED)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.metadata["Title"] == f"Challenge Log — {PARTNERSHIP}"
        assert pdf.metadata["Author"] == PARTNERSHIP
        assert len(pdf.pages) == 1


def test_pdf_note_and_empty_log():
    pages = pdf_pages(
        downloads.to_pdf(
            [], partnership_name="A & B <Board>", published=PUBLISHED, note="Nothing yet."
        )
    )
    assert len(pages) == 1
    assert "A & B <Board>" in pages[0]
    assert "Nothing yet." in pages[0]
    assert "No challenges have been published." in pages[0]
    assert "Page 1 of 1" in pages[0]


def test_pdf_row_is_not_split_across_pages():
    tall = "\n".join(f"Line {n} of a tall row." for n in range(30))
    rows = [record(str(n), progress=tall) for n in range(12, 0, -1)]
    pages = pdf_pages(downloads.to_pdf(rows, partnership_name=PARTNERSHIP, published=PUBLISHED))
    assert len(pages) > 1
    for text in pages:
        # Each row's tall text is whole on the page that shows the row.
        assert text.count("Line 0 of a tall row.") == text.count("Line 29 of a tall row.")


def test_pdf_fetches_nothing_from_record_text(no_network, monkeypatch):
    fetcher = downloads.url_fetcher()
    calls = []
    original = type(fetcher).fetch

    def spy(self, url, headers=None):
        calls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(type(fetcher), "fetch", spy)
    hostile = record(
        challenge='<img src="http://example.com/x.png">',
        action='<div style="background: url(http://example.com/y.png)">x</div>',
        progress="url(http://example.com/z.png) @import url(http://example.com/a.css);",
    )
    data = downloads.to_pdf(
        [hostile], partnership_name=PARTNERSHIP, published=PUBLISHED, fetcher=fetcher
    )
    text = pdf_pages(data)[0]
    assert calls == []
    assert fetcher.refused == []
    assert not no_network
    assert '<img src="http://example.com/x.png">' in text.replace("\n", "")
    # Read cell by cell: in the page's running text neighbouring columns interleave.
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        cells = [c or "" for t in pdf.pages[0].extract_tables() for row in t for c in row]
    assert any("url(http://example.com/z.png)" in c.replace("\n", "") for c in cells), cells


def test_the_fetcher_refuses_everything_but_data_urls(no_network):
    fetcher = downloads.url_fetcher()
    for url in ("http://example.com/x.png", "https://example.com/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"
    assert len(fetcher.refused) == 3
    assert not no_network


def test_markup_that_asks_for_urls_gets_nothing(no_network, caplog):
    """Were the template ever to hold a URL, the fetcher would turn it down."""
    fetcher = downloads.url_fetcher()
    html = (
        '<html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="http://example.com/s.css"></head>'
        '<body><img src="http://example.com/x.png" alt="x">'
        '<p style="background: url(file:///etc/hostname)">text</p></body></html>'
    )
    data = downloads.render_pdf(html, fetcher)
    assert data.startswith(b"%PDF")
    assert set(fetcher.refused) == {
        "http://example.com/s.css",
        "http://example.com/x.png",
        "file:///etc/hostname",
    }
    assert not no_network


# Hostile values


def test_hostile_values_in_csv_and_excel():
    from openpyxl import load_workbook

    rows = [record(**HOSTILE), record("2", challenge=LONG, action="\tx", progress="\rx")]
    csv_row, long_row = read_csv(downloads.to_csv(rows))[1:]
    assert csv_row[2] == "'" + HOSTILE["meeting"]
    assert csv_row[3] == "'+1"
    assert csv_row[4] == "'-2"
    assert csv_row[5] == "'@SUM(A1)"
    assert csv_row[7] == HOSTILE["action"]
    assert csv_row[8] == HOSTILE["progress"]
    assert long_row[3] == LONG
    assert long_row[7] == "'\tx"
    assert long_row[8] == "'\rx"

    sheet = load_workbook(io.BytesIO(downloads.to_xlsx(rows)))["Challenge log"]
    values = [c.value for c in sheet[2]]
    assert values[2:6] == ["'" + HOSTILE["meeting"], "'+1", "'-2", "'@SUM(A1)"]
    assert all(c.data_type == "s" for c in sheet[2][2:6])
    assert values[7] == HOSTILE["action"]
    assert values[8] == HOSTILE["progress"]
    long_cell = sheet.cell(3, 4).value
    assert len(long_cell) == cells.XLSX_CELL_LIMIT
    assert long_cell.endswith(cells.XLSX_TRUNCATED)
    assert sheet.cell(3, 8).value == "'\tx"


def test_xlsx_drops_control_characters_xml_cannot_hold():
    from openpyxl import load_workbook

    data = downloads.to_xlsx([record(challenge="bell\x07 and nul\x00 gone")])
    assert load_workbook(io.BytesIO(data)).active.cell(2, 4).value == "bell and nul gone"


def test_hostile_values_in_pdf(no_network):
    # Each value also alone in the wide Challenge column, so that it reads on one line.
    alone = [record(str(n), challenge=value) for n, value in enumerate(HOSTILE.values(), 3)]
    rows = [record(**HOSTILE), record("2", challenge=LONG), *alone]
    fetcher = downloads.url_fetcher()
    pages = pdf_pages(
        downloads.to_pdf(rows, partnership_name=PARTNERSHIP, published=PUBLISHED, fetcher=fetcher)
    )
    text = "\n".join(pages)
    assert "<script>alert(1)</script>" in text
    assert '=HYPERLINK("http://x")' in text
    # The right-to-left override acts as it would anywhere (the text reads reversed), but
    # only inside its own cell: the rest of the row reads left to right.
    assert "tfel-ot-thgir live LSCB LADO Y An action In progress" in text
    assert "@SUM(A1)" in text
    assert text.count("A long update.") > 1000
    assert fetcher.refused == []
    assert not no_network


# Names


def test_neutralise():
    for value in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert downloads.neutralise(value) == "'" + value
    for value in ("", "1", "a=b", " =1", "'=1", "Ω"):
        assert downloads.neutralise(value) == value


def test_filename_and_content_types():
    day = dt.date(2026, 11, 26)
    assert (
        downloads.filename("southampton", day, "csv") == "southampton-challenge-log-2026-11-26.csv"
    )
    assert downloads.filename("southampton", PUBLISHED, "pdf").endswith("-2026-11-26.pdf")
    assert downloads.filename('x"; y\r\n', day, "json") == "x-y-challenge-log-2026-11-26.json"
    with pytest.raises(ValueError, match="unknown download format"):
        downloads.filename("southampton", day, "exe")
    assert set(downloads.CONTENT_TYPES) == {"csv", "xlsx", "json", "pdf"}
    assert downloads.CONTENT_TYPES["xlsx"].endswith("spreadsheetml.sheet")

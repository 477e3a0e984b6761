"""CSV, Excel, Word and the product's own JSON, each read the same way."""

import datetime as dt
import io
import json

import docx
import pytest
from openpyxl import Workbook

from challengelog.importing.services import import_file
from challengelog.ops import export
from challengelog.register.models import Challenge, Partnership


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(rows) -> bytes:
    document = docx.Document()
    document.add_heading("Challenge log", 1)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_csv_with_title_rows_blank_rows_and_header_variants():
    data = (
        b"Safeguarding Partnership,,,,,\n"
        b"Challenge log 2021-22,,,,,\n"
        b",,,,,\n"
        b"Reference,Date raised,Forum,Details,Raised by,Agency,RAG,Agreed action,Update,Status\n"
        b'CL-002,1st June 2021,Board,"School attendance, again",Chair,Education,Red,Report,'
        b"Report received,Assured\n"
        b",,,,,,,,,\n"
        b"CL-001,06/05/2021,Board,Missing children data,Chair,Police,Green,Data,,Open\n"
    )
    report = import_file(name="log.csv", data=data, partnership="test")
    assert report.ok, [str(p) for p in report.problems]
    assert report.columns["challenge"] == "Details"
    two = Challenge.objects.get(reference="CL-002")
    assert two.date_raised == dt.date(2021, 6, 1)
    assert (two.risk, two.status, two.text) == ("yes", "assured", "School attendance, again")
    one = Challenge.objects.get(reference="CL-001")
    assert (one.risk, one.status, one.date_raised) == ("no", "open", dt.date(2021, 5, 6))


@pytest.mark.django_db
def test_xlsx_reads_excel_dates_and_text_dates_day_first():
    data = _xlsx(
        [
            ["Board challenge log"],
            [],
            [
                "No",
                "Date",
                "Meeting",
                "Challenge",
                "From",
                "To",
                "Risk?",
                "Action",
                "Progress",
                "Resolved?",
            ],
            [
                2,
                dt.datetime(2022, 3, 4),
                "Executive",
                "Text two",
                "Chair",
                "Police",
                "Y",
                "A",
                "P",
                "Y",
            ],
            [1, "06/02/2022", "Executive", "Text one", "Chair", "Police", "", "A", "", ""],
        ]
    )
    report = import_file(name="log.xlsx", data=data, partnership="test")
    assert report.ok, [str(p) for p in report.problems]
    dates = dict(Challenge.objects.values_list("reference", "date_raised"))
    assert dates == {"2": dt.date(2022, 3, 4), "1": dt.date(2022, 2, 6)}


@pytest.mark.django_db
def test_docx_table_in_the_published_layout():
    header = [
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
    rows = [
        header,
        [
            "5",
            "12/01/2023",
            "SCR Group",
            "Hospital procedures",
            "Independent Chair",
            "Police/Barnardos",
            "y",
            "Letter",
            "Reply received",
            "Y",
        ],
        header,  # repeated on the next page
        [
            "4",
            "11/01/2023",
            "SCR Group",
            "Supervision policy",
            "Independent Chair",
            "All agencies",
            "N",
            "Review",
            "",
            "",
        ],
    ]
    report = import_file(name="log.docx", data=_docx(rows), partnership="test")
    assert report.ok, [str(p) for p in report.problems]
    five = Challenge.objects.get(reference="5")
    assert sorted(a.name for a in five.agencies.all()) == ["Barnardos", "Police"]
    assert Challenge.objects.get(reference="4").to_all_partners


@pytest.mark.django_db
def test_map_names_a_column_the_importer_does_not_know():
    data = b"Item,When,Concern raised,Body\n1,01/02/2020,Late returns,Police\n"
    refused = import_file(name="odd.csv", data=data, partnership="test")
    assert not refused.ok
    report = import_file(
        name="odd.csv",
        data=data,
        partnership="test",
        mapping=["When=date", "Concern raised=challenge", "Body=to"],
    )
    assert report.ok, [str(p) for p in report.problems]
    assert Challenge.objects.get().to_as_recorded == "Police"


def test_map_refuses_an_unknown_field(db):
    report = import_file(name="odd.csv", data=b"a,b\n", partnership="test", mapping=["When=when"])
    assert "“when” is not a field" in str(report.problems[0])


def test_export_import_export_is_identical(seeded, tmp_path):
    first = export.to_json(Partnership.objects.get(slug="southampton"))
    path = tmp_path / "export.json"
    path.write_bytes(first)
    report = import_file(path=path, partnership="copy")
    assert report.ok, [str(p) for p in report.problems]
    assert len(report.created) == 148
    second = export.to_json(Partnership.objects.get(slug="copy"))
    assert second == first
    assert json.loads(second)[0]["updates"][0]["date"] is None
    again = import_file(path=path, partnership="copy")
    assert len(again.unchanged) == 148


def test_csv_and_xlsx_exports_reimport_to_the_same_values(seeded, tmp_path):
    original = export.records(Partnership.objects.get(slug="southampton"))
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(export.WRITERS[fmt](Partnership.objects.get(slug="southampton")))
        report = import_file(path=path, partnership=f"from-{fmt}")
        assert report.ok, [str(p) for p in report.problems]
        again = export.records(Partnership.objects.get(slug=f"from-{fmt}"))
        fields = export.AS_RECORDED
        assert [{f: r[f] for f in fields} for r in again] == [
            {f: r[f] for f in fields} for r in original
        ]

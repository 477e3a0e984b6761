"""The public challenge log as files to download: CSV, Excel, JSON and PDF.

Input: a list of dicts, one per published challenge, newest first, with the keys of the
product's JSON export (see `challengelog.ops.export.challenge_record`); only
`PUBLIC_KEYS` are read.

Spreadsheet safety: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return could be taken by Excel, LibreOffice or Google Sheets as a formula ("CSV injection").
In the CSV and the Excel file such a cell is written with a single quote `'` in front
(`neutralise`): the spreadsheet then shows the text, and a reader sees the quote. The JSON
keeps every value exactly as recorded; the PDF shows the text as recorded, escaped.

The PDF is rendered by WeasyPrint from `publishing/log_pdf.html` (Django template, autoescaped)
and `publishing/log_pdf.css`, with a URL fetcher that refuses everything but `data:` URLs:
rendering never reaches the network or the file system.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from challengelog.ops.export import AS_RECORDED
from challengelog.register.cells import neutralise
from challengelog.register.cells import xlsx_text as _xlsx_text

# The export's columns as recorded, and the canonical names beside them.
PUBLIC_KEYS = (*AS_RECORDED, "status", "forum", "agencies")

# Column titles of the published log, as the board's own spreadsheet has them.
CSV_HEADER = (
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
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pdf": "application/pdf",
}

# The rows a sheet can hold below its header (Excel's limit is 1,048,576 rows).
XLSX_ROW_LIMIT = 1_048_575
# The whole log's PDF is made at publish up to this many challenges (about a minute of work);
# a filtered PDF is made on request up to site.downloads.PDF_ROW_LIMIT.
WHOLE_PDF_LIMIT = 5_000

XLSX_WIDTHS = (6, 12, 24, 60, 24, 28, 7, 50, 50, 10, 20)

_HERE = Path(__file__).resolve().parent
PDF_CSS = _HERE / "templates" / "publishing" / "log_pdf.css"


def filename(partnership_slug: str, published: dt.date, ext: str) -> str:
    """E.g. "southampton-challenge-log-2026-11-26.csv"."""
    if ext not in CONTENT_TYPES:
        raise ValueError(f"unknown download format: {ext!r}")
    if isinstance(published, dt.datetime):
        published = published.date()
    slug = slugify(partnership_slug) or "partnership"
    return f"{slug}-challenge-log-{published.isoformat()}.{ext}"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _uk_date(value: str | None) -> str:
    day = _date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def _risk(value: bool | None) -> str:
    return {True: "Y", False: "N"}.get(value, "")


def _resolved(value: bool) -> str:
    return "Y" if value else ""


def _status(value: str) -> str:
    """ "Open", "Assured", "Closed, not assured", "Withdrawn": the labels staff see."""
    return _status_labels().get(value, value or "")


@functools.lru_cache(maxsize=1)
def _status_labels() -> dict[str, str]:
    from challengelog.register.models import Challenge

    return dict(Challenge.Status.choices)


def _text_cells(record: dict) -> list[str]:
    """The CSV's row: every cell as text, as it reads in the published log."""
    return [
        str(record["reference"]),
        _uk_date(record["date"]),
        record["meeting"] or "",
        record["challenge"] or "",
        record["raised_by"] or "",
        record["to"] or "",
        _risk(record["risk"]),
        record["action"] or "",
        record["progress"] or "",
        _resolved(record["resolved"]),
        _status(record["status"]),
    ]


# Rows per piece of a streamed download.
CHUNK_ROWS = 500


def csv_chunks(records):
    """The CSV in pieces of CHUNK_ROWS rows: UTF-8 with a byte-order mark (so Excel reads
    accents and dashes right), CRLF rows."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    yield "\ufeff".encode() + out.getvalue().encode()
    out.seek(0)
    out.truncate()
    for count, record in enumerate(records, start=1):
        writer.writerow([neutralise(cell) for cell in _text_cells(record)])
        if count % CHUNK_ROWS == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode()


def to_csv(records) -> bytes:
    return b"".join(csv_chunks(records))


def write_xlsx(records, target) -> int:
    """One sheet "Challenge log": header row frozen, columns sized, text wrapped, dates as
    Excel dates shown DD/MM/YYYY, whole-number references as numbers (so they sort). Written
    row by row (openpyxl's write-only mode keeps rows in a temporary file, not in memory) to
    ``target``, a path or a binary file; ``records`` may be an iterator. Returns the rows
    written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Challenge log")
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    def cell(value, **style):
        out = WriteOnlyCell(sheet, value=value)
        out.alignment = wrap
        for name, given in style.items():
            setattr(out, name, given)
        return out

    sheet.append([cell(title, font=bold) for title in CSV_HEADER])
    rows = 0
    for record in records:
        values: list = [_xlsx_text(value) for value in _text_cells(record)]
        reference = str(record["reference"])
        if reference.isascii() and reference.isdigit():
            values[0] = int(reference)
        cells = [cell(value) for value in values]
        cells[1] = cell(_date(record["date"]), number_format="DD/MM/YYYY")
        sheet.append(cells)
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(CSV_HEADER))}{rows + 1}"
    book.save(target)
    return rows


def to_xlsx(records) -> bytes:
    """The Excel file of a few records, in memory (``write_xlsx`` for any number)."""
    buffer = io.BytesIO()
    write_xlsx(records, buffer)
    return buffer.getvalue()


def json_chunks(records):
    """A list of objects holding `PUBLIC_KEYS` only, values exactly as recorded, in pieces of
    CHUNK_ROWS objects; the same bytes as json.dumps of the whole list with indent=2."""
    piece: list[str] = []
    first = True
    for record in records:
        item = json.dumps({key: record[key] for key in PUBLIC_KEYS}, ensure_ascii=False, indent=2)
        # Not textwrap.indent: it would also break lines at U+2028 and the like inside text.
        piece.append(("[\n  " if first else ",\n  ") + item.replace("\n", "\n  "))
        if first or len(piece) == CHUNK_ROWS:  # the first object at once, then in pieces
            first = False
            yield "".join(piece).encode()
            piece = []
    piece.append("[]\n" if first else "\n]\n")
    yield "".join(piece).encode()


def to_json(records) -> bytes:
    return b"".join(json_chunks(records))


STREAMS = {"csv": csv_chunks, "json": json_chunks}


@functools.cache
def _url_fetcher_class():
    from weasyprint.urls import URLFetcher

    class RefusingURLFetcher(URLFetcher):
        """Fetches `data:` URLs and refuses every other URL (http, https, file, ftp...).
        WeasyPrint catches the refusal, logs a warning and leaves the resource out."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"the challenge log PDF fetches nothing: {url[:200]}")
            return super().fetch(url, headers)

    return RefusingURLFetcher


def url_fetcher():
    """A new fetcher for one rendering; its `refused` list holds the URLs it turned down."""
    return _url_fetcher_class()()


def _pdf_row(record: dict) -> dict:
    return {
        "reference": str(record["reference"]),
        "date": _uk_date(record["date"]),
        "meeting": record["meeting"] or "",
        "challenge": record["challenge"] or "",
        "raised_by": record["raised_by"] or "",
        "to": record["to"] or "",
        "risk": _risk(record["risk"]),
        "action": record["action"] or "",
        "progress": record["progress"] or "",
        "resolved": "Yes" if record["resolved"] else "",
    }


def render_pdf(html: str, fetcher=None) -> bytes:
    """HTML to a tagged PDF, A4 stylesheet from `log_pdf.css`, fetching nothing."""
    from weasyprint import CSS, HTML

    fetcher = fetcher or url_fetcher()
    stylesheet = CSS(string=PDF_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    # PDF/UA-1 variant: a structure tree (tags), PDF 1.7, the document title shown in the
    # viewer's title bar, and the language from <html lang>.
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")


def to_pdf(
    records, *, partnership_name: str, published: dt.datetime, note: str = "", fetcher=None
) -> bytes:
    """The log as a board puts it on its website: A4 landscape, running header and
    footer with the partnership, the publication date and "Page N of M"."""
    if isinstance(published, dt.datetime):
        # Shown in the board's own time (settings.TIME_ZONE); a naive value is taken as that.
        if timezone.is_naive(published):
            published = timezone.make_aware(published)
        published = timezone.localtime(published)
    rows = [_pdf_row(record) for record in records]
    html = render_to_string(
        "publishing/log_pdf.html",
        {
            "rows": rows,
            "partnership_name": partnership_name,
            "published": published,
            # W3C date-time, the form WeasyPrint puts in the PDF's creation date.
            "published_w3c": (
                published.replace(microsecond=0)
                if isinstance(published, dt.datetime)
                else published
            ).isoformat(),
            "note": note,
        },
    )
    return render_pdf(html, fetcher)

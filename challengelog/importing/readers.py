"""Readers, one per format: each turns a file into numbered rows of cells.

Text export (tab-separated), CSV, Excel (.xlsx), Word (.docx) tables, and the product's own
JSON export. A reader refuses a file it cannot read with an ImportRefused naming the problem.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path


class ImportRefused(Exception):
    """The whole file is refused; the message names the file and the problem."""


@dataclass
class Row:
    number: int  # the line (text, CSV) or row (Excel, Word) a person would look for
    cells: list


@dataclass
class Table:
    name: str
    format: str
    rows: list[Row]
    row_word: str = "row"
    strict_width: bool = False


FORMATS = {
    ".txt": "text",
    ".tsv": "text",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".json": "json",
}


def detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PK\x03\x04":
        if suffix in {".xlsx", ".docx"}:
            return FORMATS[suffix]
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            raise ImportRefused(f"{name}: the file is damaged (a broken ZIP archive)") from None
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            return "docx"
        raise ImportRefused(f"{name}: a ZIP archive, but not an Excel or Word file")
    if suffix in {".xlsx", ".docx"}:
        kind = "Excel" if suffix == ".xlsx" else "Word"
        raise ImportRefused(f"{name}: not a valid {kind} file (it may be damaged or renamed)")
    if suffix in {".xls", ".doc"}:
        raise ImportRefused(
            f"{name}: the old binary {suffix} format cannot be read; save it as "
            f"{suffix}x (Excel or Word 2007 and later) or CSV and import that"
        )
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if suffix == ".json" or (suffix not in FORMATS and text_start in (b"[", b"{")):
        return "json"
    if suffix == ".csv":
        return "csv"
    if suffix in {".txt", ".tsv"}:
        return "text"
    sample = data[:4096]
    if b"\t" in sample:
        return "text"
    return "csv"


def decode(name: str, data: bytes) -> str:
    if not data.strip():
        raise ImportRefused(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise ImportRefused(f"{name}: this is not a text file (it contains binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f")
        if control > 8:
            raise ImportRefused(f"{name}: this is not a text file (it contains binary data)")
        return text
    raise ImportRefused(f"{name}: the text encoding could not be read (save it as UTF-8)")


def read_text(name: str, data: bytes) -> Table:
    """The published text export: tab-separated cells, one row a line, page headings between."""
    lines = decode(name, data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [Row(number, line.split("\t")) for number, line in enumerate(lines, start=1)]
    # A line with no tab is a heading (the "Challenge Log" a paged document repeats) or a
    # title: it carries no cells. Kept as a one-cell row, the table reader decides.
    return Table(name, "text", rows, row_word="line", strict_width=True)


def read_csv(name: str, data: bytes) -> Table:
    text = decode(name, data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        for record in reader:
            rows.append(Row(reader.line_num, record))
    except csv.Error as exc:
        raise ImportRefused(f"{name}, line {reader.line_num}: not valid CSV ({exc})") from None
    return Table(name, "csv", rows, row_word="line")


def read_xlsx(name: str, data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(f"{name}: not a valid Excel file ({type(exc).__name__})") from None
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = [
                Row(number, ["" if v is None else v for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            sheets.append((sheet.title, rows))
    finally:
        book.close()
    # The first sheet with a recognisable header is the log; the table reader checks it.
    from challengelog.importing.columns import find_header

    for title, rows in sheets:
        if find_header(rows, None) is not None:
            return Table(f"{name} (sheet “{title}”)", "xlsx", rows)
    title, rows = sheets[0] if sheets else ("", [])
    return Table(f"{name} (sheet “{title}”)", "xlsx", rows)


def read_docx(name: str, data: bytes) -> Table:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ImportRefused(f"{name}: not a valid Word file ({type(exc).__name__})") from None
    rows: list[Row] = []
    number = 0
    for table_number, table in enumerate(document.tables, start=1):
        for row in table.rows:
            number += 1
            cells, seen = [], set()
            for cell in row.cells:
                # Merged cells come back once per grid column: keep each cell once.
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(cell.text.strip())
            rows.append(Row(number, cells))
        _ = table_number
    if not rows:
        raise ImportRefused(f"{name}: the Word document has no table")
    return Table(name, "docx", rows)


def read_json(name: str, data: bytes) -> list[dict]:
    text = decode(name, data)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if isinstance(records, dict) and isinstance(records.get("challenges"), list):
        records = records["challenges"]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportRefused(f"{name}: expected a list of challenges, one object each")
    if not records:
        raise ImportRefused(f"{name}: the file holds no challenges")
    return records


READERS = {"text": read_text, "csv": read_csv, "xlsx": read_xlsx, "docx": read_docx}

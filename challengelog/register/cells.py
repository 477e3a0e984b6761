"""Cells for spreadsheets, safe to open: the formula-safe writer every export shares.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return could be taken by
Excel, LibreOffice or Google Sheets as a formula ("CSV injection"): such a cell is written with
a single quote `'` in front (`neutralise`); the importer takes it off again.
"""

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Excel refuses a cell longer than this; openpyxl would write it and Excel would then
# report the workbook as damaged.
XLSX_CELL_LIMIT = 32_767
XLSX_TRUNCATED = " [… truncated: the full text is in the CSV and JSON downloads]"
# Control characters that XML 1.0 (and so an .xlsx) cannot hold; tab, LF and CR can stay.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(value: str) -> str:
    """The text as a spreadsheet will show it and never run it: a cell that begins with
    `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote `'` in front."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    value = neutralise(_XML_ILLEGAL.sub("", value))
    if len(value) > XLSX_CELL_LIMIT:
        value = value[: XLSX_CELL_LIMIT - len(XLSX_TRUNCATED)] + XLSX_TRUNCATED
    return value

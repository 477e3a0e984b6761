"""The protective marking (settings.PROTECTIVE_MARKING) on internal downloads: in the header of
every page of a Word document and a spreadsheet, in their properties, and at the start of the
file name of the internal log's exports (CSV and JSON have nowhere else to carry it)."""

from __future__ import annotations

import re

from django.conf import settings
from docx.enum.text import WD_ALIGN_PARAGRAPH


def marking() -> str:
    return settings.PROTECTIVE_MARKING


def mark_docx(document) -> None:
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.text = marking()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.core_properties.category = marking()


def mark_xlsx(book) -> None:
    for sheet in book.worksheets:
        sheet.oddHeader.right.text = marking()
        sheet.evenHeader.right.text = marking()
    book.properties.category = marking()


def filename(name: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9-]+', '-', marking()).strip('-')}-{name}"

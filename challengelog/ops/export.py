"""The register as files: the product's own JSON (lossless: export, import, export is
identical), and CSV and Excel laid out like the published log."""

from __future__ import annotations

import csv
import io
import json

from challengelog.ops.marking import mark_xlsx
from challengelog.register.cells import neutralise
from challengelog.register.cells import xlsx_text as _xlsx_text
from challengelog.register.models import Challenge, Partnership
from challengelog.register.selectors import challenges_for_export, latest_update

# The published log's columns, with the values as recorded: what must survive a round trip.
AS_RECORDED = (
    "reference",
    "date",
    "meeting",
    "challenge",
    "raised_by",
    "to",
    "risk",
    "action",
    "progress",
    "resolved",
)

COLUMNS = [
    ("reference", "No"),
    ("date", "Date of challenge"),
    ("meeting", "Meeting"),
    ("challenge", "Challenge"),
    ("raised_by", "From"),
    ("to", "To"),
    ("risk", "Risk?"),
    ("action", "Action"),
    ("progress", "Progress"),
    ("resolved", "Resolved?"),
    ("status", "Status"),
    ("forum", "Forum (canonical)"),
    ("agencies", "Agencies (canonical)"),
]


def challenge_record(challenge: Challenge) -> dict:
    latest = latest_update(challenge)
    agencies = sorted(a.name for a in challenge.agencies.all())
    return {
        "reference": challenge.reference,
        "date": challenge.date_raised.isoformat() if challenge.date_raised else None,
        "meeting": challenge.meeting_as_recorded,
        "challenge": challenge.text,
        "raised_by": challenge.raised_by_as_recorded,
        "to": challenge.to_as_recorded,
        "risk": challenge.risk_flag,
        "action": challenge.action or "\n".join(a.text for a in challenge.actions.all()),
        "progress": latest.text if latest else "",
        "resolved": challenge.resolved,
        "status": challenge.status,
        "date_resolved": challenge.date_resolved.isoformat() if challenge.date_resolved else None,
        "forum": challenge.forum.name if challenge.forum else None,
        "raised_by_canonical": challenge.raised_by.name if challenge.raised_by else None,
        "agencies": agencies,
        "to_all_partners": challenge.to_all_partners,
        "risk_as_recorded": challenge.risk_as_recorded,
        "updates": [
            {
                "date": u.date.isoformat() if u.date else None,
                "text": u.text,
                "author": u.author_name or (u.author.get_full_name() if u.author_id else ""),
                "imported": u.imported,
            }
            for u in challenge.updates.all()
        ],
    }


def records(partnership: Partnership, queryset=None) -> list[dict]:
    """Every challenge of the partnership, or those of `queryset` (what a person may see)."""
    rows = challenges_for_export(partnership)
    if queryset is not None:
        rows = rows.filter(pk__in=queryset.values("pk"))
    return [challenge_record(c) for c in rows]


def to_json(partnership: Partnership, queryset=None) -> bytes:
    data = records(partnership, queryset)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _cells(record: dict) -> list:
    yes_no = {True: "Y", False: "N", None: ""}
    return [
        record["reference"],
        record["date"] or "",
        record["meeting"],
        record["challenge"],
        record["raised_by"],
        record["to"],
        yes_no[record["risk"]],
        record["action"],
        record["progress"],
        "Y" if record["resolved"] else "",
        record["status"],
        record["forum"] or "",
        "; ".join(record["agencies"]),
    ]


def to_csv(partnership: Partnership, queryset=None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([title for _, title in COLUMNS])
    for record in records(partnership, queryset):
        # A cell that a spreadsheet would run as a formula gets a ' in front (the importer
        # takes it off again); the JSON export is the exact copy.
        writer.writerow([neutralise(cell) for cell in _cells(record)])
    # UTF-8 with a byte-order mark, so that Excel reads the accents and dashes right.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(partnership: Partnership, queryset=None) -> bytes:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Challenge log"
    sheet.append([title for _, title in COLUMNS])
    for record in records(partnership, queryset):
        cells = [_xlsx_text(c) if isinstance(c, str) else c for c in _cells(record)]
        if record["date"]:
            cells[1] = dt.date.fromisoformat(record["date"])
        sheet.append(cells)
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    widths = [6, 12, 24, 60, 24, 28, 7, 50, 50, 10, 12, 24, 30]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    mark_xlsx(book)  # the internal log: the marking in every page's header
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WRITERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}

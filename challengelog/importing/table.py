"""From rows of cells to challenge records: the header found, each row read and checked.

Every problem is collected, not just the first, so that the user fixes the file once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from challengelog.importing.columns import (
    FIELDS,
    HEADER_SEARCH_ROWS,
    find_header,
    normalise_header,
)
from challengelog.importing.readers import Row, Table
from challengelog.register.dates import DateError, parse_date

TRUE_WORDS = {
    "y",
    "yes",
    "true",
    "1",
    "resolved",
    "closed",
    "assured",
    "complete",
    "completed",
    "done",
    "x",
    "✓",
    "✔",
}
FALSE_WORDS = {
    "",
    "n",
    "no",
    "false",
    "0",
    "open",
    "in progress",
    "ongoing",
    "not resolved",
    "outstanding",
    "pending",
    "awaiting response",
}
STATUS_WORDS = {
    "withdrawn": "withdrawn",
    "not assured": "not_assured",
    "closed not assured": "not_assured",
    "closed - not assured": "not_assured",
    "closed without assurance": "not_assured",
}
RISK_WORDS = {
    "y": "yes",
    "yes": "yes",
    "n": "no",
    "no": "no",
    "": "not_recorded",
    "red": "yes",
    "r": "yes",
    "amber": "yes",
    "a": "yes",
    "high": "yes",
    "medium": "yes",
    "green": "no",
    "g": "no",
    "low": "no",
    "true": "yes",
    "false": "no",
    "not recorded": "not_recorded",
    "unknown": "not_recorded",
}


@dataclass
class Problem:
    """Why a row, or the file, cannot be read: file, row, column and reason."""

    source: str
    row: int | None
    column: str | None
    message: str
    row_word: str = "row"

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"{self.row_word} {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "text": str(self),
        }


@dataclass
class Record:
    """One challenge as the file states it, values read and checked."""

    row: int
    reference: str = ""
    date: dt.date | None = None
    meeting: str = ""
    challenge: str = ""
    raised_by: str = ""
    to: str = ""
    risk: str = "not_recorded"
    risk_as_recorded: str = ""
    action: str = ""
    progress: str = ""
    status: str = "open"
    date_resolved: dt.date | None = None
    # From the product's own JSON export: canonical names and the whole timeline.
    forum_name: str | None = None
    raiser_name: str | None = None
    agency_names: list[str] | None = None
    to_all_partners: bool | None = None
    updates: list[dict] | None = None
    extras: dict = field(default_factory=dict)


def _unquoted(text: str) -> str:
    """Spreadsheet downloads put a ' before a cell that would run as a formula (= + - @);
    reading one back takes it off, so that a log exported and imported again is the same."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def header_problem(table: Table) -> Problem:
    seen = [_text(c) for row in table.rows[:HEADER_SEARCH_ROWS] for c in row.cells if _text(c)][:12]
    shown = "; ".join(f"“{s[:30]}”" for s in seen) or "nothing"
    return Problem(
        table.name,
        None,
        None,
        "no header row found: looked in the first 30 rows for columns such as Challenge, "
        f"Date, Meeting, From, To, Action, Progress and Resolved, and found {shown}. "
        'Name the columns with --map "Header=field" (fields: ' + ", ".join(FIELDS) + ")",
    )


@dataclass
class ReadResult:
    records: list[Record]
    problems: list[Problem]
    notes: list[str]
    columns: dict[str, str]  # field -> header as written


def read_records(table: Table, overrides: dict[str, str] | None = None) -> ReadResult:
    found = find_header(table.rows, overrides)
    if found is None:
        return ReadResult([], [header_problem(table)], [], {})
    header_index, mapping = found
    header_row = table.rows[header_index]
    columns = {f: _text(h) for f, h in zip(mapping, header_row.cells, strict=False) if f}
    duplicates = [f for f, n in Counter(f for f in mapping if f and f != "ignore").items() if n > 1]
    problems: list[Problem] = []
    for f in duplicates:
        problems.append(
            Problem(
                table.name,
                header_row.number,
                None,
                f"two columns are read as “{FIELDS[f]}”: map one with --map",
            )
        )
    width = len(mapping)
    while width and not _text(header_row.cells[width - 1]):
        width -= 1
    mapping = mapping[:width]
    header_key = [normalise_header(c) for c in header_row.cells[:width]]
    headings = Counter(
        _text(r.cells[0]) for r in table.rows if len(r.cells) == 1 and _text(r.cells[0])
    )
    records: list[Record] = []
    notes: list[str] = []
    skipped_headings: Counter = Counter()
    for row in table.rows[header_index + 1 :]:
        cells = list(row.cells)
        texts = [_text(c) for c in cells]
        if not any(texts):
            continue
        if [normalise_header(c) for c in cells[:width]] == header_key:
            continue  # the header repeated on a later page
        filled = [t for t in texts if t]
        if len(filled) == 1 and (len(cells) == 1 or table.format != "text"):
            if headings[filled[0]] > 1 or table.format != "text":
                skipped_headings[filled[0]] += 1
                continue
            problems.append(
                Problem(
                    table.name,
                    row.number,
                    None,
                    f"“{filled[0][:60]}” is not a row of the log (no cells separated by tabs)",
                    table.row_word,
                )
            )
            continue
        row_mapping = mapping
        if len(cells) != width:
            trailing_blank = all(not t for t in texts[width:])
            if len(cells) == width - 1 and "risk" in mapping:
                # Rows from an older page of the log lack the Risk? column altogether.
                row_mapping = [f for f in mapping if f != "risk"]
            elif len(cells) > width and trailing_blank:
                cells = cells[:width]
            elif len(cells) < width and not table.strict_width:
                cells = cells + [""] * (width - len(cells))
            else:
                problems.append(
                    Problem(
                        table.name,
                        row.number,
                        None,
                        f"has {len(cells)} cells where the header has {width}; "
                        "a cell may contain a stray tab or line break",
                        table.row_word,
                    )
                )
                continue
        values = {f: v for f, v in zip(row_mapping, cells, strict=False) if f and f != "ignore"}
        record, row_problems = _record(table, row, values, columns)
        problems.extend(row_problems)
        if not row_problems:
            records.append(record)
    for heading, count in skipped_headings.items():
        times = f" ({count} times)" if count > 1 else ""
        notes.append(f"“{heading[:60]}” read as a page heading and skipped{times}")
    return ReadResult(records, problems, notes, columns)


def _record(table: Table, row: Row, values: dict, columns: dict) -> tuple[Record, list[Problem]]:
    problems: list[Problem] = []

    def problem(f: str, message: str) -> None:
        problems.append(
            Problem(
                table.name, row.number, columns.get(f, FIELDS.get(f, f)), message, table.row_word
            )
        )

    record = Record(row=row.number)
    for f in ("reference", "meeting", "challenge", "raised_by", "to", "action", "progress"):
        setattr(record, f, _unquoted(_text(values.get(f))))
    if not record.challenge:
        problem("challenge", "the challenge is empty")
    for f, attr in (("date", "date"), ("date_resolved", "date_resolved")):
        try:
            setattr(record, attr, parse_date(values.get(f)))
        except DateError as exc:
            problem(f, str(exc))
    risk = _text(values.get("risk"))
    record.risk_as_recorded = risk
    if risk.lower() in RISK_WORDS:
        record.risk = RISK_WORDS[risk.lower()]
    else:
        problem("risk", f"“{risk[:40]}” is not a risk value (use Y, N or leave blank)")
    status_text = _text(values.get("status")) or _text(values.get("resolved"))
    status = read_status(status_text)
    if status is None:
        f = "status" if values.get("status") not in (None, "") else "resolved"
        problem(
            f,
            f"“{status_text[:40]}” is not a status (use Y or leave blank, "
            "or Open, Assured, Not assured, Withdrawn)",
        )
    else:
        record.status = status
    return record, problems


def read_status(text: str) -> str | None:
    word = " ".join(text.lower().replace("-", " ").split())
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    if word.replace(" ", "_") in {"open", "assured", "not_assured", "withdrawn"}:
        return word.replace(" ", "_")
    if word in TRUE_WORDS:
        return "assured"
    if word in FALSE_WORDS:
        return "open"
    return None


def records_from_json(name: str, objects: list[dict]) -> ReadResult:
    """Records from the product's own JSON export: values as recorded, canonical names, timeline."""
    records: list[Record] = []
    problems: list[Problem] = []
    for number, obj in enumerate(objects, start=1):
        row_problems: list[Problem] = []

        def problem(column: str, message: str, rp=row_problems, n=number) -> None:
            rp.append(Problem(name, n, column, message, "challenge"))

        record = Record(row=number)
        for f, key in (
            ("reference", "reference"),
            ("meeting", "meeting"),
            ("challenge", "challenge"),
            ("raised_by", "raised_by"),
            ("to", "to"),
            ("action", "action"),
            ("progress", "progress"),
        ):
            value = obj.get(key)
            if value is not None and not isinstance(value, str | int):
                problem(key, "should be text")
                continue
            setattr(record, f, _text(value))
        if not record.challenge:
            problem("challenge", "the challenge is empty")
        for key, attr in (("date", "date"), ("date_resolved", "date_resolved")):
            if obj.get(key) is not None and not isinstance(obj.get(key), str):
                problem(key, "should be a date written as text, or null")
                continue
            try:
                setattr(record, attr, parse_date(obj.get(key)))
            except DateError as exc:
                problem(key, str(exc))
        risk = obj.get("risk")
        for key in ("risk_as_recorded", "forum", "raised_by_canonical", "status"):
            if obj.get(key) is not None and not isinstance(obj.get(key), str):
                problem(key, "should be text, or null")
        if row_problems:
            problems.extend(row_problems)
            continue
        if risk is True or risk is False or risk is None:
            record.risk = {True: "yes", False: "no", None: "not_recorded"}[risk]
            record.risk_as_recorded = obj.get("risk_as_recorded") or {True: "Y", False: "N"}.get(
                risk, ""
            )
        else:
            problem("risk", "should be true, false or null")
        status = obj.get("status")
        if status is None:
            resolved = obj.get("resolved")
            if not isinstance(resolved, bool):
                problem("resolved", "should be true or false")
            status = "assured" if resolved else "open"
        if status not in {"open", "assured", "not_assured", "withdrawn"}:
            problem("status", f"“{status}” is not a status")
        else:
            record.status = status
        record.forum_name = obj.get("forum") or None
        record.raiser_name = obj.get("raised_by_canonical") or None
        agencies = obj.get("agencies")
        if agencies is not None:
            if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
                problem("agencies", "should be a list of names")
            else:
                record.agency_names = agencies
        if "to_all_partners" in obj:
            record.to_all_partners = bool(obj["to_all_partners"])
        updates = obj.get("updates")
        if updates is not None:
            record.updates = []
            if not isinstance(updates, list):
                problem("updates", "should be a list")
                updates = []
            for position, update in enumerate(updates, start=1):
                if not isinstance(update, dict) or not isinstance(update.get("text"), str):
                    problem("updates", f"update {position} should have a text")
                    continue
                if update.get("date") is not None and not isinstance(update.get("date"), str):
                    problem("updates", f"update {position}: the date should be text, or null")
                    continue
                try:
                    when = parse_date(update.get("date"))
                except DateError as exc:
                    problem("updates", f"update {position}: {exc}")
                    continue
                record.updates.append(
                    {
                        "date": when,
                        "text": update["text"],
                        "author": str(update.get("author") or ""),
                        "imported": bool(update.get("imported", False)),
                    }
                )
        problems.extend(row_problems)
        if not row_problems:
            records.append(record)
    return ReadResult(records, problems, [], {})

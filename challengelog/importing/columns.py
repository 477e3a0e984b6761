"""Which column is which: header names and their common variants, and --map overrides."""

import re

FIELDS = {
    "reference": "reference",
    "date": "date raised",
    "meeting": "meeting",
    "challenge": "challenge",
    "raised_by": "raised by",
    "to": "to",
    "risk": "risk",
    "action": "action",
    "progress": "progress",
    "resolved": "resolved",
    "status": "status",
    "date_resolved": "date resolved",
}

SYNONYMS = {
    "reference": [
        "no",
        "number",
        "ref",
        "reference",
        "ref no",
        "reference number",
        "id",
        "challenge no",
        "challenge number",
        "challenge ref",
        "challenge reference",
        "log no",
        "log number",
        "item",
        "item no",
    ],
    "date": [
        "date",
        "date of challenge",
        "date raised",
        "date challenge raised",
        "raised on",
        "date logged",
        "date opened",
        "challenge date",
        "date of meeting",
        "meeting date",
    ],
    "meeting": [
        "meeting",
        "forum",
        "group",
        "meeting forum",
        "raised at",
        "source",
        "meeting group",
        "board subgroup",
        "subgroup",
        "sub group",
        "meeting or group",
        "forum meeting",
    ],
    "challenge": [
        "challenge",
        "details",
        "issue",
        "challenge details",
        "description",
        "concern",
        "the challenge",
        "issue challenge",
        "summary",
        "challenge description",
        "detail",
        "details of challenge",
        "nature of challenge",
    ],
    "raised_by": [
        "from",
        "raised by",
        "who raised",
        "challenger",
        "by",
        "challenge from",
        "raised by whom",
        "who raised it",
        "challenged by",
    ],
    "to": [
        "to",
        "agency",
        "agencies",
        "challenge to",
        "organisation",
        "organization",
        "to whom",
        "partner",
        "partner agency",
        "addressed to",
        "agency challenged",
        "recipient",
    ],
    "risk": ["risk", "rag", "rag rating", "risk rating", "risk y n", "risk yn", "risk level"],
    "action": [
        "action",
        "actions",
        "agreed action",
        "action agreed",
        "actions agreed",
        "action required",
        "agreed actions",
        "action to be taken",
    ],
    "progress": [
        "progress",
        "update",
        "updates",
        "response",
        "progress update",
        "latest update",
        "outcome",
        "progress updates",
        "progress to date",
        "response update",
        "impact",
        "outcome impact",
    ],
    "resolved": ["resolved", "resolved y n", "closed", "assured", "complete", "completed"],
    "status": ["status", "current status", "open closed", "rag status"],
    "date_resolved": [
        "date resolved",
        "date closed",
        "resolved on",
        "date assured",
        "closed on",
        "date completed",
    ],
}

_LOOKUP = {synonym: field for field, names in SYNONYMS.items() for synonym in names}


def normalise_header(text) -> str:
    text = str(text or "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def field_for(header, overrides: dict[str, str] | None = None) -> str | None:
    name = normalise_header(header)
    if overrides and name in overrides:
        return overrides[name]
    return _LOOKUP.get(name)


class MappingError(ValueError):
    pass


def parse_overrides(pairs: list[str] | None) -> dict[str, str]:
    """`--map "Header=field"` pairs, checked: the field must be one the importer knows."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        header, sep, field = pair.partition("=")
        field = field.strip().lower().replace(" ", "_")
        if not sep or not header.strip():
            raise MappingError(f"--map “{pair}” should look like “Header=field”")
        if field not in FIELDS and field != "ignore":
            known = ", ".join(FIELDS)
            raise MappingError(
                f"--map “{pair}”: “{field}” is not a field; use one of {known} or ignore"
            )
        out[normalise_header(header)] = field
    return out


# The header is looked for in the first rows of a table.
HEADER_SEARCH_ROWS = 30


def find_header(rows: list, overrides: dict[str, str] | None) -> tuple[int, list] | None:
    """The header row: the first with at least three known columns, the challenge among them."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = [field_for(cell, overrides) for cell in row.cells]
        known = {f for f in mapping if f and f != "ignore"}
        if len(known) >= 3 and "challenge" in known:
            return index, mapping
    return None

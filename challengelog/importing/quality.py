"""Data-quality findings: what a careful reader of the log would point out before it is used.

Findings never stop an import (unreadable rows do); each names the challenges concerned.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from challengelog.importing.table import Record
from challengelog.register.models import reference_sort_key
from challengelog.register.names import JOINING, ROLE_WORDS, Glossary, fold, key, tokens


@dataclass
class Finding:
    kind: str
    message: str
    references: list[str] = field(default_factory=list)
    data: dict | None = None

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "message": self.message, "references": self.references}
        if self.data:
            out["data"] = self.data
        return out


def _label(record: Record) -> str:
    return f"challenge {record.reference}" if record.reference else f"row {record.row}"


def _date(d) -> str:
    return d.strftime("%d/%m/%Y")


def out_of_sequence(records: list[Record]) -> list[Finding]:
    """Dates that break the order of the references (a later date on an earlier challenge)."""
    numbered = [r for r in records if r.date and reference_sort_key(r.reference)]
    numbered.sort(key=lambda r: reference_sort_key(r.reference))
    findings = []
    for earlier, later in itertools.pairwise(numbered):
        if earlier.date > later.date:
            findings.append(
                Finding(
                    "date_out_of_sequence",
                    f"Challenge {earlier.reference} is dated {_date(earlier.date)}, "
                    f"after challenge "
                    f"{later.reference} ({_date(later.date)}): one of the dates may be wrong",
                    [earlier.reference, later.reference],
                )
            )
    return findings


_CHALLENGE_TO = re.compile(r"^\s*challenge\.?\s+(?:re\.?\s+)?to\s+(?P<who>.+)$", re.IGNORECASE)
_STOP = re.compile(
    r"\s+(?:re\b\.?|regarding|about|around|asking|as\s+(?:their|to|the)|following|to\s+|"
    r"for\s+|on\s+|in\s+their|that|who|which|-)|[.,;:(]",
    re.IGNORECASE,
)


def addressee_in_text(text: str) -> str | None:
    """Who a challenge says it is to, when it opens "Challenge to X ..."."""
    match = _CHALLENGE_TO.match(text or "")
    if not match:
        return None
    who = _STOP.split(match.group("who"), maxsplit=1)[0].strip()
    who = re.sub(r"^the\s+", "", who, flags=re.IGNORECASE)
    # "Challenge to the current training provision" names no body: a name is capitalised.
    return who if who[:1].isupper() else None


def to_disagrees(record: Record, glossary: Glossary) -> Finding | None:
    who = addressee_in_text(record.challenge)
    if not who or not record.to:
        return None

    def unmatched(gloss: Glossary) -> tuple[set, set]:
        named = {w for w in key(who, gloss) if w not in ROLE_WORDS and w not in JOINING}
        recorded = set(key(record.to, gloss)) | {fold(t) for t in tokens(record.to)}
        return named, named - recorded

    named, missing = unmatched(glossary)
    if named and len(missing) * 2 > len(named):
        # The challenge text may spell out what To abbreviates ("NPS and CRC"): read the two
        # together before calling it a disagreement.
        named, missing = unmatched(Glossary([who, record.to, *glossary.expansions.values()]))
    if not named:
        return None
    if len(missing) * 2 > len(named):
        return Finding(
            "to_disagrees",
            f"{_label(record).capitalize()}: the challenge is to “{who}” but To says “{record.to}”",
            [record.reference],
        )
    return None


_CUT = re.compile(r"\b(?:the|a|an|and|of|in|is|are|was|&)$", re.IGNORECASE)


def findings_for(records: list[Record], glossary: Glossary) -> list[Finding]:
    findings = out_of_sequence(records)
    empty_action = [r for r in records if not r.action]
    for r in empty_action:
        findings.append(
            Finding("empty_action", f"{_label(r).capitalize()} has no action", [r.reference])
        )
    for r in records:
        if not r.date:
            findings.append(
                Finding("no_date", f"{_label(r).capitalize()} has no date", [r.reference])
            )
        for column, text in (
            ("challenge", r.challenge),
            ("progress", r.progress),
            ("action", r.action),
        ):
            if text and _CUT.search(text.rstrip()):
                findings.append(
                    Finding(
                        "cut_short",
                        f"{_label(r).capitalize()}: the {column} may be cut short "
                        f"(it ends “…{text[-30:]}”)",
                        [r.reference],
                    )
                )
        disagreement = to_disagrees(r, glossary)
        if disagreement:
            findings.append(disagreement)
    not_recorded = [r.reference for r in records if r.risk == "not_recorded"]
    if not_recorded:
        findings.append(
            Finding(
                "risk_not_recorded",
                f"Risk is not recorded for {len(not_recorded)} challenges "
                "(kept as not recorded, never as no)",
                not_recorded,
            )
        )
    return findings

"""Scoring the personal-data detector against the labelled set: shared by the tests and by
bench/redaction_bench.py, so both report the same figures."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LABELLED_PATH = Path(__file__).parent / "labelled_personal_data.json"

# The label kind each detector kind is scored as: every way of finding a name counts as a name,
# except titled ones (a title or rank before the name), which the tests hold to full recall.
CATEGORY = {
    "titled": "titled",
    "full_name": "name",
    "first_name": "name",
    "possessive": "name",
    "after_role": "name",
    "initials": "initials",
}


def category(kind: str) -> str:
    return CATEGORY.get(kind, kind)


def load() -> dict:
    return json.loads(LABELLED_PATH.read_text("utf-8"))


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    organisations: int = 0
    organisations_kept: int = 0
    kept: int = 0
    kept_kept: int = 0
    misses: list[str] = field(default_factory=list)

    def precision(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fp = self.fp[kind] if kind else sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fn = self.fn[kind] if kind else sum(self.fn.values())
        return tp / (tp + fn) if tp + fn else 1.0

    def organisation_precision(self) -> float:
        return self.organisations_kept / self.organisations if self.organisations else 1.0

    def kept_precision(self) -> float:
        return self.kept_kept / self.kept if self.kept else 1.0

    def kinds(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def score(detect, labelled: dict, known_terms=None) -> Score:
    """detect(text, known_terms) -> detections with .text, .start, .end and .kind. A detection
    counts as found when its exact text is labelled in that sentence (of whatever kind); an
    organisation (or a role, place or programme under 'kept') is kept when no detection touches
    any of its occurrences."""
    terms = labelled["known_terms"] if known_terms is None else known_terms
    result = Score()
    for sentence in labelled["sentences"]:
        text = sentence["text"]
        found = detect(text, terms)
        expected = [(p["text"], p["kind"]) for p in sentence["personal"]]
        for d in found:
            match = next((e for e in expected if e[0] == d.text), None)
            if match:
                result.tp[match[1]] += 1
                expected.remove(match)
            else:
                result.fp[category(d.kind)] += 1
                result.misses.append(f"false {d.kind} {d.text!r} in: {text}")
        for name, kind in expected:
            result.fn[kind] += 1
            result.misses.append(f"missed {kind} {name!r} in: {text}")
        for group, attr in (("organisations", "organisations"), ("kept", "kept")):
            for item in sentence[group]:
                setattr(result, attr, getattr(result, attr) + 1)
                spans = _spans(text, item)
                touched = [d for d in found for s, e in spans if d.start < e and s < d.end]
                if touched:
                    result.misses.append(f"{group[:-1]} {item!r} touched by {touched[0].text!r}")
                else:
                    setattr(result, f"{attr}_kept", getattr(result, f"{attr}_kept") + 1)
    return result


def table(result: Score) -> str:
    lines = [
        f"{'kind':16} {'labelled':>8} {'found':>6} {'false':>6} {'precision':>9} {'recall':>7}"
    ]
    for kind in result.kinds():
        labelled = result.tp[kind] + result.fn[kind]
        lines.append(
            f"{kind:16} {labelled:8} {result.tp[kind]:6} {result.fp[kind]:6} "
            f"{result.precision(kind):9.3f} {result.recall(kind):7.3f}"
        )
    labelled = sum(result.tp.values()) + sum(result.fn.values())
    lines.append(
        f"{'overall':16} {labelled:8} {sum(result.tp.values()):6} {sum(result.fp.values()):6} "
        f"{result.precision():9.3f} {result.recall():7.3f}"
    )
    lines.append(
        f"organisations kept {result.organisations_kept}/{result.organisations} "
        f"(precision {result.organisation_precision():.3f}); roles, places, programmes and "
        f"anonymised references kept {result.kept_kept}/{result.kept} "
        f"({result.kept_precision():.3f})"
    )
    return "\n".join(lines)

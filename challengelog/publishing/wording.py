"""The public wording a person set over a field: in force only while the internal text it was
written over is unchanged (a digest of that text is kept beside it)."""

from __future__ import annotations

import hashlib

from challengelog.publishing.models import WORDING_FIELDS, PublicReview


def _digest(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def wording_in_force(review: PublicReview | None, values: dict) -> dict[str, str]:
    """The public wording a person set that still stands: for each field, only while the
    internal text it was written over is unchanged."""
    if review is None:
        return {}
    return {
        name: entry["public"]
        for name, entry in (review.wording or {}).items()
        if name in WORDING_FIELDS and entry.get("over") == _digest(values.get(name, ""))
    }

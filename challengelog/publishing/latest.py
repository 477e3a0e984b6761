"""The latest publication of each partnership: what the public pages show, their ETag and
the key they are kept under. Asked once per request, and remembered by each server process
for a moment (`PUBLICATION_SECONDS`) and forgotten at once after a publish in it."""

import time

from challengelog.publishing.models import Publication


def publication_of(slug, request=None):
    """The partnership's latest publication (asked once per request)."""
    known = getattr(request, "_publications", None) if request is not None else None
    if known is not None and slug in known:
        return known[slug]
    found = (
        Publication.objects.filter(partnership__slug=slug)
        .only("id", "published_at", "total")
        .order_by("-published_at", "-id")
        .first()
    )
    if request is not None:
        request._publications = {**(known or {}), slug: found}
    return found


# The latest publication of each partnership, as this process last read it: read again after
# PUBLICATION_SECONDS, and at once after a publish in this process. Another process sees a
# publish within PUBLICATION_SECONDS.
PUBLICATION_SECONDS = 1.0
_latest: dict[str, tuple[float, object]] = {}


def latest_publication(slug):
    now = time.monotonic()
    known = _latest.get(slug)
    if known is not None and now - known[0] < PUBLICATION_SECONDS:
        return known[1]
    found = publication_of(slug)
    _latest[slug] = (now, found)
    return found


def forget_publications(**kwargs) -> None:
    _latest.clear()

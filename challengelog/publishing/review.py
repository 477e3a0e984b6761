"""The approval step before a publish: each new or changed challenge's public copy is shown
beside what was last published, with every redaction marked and every capitalised word the
detector left standing put up for a second look; a person approves it, holds it back (with a
reason) or changes its public wording. A publish then publishes exactly what was approved and
records who approved what and when.

A decision holds for the internal record it was made on (its fingerprint): a challenge that
changes afterwards (an agency's response, an edit) waits for a new decision, so nothing
reaches the public that nobody approved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from challengelog.accounts.models import AuditEvent, record_event
from challengelog.publishing import redaction, services
from challengelog.publishing.models import (
    WORDING_FIELDS,
    PublicReview,
    PublishedChallenge,
    PublishingSettings,
)
from challengelog.publishing.wording import _digest, wording_in_force
from challengelog.register.models import Challenge, Partnership
from challengelog.register.selectors import challenges_for_export

# Every redacted field of the public copy, as the review shows it; only the first four take
# public wording of a person's own (the others are names as recorded).
SHOWN_FIELDS = {
    **WORDING_FIELDS,
    "meeting_as_recorded": "Meeting",
    "raised_by_as_recorded": "Raised by",
    "to_as_recorded": "To",
}
# How many challenges waiting for a decision the publishing page shows at once.
PAGE = 25
REASON_LIMIT = 2000
WORDING_LIMIT = 20_000


class ReviewError(ValueError):
    """A decision or wording that cannot be recorded, with what to do about it."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class Stale(ReviewError):
    """The record or its wording changed while the form was open."""


def review_required(partnership: Partnership) -> bool:
    settings = PublishingSettings.objects.filter(partnership=partnership).first()
    return settings is None or not settings.without_review


@transaction.atomic
def set_without_review(*, partnership: Partnership, without_review: bool, user) -> None:
    PublishingSettings.objects.update_or_create(
        partnership=partnership, defaults={"without_review": without_review}
    )
    record_event(
        AuditEvent.Kind.PUBLISH,
        "Publishing without review " + ("turned on" if without_review else "turned off"),
        user=user,
        partnership=partnership,
    )


@dataclass
class Segment:
    text: str
    kind: str = ""  # "" as written, "removed" a redaction, "look" a word for a second look


@dataclass
class FieldView:
    name: str
    label: str
    published: str
    segments: list[Segment]
    public: str
    worded: bool

    @property
    def changed(self) -> bool:
        return self.public != self.published


@dataclass
class Waiting:
    challenge: Challenge
    state: str  # "to_review", "approved", "held", "draft"
    review: PublicReview | None
    fields: list[FieldView] = field(default_factory=list)
    new: bool = False
    fingerprint: str = ""

    @property
    def reference(self) -> str:
        return self.challenge.reference


def marked(text: str, chosen: dict[str, str], terms) -> tuple[list[Segment], str]:
    """The public text as segments (redactions and words for a second look marked) and as
    one string."""
    segments: list[Segment] = []
    position = 0

    def plain(piece: str) -> None:
        start = 0
        for s, e in redaction.second_look(piece, terms):
            if s > start:
                segments.append(Segment(piece[start:s]))
            segments.append(Segment(piece[s:e], "look"))
            start = e
        if start < len(piece):
            segments.append(Segment(piece[start:]))

    for d in redaction.detect(text, terms):
        plain(text[position : d.start])
        replacement = chosen.get(d.text, d.proposal)
        segments.append(Segment(replacement, "removed" if replacement != d.text else ""))
        position = d.end
    plain(text[position:])
    return segments, "".join(s.text for s in segments)


def _state(review: PublicReview | None, current: str) -> str:
    if review is None or review.fingerprint != current:
        return "draft" if review is not None and review.wording else "to_review"
    return review.decision


def waiting(partnership: Partnership, *, limit: int = PAGE) -> tuple[list[Waiting], int]:
    """The challenges never published or changed since, the first ``limit`` with their public
    copy laid out for review, and how many there are in all."""
    references = services.pending(partnership)
    shown = references[:limit]
    if not shown:
        return [], 0
    chosen = services.decisions(partnership)
    terms = services.known_terms(partnership)
    challenges = {
        c.reference: c for c in challenges_for_export(partnership).filter(reference__in=shown)
    }
    reviews = {
        r.challenge_id: r
        for r in PublicReview.objects.filter(challenge__in=list(challenges.values()))
    }
    published = {
        p.reference: p
        for p in PublishedChallenge.objects.filter(partnership=partnership, reference__in=shown)
    }
    out = []
    for reference in shown:
        challenge = challenges[reference]
        values = services.internal_values(challenge)
        review = reviews.get(challenge.pk)
        wording = wording_in_force(review, values)
        copy = published.get(reference)
        current = services.fingerprint(values)
        item = Waiting(
            challenge=challenge,
            state=_state(review, current),
            review=review,
            new=copy is None,
            fingerprint=current,
        )
        for name, label in SHOWN_FIELDS.items():
            segments, public = marked(wording.get(name, values[name] or ""), chosen, terms)
            before = getattr(copy, name, "") if copy is not None else ""
            if not public and not before:
                continue
            item.fields.append(FieldView(name, label, before, segments, public, name in wording))
        out.append(item)
    return out, len(references)


def _challenge(partnership: Partnership, reference: str) -> Challenge:
    challenge = challenges_for_export(partnership).filter(reference=reference).first()
    if challenge is None:
        raise ReviewError(f"There is no challenge {reference} in this log")
    return challenge


def _label(user) -> str:
    return (getattr(user, "email", "") or str(user or ""))[:254]


@transaction.atomic
def decide(
    *,
    partnership: Partnership,
    reference: str,
    decision: str,
    user,
    reason: str = "",
    seen: str = "",
) -> PublicReview:
    """Approve the public copy of a challenge as it stands, or hold it back with a reason.
    ``seen`` is the fingerprint of the record the person looked at: a decision on a record
    that has changed since is refused."""
    if decision not in (PublicReview.Decision.APPROVED, PublicReview.Decision.HELD):
        raise ReviewError("Choose approve or hold back", "decision")
    reason = (reason or "").strip()
    if decision == PublicReview.Decision.HELD and not reason:
        raise ReviewError("Enter why the challenge is held back", "reason")
    if len(reason) > REASON_LIMIT:
        raise ReviewError(f"The reason must be {REASON_LIMIT:,} characters or fewer", "reason")
    challenge = _challenge(partnership, reference)
    current = services.fingerprint(services.internal_values(challenge))
    if seen and seen != current:
        raise Stale(f"Challenge {reference} changed while you were reviewing it: look at it again")
    review = PublicReview.objects.select_for_update().filter(challenge=challenge).first()
    review = review or PublicReview(partnership=partnership, challenge=challenge)
    review.fingerprint = current
    review.decision = decision
    review.reason = reason if decision == PublicReview.Decision.HELD else ""
    review.reviewed_by = user if getattr(user, "is_authenticated", False) else None
    review.reviewed_by_label = _label(user)
    review.reviewed_at = timezone.now()
    review.version = (review.version or 0) + 1
    review.save()
    return review


@transaction.atomic
def set_wording(
    *, partnership: Partnership, reference: str, wording: dict[str, str], user, version: int
) -> PublicReview:
    """Set the public wording of a challenge (its internal record is not touched). Any
    decision made before is undone: the new wording waits for approval. ``version`` is the
    review's version the form was opened with."""
    challenge = _challenge(partnership, reference)
    values = services.internal_values(challenge)
    review = PublicReview.objects.select_for_update().filter(challenge=challenge).first()
    if (review.version if review else 0) != version:
        raise Stale(
            "Someone changed this challenge's public wording while you had it open: "
            "look at it again"
        )
    review = review or PublicReview(partnership=partnership, challenge=challenge, version=0)
    kept = dict(review.wording or {})
    for name, text in wording.items():
        if name not in WORDING_FIELDS:
            continue
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > WORDING_LIMIT:
            raise ReviewError(
                f"{WORDING_FIELDS[name]} must be {WORDING_LIMIT:,} characters or fewer", name
            )
        if "\x00" in text:
            raise ReviewError(f"{WORDING_FIELDS[name]} holds a character that cannot be kept", name)
        if not text or text == (values[name] or ""):
            kept.pop(name, None)
        else:
            kept[name] = {"public": text, "over": _digest(values[name] or "")}
    review.wording = kept
    review.wording_by = _label(user)
    review.fingerprint = services.fingerprint(values)
    review.decision = PublicReview.Decision.DRAFT
    review.reason = ""
    review.version += 1
    review.save()
    return review


def approved_references(partnership: Partnership) -> list[dict]:
    """What the next publish publishes: the challenges whose approval holds for their record
    as it is now, with who approved them and when."""
    approved = PublicReview.Decision.APPROVED
    reviews = {
        r.challenge_id: r
        for r in PublicReview.objects.filter(partnership=partnership, decision=approved)
    }
    published = dict(
        PublishedChallenge.objects.filter(
            partnership=partnership, source__public_review__decision=approved
        ).values_list("source_id", "source_fingerprint")
    )
    out = []
    for challenge in challenges_for_export(partnership).filter(public_review__decision=approved):
        review = reviews[challenge.pk]
        current = services.fingerprint(services.internal_values(challenge))
        if review.fingerprint != current or published.get(challenge.pk) == current:
            continue  # changed since it was approved, or published as it is already
        out.append(
            {
                "reference": challenge.reference,
                "approved_by": review.reviewed_by_label,
                "approved_at": review.reviewed_at.isoformat() if review.reviewed_at else "",
            }
        )
    return out


def publish_approved(*, partnership: Partnership, user=None, request=None, label: str = ""):
    """Publish exactly the approved challenges (none: nothing is done, None is returned)."""
    approvals = approved_references(partnership)
    if not approvals:
        return None
    return services.publish(
        partnership=partnership,
        user=user,
        references=[a["reference"] for a in approvals],
        request=request,
        label=label,
        approvals=approvals,
    )

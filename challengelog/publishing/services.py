"""Publishing: the approved public copy of each challenge, its redaction and its downloads.

publish() takes the internal record, removes every person's name a reviewer has not
approved, writes the public copy, builds the whole-log downloads once, and records the act
in the audit log. The public pages and downloads read only what it wrote.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from challengelog.accounts.models import AuditEvent, record_event
from challengelog.publishing import downloads, redaction
from challengelog.publishing.models import (
    NameReview,
    Publication,
    PublishedChallenge,
    PublishedEntry,
)
from challengelog.register.models import (
    RISK_FLAGS,
    Agency,
    Challenge,
    Forum,
    Partnership,
    ProgressUpdate,
    Raiser,
)
from challengelog.register.selectors import challenges_for_export

REDACTED_FIELDS = (
    "text",
    "action",
    "progress",
    "meeting_as_recorded",
    "to_as_recorded",
    "raised_by_as_recorded",
    "outcome",
)


def known_terms(partnership: Partnership) -> list[str]:
    """Names that are never a person's: the canonical names of the partnership's agencies,
    meetings and raisers. Not their spellings as recorded ("Principal Officer MASH & Early
    Help (SM)"), and not a canonical name that itself holds a name ("JC/HL workshop")."""
    terms = []
    for model in (Agency, Forum, Raiser):
        for name in model.objects.filter(partnership=partnership).values_list("name", flat=True):
            if not _holds_a_name(name):
                terms.append(name)
    return terms


@lru_cache(maxsize=4096)
def _holds_a_name(name: str) -> bool:
    # Called for every canonical name at every publish: remembered, as it never changes.
    return bool(redaction.detect(name))


def decisions(partnership: Partnership) -> dict[str, str]:
    return dict(
        NameReview.objects.filter(partnership=partnership).values_list("name", "replacement")
    )


def _challenges(partnership: Partnership, references=None):
    """The partnership's challenges, or those named: read a thousand references at a time, as
    a database takes only so many values in one query."""
    queryset = challenges_for_export(partnership)
    if references is None:
        yield from queryset
        return
    references = list(references)
    for start in range(0, len(references), 1000):
        yield from queryset.filter(reference__in=references[start : start + 1000])


def internal_values(challenge: Challenge) -> dict:
    """What the public copy is made from, before redaction."""
    updates = [u for u in challenge.updates.all() if u.kind != ProgressUpdate.Kind.STATUS]
    return {
        "reference": challenge.reference,
        "reference_number": challenge.reference_number,
        "date_raised": challenge.date_raised,
        "forum_id": challenge.forum_id,
        "raised_by_id": challenge.raised_by_id,
        "to_all_partners": challenge.to_all_partners,
        "risk": challenge.risk,
        "status": challenge.status,
        "date_resolved": challenge.date_resolved,
        "text": challenge.text,
        "action": challenge.action or "\n".join(a.text for a in challenge.actions.all()),
        "progress": updates[-1].text if updates else "",
        "meeting_as_recorded": challenge.meeting_as_recorded,
        "to_as_recorded": challenge.to_as_recorded,
        "raised_by_as_recorded": challenge.raised_by_as_recorded,
        "outcome": challenge.outcome,
        "agency_ids": sorted(a.pk for a in challenge.agencies.all()),
    }


def fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def changed_since_publication(challenge: Challenge) -> bool:
    published = (
        PublishedChallenge.objects.filter(source=challenge).only("source_fingerprint").first()
    )
    return published is None or published.source_fingerprint != fingerprint(
        internal_values(challenge)
    )


def pending(partnership: Partnership) -> list[str]:
    """References of the challenges never published or changed since their publication."""
    published = dict(
        PublishedChallenge.objects.filter(partnership=partnership).values_list(
            "source_id", "source_fingerprint"
        )
    )
    return [
        c.reference
        for c in _challenges(partnership)
        if published.get(c.pk) != fingerprint(internal_values(c))
    ]


# A marker the redaction puts in place of a name: "[name removed]", "[councillor]".
_MARKER = re.compile(r"\[[^\[\]]*\]")
_SOURCES = {
    PublishedEntry.Kind.AGENCY: Agency,
    PublishedEntry.Kind.FORUM: Forum,
    PublishedEntry.Kind.RAISER: Raiser,
}


def public_label(name: str, chosen: dict[str, str], terms) -> str:
    """A canonical name as the public copy shows it."""
    return redaction.redact(name or "", chosen, terms)


def public_slug(label: str) -> str:
    """The address of an entry's public page, made from its published label without the
    redaction's markers; empty when nothing of the label is left (no page of its own)."""
    return slugify(_MARKER.sub(" ", label))[:100].strip("-")


class _Entries:
    """The partnership's published entries, made as a publish needs them and brought up to
    date with the reference lists once it is done (the snapshot of their names)."""

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.known = {
            (e.kind, e.source_id): e for e in PublishedEntry.objects.filter(partnership=partnership)
        }

    def get(self, kind: str, source_id: int | None) -> PublishedEntry | None:
        if source_id is None:
            return None
        entry = self.known.get((kind, source_id))
        if entry is None:
            entry = PublishedEntry.objects.create(
                partnership=self.partnership, kind=kind, source_id=source_id, name=""
            )
            self.known[(kind, source_id)] = entry
        return entry

    def refresh(self, chosen: dict[str, str], terms) -> None:
        """Every entry a published challenge names gets its label, spellings and slug from the
        reference list as it is now; entries no published challenge names are removed. An
        entry whose internal source has gone (merged, deleted) keeps what was published."""
        used = (
            set(
                PublishedChallenge.objects.filter(partnership=self.partnership)
                .exclude(forum=None)
                .values_list("forum_id", flat=True)
            )
            | set(
                PublishedChallenge.objects.filter(partnership=self.partnership)
                .exclude(raised_by=None)
                .values_list("raised_by_id", flat=True)
            )
            | set(
                PublishedChallenge.agencies.through.objects.filter(
                    publishedchallenge__partnership=self.partnership
                ).values_list("publishedentry_id", flat=True)
            )
        )
        PublishedEntry.objects.filter(partnership=self.partnership).exclude(pk__in=used).delete()
        entries = list(
            PublishedEntry.objects.filter(partnership=self.partnership).order_by("source_id")
        )
        for kind, model in _SOURCES.items():
            ids = [e.source_id for e in entries if e.kind == kind]
            sources = {
                m.pk: m
                for m in model.objects.filter(partnership=self.partnership, pk__in=ids).only(
                    "name", "aliases"
                )
            }
            taken: set[str] = set()
            for entry in (e for e in entries if e.kind == kind):
                source = sources.get(entry.source_id)
                if source is not None:
                    entry.name = public_label(source.name, chosen, terms)
                    entry.aliases = [
                        label
                        for label in dict.fromkeys(
                            public_label(a, chosen, terms) for a in source.aliases
                        )
                        if label != entry.name
                    ]
                slug = base = public_slug(entry.name)
                number = 2
                while slug and slug in taken:
                    slug, number = f"{base}-{number}", number + 1
                taken.add(slug)
                entry.slug = slug
        # Slugs move between entries: cleared first, so no two hold one at any moment.
        PublishedEntry.objects.filter(partnership=self.partnership).update(slug="")
        PublishedEntry.objects.bulk_update(entries, ["name", "aliases", "slug"], batch_size=500)


@transaction.atomic
def publish(
    *,
    partnership: Partnership,
    user=None,
    references=None,
    request=None,
    label: str = "",
    approvals: list[dict] | None = None,
) -> Publication:
    """Publish every challenge of the partnership, or those named; names nobody reviewed are
    removed, and the public wording a person set is used where it still stands. Builds the
    whole-log downloads and records the act (with ``approvals``, who approved what)."""
    from challengelog.publishing.models import PublicReview
    from challengelog.publishing.wording import wording_in_force

    terms = known_terms(partnership)
    chosen = decisions(partnership)
    publication = Publication.objects.create(
        partnership=partnership,
        published_by=user if user and user.is_authenticated else None,
        published_by_label=(user.email if user and user.is_authenticated else label)[:254],
        approvals=approvals or [],
    )
    reviews = {
        r.challenge_id: r
        for r in PublicReview.objects.filter(partnership=partnership).exclude(wording={})
    }
    existing = {p.reference: p for p in PublishedChallenge.objects.filter(partnership=partnership)}
    entries = _Entries(partnership)
    count = 0
    for challenge in _challenges(partnership, references):
        values = internal_values(challenge)
        public = {
            k: v for k, v in values.items() if k not in ("agency_ids", "forum_id", "raised_by_id")
        }
        wording = wording_in_force(reviews.get(challenge.pk), values)
        for name in REDACTED_FIELDS:
            text = wording.get(name, values[name] or "")
            public[name] = redaction.redact(text, chosen, terms)
        copy = existing.get(challenge.reference) or PublishedChallenge(
            partnership=partnership, reference=challenge.reference
        )
        for name, value in public.items():
            setattr(copy, name, value)
        copy.forum = entries.get(PublishedEntry.Kind.FORUM, values["forum_id"])
        copy.raised_by = entries.get(PublishedEntry.Kind.RAISER, values["raised_by_id"])
        copy.source = challenge
        copy.source_fingerprint = fingerprint(values)
        copy.publication = publication
        copy.save()
        copy.agencies.set(
            [entries.get(PublishedEntry.Kind.AGENCY, pk) for pk in values["agency_ids"]]
        )
        count += 1
    publication.count = count
    # The public copies of challenges deleted since (by the retention rule, or by hand) go.
    PublishedChallenge.objects.filter(partnership=partnership, source__isnull=True).delete()
    entries.refresh(chosen, terms)
    publication.total = PublishedChallenge.objects.filter(partnership=partnership).count()
    publication.files = build_downloads(partnership, publication)
    publication.save()
    record_event(
        AuditEvent.Kind.PUBLISH,
        f"Published {count} challenge{'s' if count != 1 else ''}",
        user=user,
        partnership=partnership,
        request=request,
        user_label=label,
        publication=publication.pk,
        count=count,
        approvals=approvals or [],
    )
    return publication


def published_record(item: PublishedChallenge) -> dict:
    """A published challenge in the product's export shape (public keys only), its names as
    they were published."""
    return {
        "reference": item.reference,
        "date": item.date_raised.isoformat() if item.date_raised else None,
        "meeting": item.meeting_as_recorded,
        "challenge": item.text,
        "raised_by": item.raised_by_as_recorded,
        "to": item.to_as_recorded,
        "risk": item.risk_flag,
        "action": item.action,
        "progress": item.progress,
        "resolved": item.resolved,
        "status": item.status,
        "forum": item.forum.name if item.forum else None,
        "agencies": sorted(a.name for a in item.agencies.all()),
    }


def _in_order(queryset):
    return (
        queryset.select_related("forum", "partnership")
        .prefetch_related("agencies")
        .order_by("-sort_date", "-reference_number", "-id")
    )


def published_records(queryset) -> list[dict]:
    return [published_record(item) for item in _in_order(queryset)]


# What a download reads of each published challenge, in the order iter_published_records
# unpacks it: plain values rather than model instances, the larger part of a download's cost.
_RECORD_COLUMNS = (
    "id",
    "partnership_id",
    "sort_date",
    "reference_number",
    "reference",
    "date_raised",
    "meeting_as_recorded",
    "text",
    "raised_by_as_recorded",
    "to_as_recorded",
    "risk",
    "action",
    "progress",
    "status",
    "forum__name",
)


def _chunks(queryset, size: int):
    """The rows (as _RECORD_COLUMNS) in the log's order, size at a time, each chunk one query
    that starts where the last one ended (keyset): a plain query on every database, so the
    first rows come at once however many follow, and no cursor is held open between chunks."""
    from challengelog.register.selectors import NEWEST_FIRST, after_row

    ordered = queryset.order_by(*NEWEST_FIRST)
    chunk = list(ordered.values_list(*_RECORD_COLUMNS)[:size])
    while chunk:
        yield chunk
        if len(chunk) < size:
            return
        pk, _, date, number = chunk[-1][:4]
        chunk = list(
            ordered.filter(after_row(date, number, pk)).values_list(*_RECORD_COLUMNS)[:size]
        )


def iter_published_records(queryset, chunk_size: int = 2000):
    """The same records as published_records, one at a time: the rows read as plain values
    chunk_size at a time, with one query for each chunk's agencies, so a download of any size
    holds only a chunk in memory."""
    through = PublishedChallenge.agencies.through
    for chunk in _chunks(queryset, chunk_size):
        agencies: dict[int, list[str]] = {}
        for pk, name in through.objects.filter(
            publishedchallenge_id__in=[row[0] for row in chunk]
        ).values_list("publishedchallenge_id", "publishedentry__name"):
            agencies.setdefault(pk, []).append(name)
        for (
            pk,
            _,
            _,
            _,
            reference,
            date_raised,
            meeting,
            text,
            raised_by,
            to,
            risk,
            action,
            progress,
            status,
            forum,
        ) in chunk:
            yield {
                "reference": reference,
                "date": date_raised.isoformat() if date_raised else None,
                "meeting": meeting,
                "challenge": text,
                "raised_by": raised_by,
                "to": to,
                "risk": RISK_FLAGS.get(risk),
                "action": action,
                "progress": progress,
                "resolved": status == "assured",
                "status": status,
                "forum": forum,
                "agencies": sorted(agencies.get(pk, ())),
            }


def build_downloads(partnership: Partnership, publication: Publication) -> dict[str, str]:
    """The whole-log files, built once per publication rather than on every request. CSV,
    JSON and Excel are written as the rows are read, for a log of any size (Excel up to the
    rows a sheet can hold); the PDF only for a log of up to ``downloads.WHOLE_PDF_LIMIT``
    challenges (a larger one is read in the other formats, or as filtered PDFs)."""
    published = PublishedChallenge.objects.filter(partnership=partnership)
    count = published.count()
    folder = Path(settings.VAR_DIR) / "published" / partnership.slug / str(publication.pk)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for fmt in ("csv", "json", "xlsx", "pdf"):
        path = folder / downloads.filename(partnership.slug, publication.published_at.date(), fmt)
        if fmt in downloads.STREAMS:
            with path.open("wb") as handle:
                for piece in downloads.STREAMS[fmt](iter_published_records(published)):
                    handle.write(piece)
        elif fmt == "xlsx":
            if count > downloads.XLSX_ROW_LIMIT:
                continue
            downloads.write_xlsx(iter_published_records(published), path)
        else:
            if count > downloads.WHOLE_PDF_LIMIT:
                continue
            data = downloads.to_pdf(
                published_records(published),
                partnership_name=partnership.name,
                published=publication.published_at,
            )
            path.write_bytes(data)
        files[fmt] = str(path)
    return files


def review_name(*, partnership: Partnership, name: str, replacement: str, user) -> NameReview:
    review, _ = NameReview.objects.update_or_create(
        partnership=partnership,
        name=name,
        defaults={"replacement": replacement, "reviewed_by": user},
    )
    return review


def names_found(partnership: Partnership) -> list[dict]:
    """Every person's name the detector finds in the internal log, with where it occurs, its
    proposal and any decision."""
    terms = known_terms(partnership)
    chosen = decisions(partnership)
    found: dict[str, dict] = {}
    for challenge in _challenges(partnership):
        values = internal_values(challenge)
        for field in REDACTED_FIELDS:
            for hit in redaction.detect(values[field] or "", terms):
                entry = found.setdefault(
                    hit.text,
                    {
                        "name": hit.text,
                        "kind": hit.kind,
                        "proposal": hit.proposal,
                        "references": [],
                        "decision": chosen.get(hit.text),
                    },
                )
                if challenge.reference not in entry["references"]:
                    entry["references"].append(challenge.reference)
    return sorted(found.values(), key=lambda e: (e["decision"] is not None, e["name"].lower()))

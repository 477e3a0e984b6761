"""The import: one transactional service, the same for the command line and the web.

read the file -> records -> canonical names -> compare with the register -> write, all or
nothing. A dry run does everything but the write and reports what would happen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from challengelog.followup.meetings import link_raised_in
from challengelog.importing.columns import parse_overrides
from challengelog.importing.models import ImportRun
from challengelog.importing.quality import Finding, findings_for
from challengelog.importing.readers import READERS, ImportRefused, detect_format, read_json
from challengelog.importing.table import (
    Problem,
    ReadResult,
    Record,
    read_records,
    records_from_json,
)
from challengelog.insights.services import suggest_themes
from challengelog.register import names as naming
from challengelog.register.models import (
    Agency,
    Challenge,
    Forum,
    Partnership,
    ProgressUpdate,
    Raiser,
    reference_sort_key,
)

COMPARED = (
    "date_raised",
    "meeting_as_recorded",
    "raised_by_as_recorded",
    "to_as_recorded",
    "text",
    "risk",
    "risk_as_recorded",
    "action",
    "status",
    "date_resolved",
    "to_all_partners",
)


@dataclass
class ImportReport:
    source: str
    format: str = ""
    partnership: str = ""
    dry_run: bool = False
    rows_read: int = 0
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "format": self.format,
            "partnership": self.partnership,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "problems": [p.as_dict() for p in self.problems],
            "findings": [f.as_dict() for f in self.findings],
            "notes": self.notes,
            "columns": self.columns,
        }

    def summary(self) -> str:
        if not self.ok:
            n = len(self.problems)
            return (
                f"{self.source}: refused, nothing imported. {n} problem"
                f"{'s' if n != 1 else ''} to fix in the file."
            )
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.source}: {self.rows_read} challenges read; {len(self.created)} {verb} "
            f"created, {len(self.updated)} {verb} updated, {len(self.unchanged)} unchanged."
        )


class _Refused(Exception):
    """Unwinds the transaction of a refused import."""


def import_file(
    *,
    path: str | Path | None = None,
    name: str | None = None,
    data: bytes | None = None,
    partnership: str,
    partnership_name: str | None = None,
    dry_run: bool = False,
    mapping: list[str] | None = None,
) -> ImportReport:
    """Import a log file into a partnership (created when new). Never half-writes."""
    if data is None:
        path = Path(path)
        name = name or path.name
        if not path.is_file():
            return _refused(name, f"{name}: no such file")
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            return _refused(
                name,
                f"{name}: the file is larger than {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB",
            )
        data = path.read_bytes()
    name = name or "upload"
    report = ImportReport(source=name, partnership=partnership, dry_run=dry_run)
    try:
        overrides = parse_overrides(mapping)
        report.format = detect_format(name, data)
        if report.format == "json":
            result = records_from_json(name, read_json(name, data))
            row_word = "challenge"
        else:
            table = READERS[report.format](name, data)
            result = read_records(table, overrides)
            row_word = table.row_word
    except (ImportRefused, ValueError) as exc:
        report.problems.append(Problem(name, None, None, str(exc).removeprefix(f"{name}: ")))
        return report
    report.columns, report.notes = result.columns, result.notes
    report.problems.extend(result.problems)
    report.problems.extend(_duplicate_references(name, result))
    report.problems.extend(_nul_characters(name, result, row_word))
    report.problems.extend(_too_long(name, result, row_word))
    if not result.records and not report.problems:
        report.problems.append(Problem(name, None, None, "no challenges found below the header"))
    report.rows_read = len(result.records)
    if report.problems:
        return report
    try:
        with transaction.atomic():
            _apply(report, result.records, partnership, partnership_name, data)
            if dry_run:
                raise _Refused
    except _Refused:
        pass
    return report


def _refused(name: str, message: str) -> ImportReport:
    report = ImportReport(source=name)
    report.problems.append(Problem(name, None, None, message.removeprefix(f"{name}: ")))
    return report


def _nul_characters(name: str, result: ReadResult, row_word: str) -> list[Problem]:
    """A NUL character cannot be stored (PostgreSQL refuses it): name where it is. A real log
    has none; one usually means a binary file or a text file in another encoding."""
    problems = []
    for record in result.records:
        values = {k: v for k, v in vars(record).items() if isinstance(v, str)}
        values.update({f"{k} (extra column)": str(v) for k, v in record.extras.items()})
        for position, update in enumerate(record.updates or [], start=1):
            values[f"update {position}"] = f"{update.get('text', '')}{update.get('author', '')}"
        for position, agency in enumerate(record.agency_names or [], start=1):
            values[f"agency {position}"] = agency
        for column, value in values.items():
            if "\x00" in value:
                problems.append(
                    Problem(
                        name,
                        record.row,
                        result.columns.get(column, column),
                        "contains a NUL character, which cannot be stored: is the file really "
                        "text in UTF-8?",
                        row_word,
                    )
                )
    return problems


# The longest each value may be, as the register stores it (a meeting, a raiser and an agency
# also become canonical names of at most 300 characters).
LIMITS = {"reference": 40, "meeting": 300, "raised_by": 300, "to": 300, "risk_as_recorded": 20}


def _too_long(name: str, result: ReadResult, row_word: str) -> list[Problem]:
    problems = []
    for record in result.records:
        values = [(column, getattr(record, column), limit) for column, limit in LIMITS.items()]
        values += [(f"agency {n}", a, 300) for n, a in enumerate(record.agency_names or [], 1)]
        values += [
            ("forum", record.forum_name or "", 300),
            ("raiser", record.raiser_name or "", 300),
        ]
        values += [
            (f"update {n}", str(u.get("author", "")), 200)
            for n, u in enumerate(record.updates or [], 1)
        ]
        for column, value, limit in values:
            if len(value or "") > limit:
                problems.append(
                    Problem(
                        name,
                        record.row,
                        result.columns.get(column, column),
                        f"is {len(value):,} characters long: at most {limit} fit. Is it in the "
                        "right column?",
                        row_word,
                    )
                )
    return problems


def _duplicate_references(name: str, result: ReadResult) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for record in result.records:
        if not record.reference:
            continue
        if record.reference in seen:
            problems.append(
                Problem(
                    name,
                    record.row,
                    "reference",
                    f"reference {record.reference} is used twice "
                    f"(also on row {seen[record.reference]})",
                )
            )
        else:
            seen[record.reference] = record.row
    return problems


class _Names:
    """Canonical entries for one import: existing ones reused, new ones created as needed."""

    def __init__(self, partnership: Partnership, records: list[Record], dry_run: bool):
        self.partnership = partnership
        self.dry_run = dry_run
        self.changed: list = []
        self.entries = {
            model: {e.name: e for e in model.objects.filter(partnership=partnership)}
            if partnership.pk
            else {}
            for model in (Agency, Forum, Raiser)
        }
        existing_names = [
            s for objs in self.entries.values() for e in objs.values() for s in e.spellings
        ]
        self.glossary = naming.Glossary(
            [r.meeting for r in records]
            + [r.raised_by for r in records]
            + [r.to for r in records]
            + existing_names
        )
        self.known_recipients = naming.known_recipient_keys(
            [r.to for r in records] + list(self._spellings(Agency)), self.glossary
        )
        self.parts = {r.to: self._recipients(r.to) for r in records if r.agency_names is None}
        self.clusters = {
            Forum: self._cluster(Forum, [r.meeting for r in records if r.forum_name is None]),
            Raiser: self._cluster(Raiser, [r.raised_by for r in records if r.raiser_name is None]),
            Agency: self._cluster(
                Agency, [p for r in records if r.agency_names is None for p in self.parts[r.to]]
            ),
        }

    def _spellings(self, model):
        return [s for e in self.entries[model].values() for s in e.spellings]

    def _recipients(self, to: str) -> list[str]:
        if naming.all_partners(to):
            return []
        parts = naming.split_recipients(to, self.known_recipients, self.glossary)
        return [naming.agency_core(p) for p in parts]

    def _cluster(self, model, spellings: list[str]) -> naming.Clustering:
        existing = {e.name: e.aliases for e in self.entries[model].values()}
        return naming.cluster(spellings, self.glossary, existing)

    def entry(self, model, spelling: str, canonical: str | None = None):
        """The canonical entry for a spelling, created or given the spelling as an alias."""
        if not spelling and not canonical:
            return None
        name = canonical or self.clusters[model].canonical(spelling)
        entries = self.entries[model]
        entry = entries.get(name)
        if entry is None:
            entry = model(partnership=self.partnership, name=name)
            if model is Forum:
                entry.kind = naming.forum_kind(name)
            entries[name] = entry
            self.changed.append(entry)
        if spelling and entry.add_alias(spelling) and entry not in self.changed:
            self.changed.append(entry)
        return entry

    def save(self) -> None:
        for entry in self.changed:
            entry.save()

    def findings(self) -> list[Finding]:
        out = []
        labels = {Forum: "meeting", Raiser: "raised-by", Agency: "agency"}
        lists = {Forum: "forum", Raiser: "raised_by", Agency: "agency"}
        for model, clustering in self.clusters.items():
            for name, others in clustering.merged():
                spelled = ", ".join(f"“{o}”" for o in others)
                out.append(
                    Finding("names_merged", f"The {labels[model]} names {spelled} read as “{name}”")
                )
            for review in clustering.reviews:
                out.append(
                    Finding(
                        "names_for_review",
                        f"The {labels[model]} “{review.spelling}” may be the same as "
                        f"“{review.candidate}” ({review.why}): kept apart until someone decides",
                        data={
                            "list": lists[model],
                            "spelling": review.spelling,
                            "candidate": review.candidate,
                        },
                    )
                )
        return out


def _apply(report: ImportReport, records: list[Record], slug: str, name: str | None, data: bytes):
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        partnership = Partnership(slug=slug, name=name or Partnership.name_from_slug(slug))
        try:
            partnership.full_clean()
        except Exception as exc:
            messages = getattr(exc, "message_dict", {}).get("slug") or [str(exc)]
            report.problems.append(
                Problem(report.source, None, None, f"partnership “{slug}”: {' '.join(messages)}")
            )
            raise _Refused from None
        partnership.save()
    names = _Names(partnership, records, report.dry_run)
    report.findings = findings_for(records, names.glossary) + names.findings()

    existing = {
        c.reference: c
        for c in Challenge.objects.filter(partnership=partnership)
        .select_related("forum", "raised_by")
        .prefetch_related("agencies", "updates")
    }
    by_fingerprint = {(c.date_raised, c.text): c for c in existing.values()}
    next_number = max([reference_sort_key(r) for r in existing] + [0])
    next_number = max(next_number, *[reference_sort_key(r.reference) for r in records], 0)

    plans = []
    for record in sorted(records, key=lambda r: (r.date is None, r.date, -r.row)):
        if not record.reference:
            found = by_fingerprint.get((record.date, record.challenge))
            if found:
                record.reference = found.reference
            else:
                next_number += 1
                record.reference = str(next_number)
        plans.append((record, existing.get(record.reference)))

    rows = []
    for record, challenge in plans:
        # A name as recorded that has not changed keeps the entry it has now: the reference
        # lists may have been merged or renamed since, and a re-import must not undo that.
        if (
            challenge
            and record.forum_name is None
            and record.meeting == challenge.meeting_as_recorded
        ):
            forum = challenge.forum
        else:
            forum = names.entry(Forum, record.meeting, record.forum_name)
        if (
            challenge
            and record.raiser_name is None
            and (record.raised_by == challenge.raised_by_as_recorded)
        ):
            raiser = challenge.raised_by
        else:
            raiser = names.entry(Raiser, record.raised_by, record.raiser_name)
        if record.agency_names is not None:
            # The export's own canonical names are taken as they are, not re-clustered.
            agencies = [names.entry(Agency, "", n) for n in record.agency_names]
            if len(agencies) == 1 and record.to:
                names.entry(Agency, record.to, agencies[0].name)
            to_all = bool(record.to_all_partners)
        elif challenge and record.to == challenge.to_as_recorded:
            agencies = list(challenge.agencies.all())
            to_all = challenge.to_all_partners
        else:
            to_all = naming.all_partners(record.to)
            agencies = [names.entry(Agency, p) for p in names.parts[record.to]]
        rows.append((record, challenge, forum, raiser, agencies, to_all))
    names.save()

    new_challenges, new_updates, links, touched = [], [], [], []
    through = Challenge.agencies.through
    for record, challenge, forum, raiser, agencies, to_all in rows:
        values = {
            "date_raised": record.date,
            "meeting_as_recorded": record.meeting,
            "raised_by_as_recorded": record.raised_by,
            "to_as_recorded": record.to,
            "text": record.challenge,
            "risk": record.risk,
            "risk_as_recorded": record.risk_as_recorded,
            "action": record.action,
            "status": record.status,
            "date_resolved": record.date_resolved,
            "to_all_partners": to_all,
        }
        timeline = _timeline(record)
        agency_ids = {a.pk for a in agencies}
        if challenge is None:
            challenge = Challenge(
                partnership=partnership,
                reference=record.reference,
                forum=forum,
                raised_by=raiser,
                **values,
            )
            challenge.reference_number = reference_sort_key(record.reference)
            # An open challenge with no progress on record still awaits its first response.
            if record.status == Challenge.Status.OPEN and not timeline:
                challenge.awaiting_since = record.date
            new_challenges.append((challenge, agency_ids, timeline))
            report.created.append(record.reference)
            continue
        changed = [f for f in COMPARED if getattr(challenge, f) != values[f]]
        if challenge.forum_id != (forum.pk if forum else None):
            changed.append("forum")
        if challenge.raised_by_id != (raiser.pk if raiser else None):
            changed.append("raised_by")
        if {a.pk for a in challenge.agencies.all()} != agency_ids:
            changed.append("agencies")
        old_timeline = [
            (u.date, u.text, u.author_name, u.imported)
            for u in challenge.updates.all()
            if record.updates is not None or u.imported
        ]
        if old_timeline != timeline:
            changed.append("progress")
        if not changed:
            report.unchanged.append(record.reference)
            continue
        report.updated[record.reference] = changed
        for f, v in values.items():
            setattr(challenge, f, v)
        challenge.forum, challenge.raised_by = forum, raiser
        challenge.save()
        touched.append(challenge)
        if "agencies" in changed:
            challenge.agencies.set(agency_ids)
        if "progress" in changed:
            stale = (
                challenge.updates.all()
                if record.updates is not None
                else challenge.updates.filter(imported=True)
            )
            stale.delete()
            start = max([u.position for u in challenge.updates.all()] + [0])
            new_updates.extend(_update_rows(challenge, timeline, start))

    # Created with their first historical record, so the history starts at the import.
    _create_with_history([c for c, _, _ in new_challenges], f"Imported from {report.source}"[:100])
    for challenge, agency_ids, timeline in new_challenges:
        links.extend(through(challenge_id=challenge.pk, agency_id=a) for a in agency_ids)
        new_updates.extend(_update_rows(challenge, timeline, 0))
    through.objects.bulk_create(links, batch_size=1000)
    ProgressUpdate.objects.bulk_create(new_updates, batch_size=1000)
    suggest_themes([c for c, _, _ in new_challenges] + touched)
    if new_challenges:
        link_raised_in(partnership)

    ImportRun.objects.create(
        partnership=partnership,
        source=report.source,
        format=report.format,
        sha256=hashlib.sha256(data).hexdigest(),
        created_count=len(report.created),
        updated_count=len(report.updated),
        unchanged_count=len(report.unchanged),
        report=report.as_dict(),
    )


def _timeline(record: Record) -> list[tuple]:
    if record.updates is not None:
        return [(u["date"], u["text"], u["author"], u["imported"]) for u in record.updates]
    # Imported progress has no date: the log never recorded one, so none is invented.
    return [(None, record.progress, "", True)] if record.progress else []


def _create_with_history(challenges: list[Challenge], reason: str) -> None:
    """Insert the challenges, and their first historical records copied from the rows just
    written in one INSERT ... SELECT per batch: what django-simple-history's
    bulk_create_with_history writes (type "+", the reason, the person importing if known, one
    time), without building a second model instance for each."""
    from django.db import connection
    from django.utils import timezone

    if not challenges:
        return
    Challenge.objects.bulk_create(challenges, batch_size=500)
    history = Challenge.history.model
    user = history.get_default_history_user(challenges[0])
    names = [f.name for f in history.tracked_fields]
    target = [history._meta.get_field(name).column for name in names]
    source = [Challenge._meta.get_field(name).column for name in names]
    when = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(challenges), 500):
            ids = [c.pk for c in challenges[start : start + 500]]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "
                f"({', '.join(map(quote, target))}, history_date, history_change_reason, "
                f"history_type, history_user_id) "
                f"SELECT {', '.join(map(quote, source))}, %s, %s, '+', %s "
                f"FROM {quote(Challenge._meta.db_table)} "
                f"WHERE id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id",
                [when, reason, getattr(user, "pk", None), *ids],
            )


def _update_rows(challenge: Challenge, timeline: list[tuple], start: int) -> list[ProgressUpdate]:
    return [
        ProgressUpdate(
            challenge=challenge, date=d, text=t, author_name=a, imported=i, position=start + n
        )
        for n, (d, t, a, i) in enumerate(timeline, start=1)
    ]

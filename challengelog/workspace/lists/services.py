"""Changes to a partnership's reference lists (agencies, meetings, raisers): rename, merge,
retire, membership and succession, and decisions on the names an import put up for review.

Each change is one transaction, is saved object by object so that the history records who
made it, and is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, ProtectedError, Q, RestrictedError
from django.utils import timezone

from challengelog.accounts.models import AuditEvent, Membership, record_event
from challengelog.importing.models import ImportRun
from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    Forum,
    Partnership,
    ProgressUpdate,
    Raiser,
)


@dataclass(frozen=True)
class ListKind:
    """One reference list: its address in the pages, its model and its words."""

    kind: str  # in web addresses
    key: str  # in import reports ("agency", "forum", "raised_by")
    model: type
    title: str
    singular: str
    public_url: str  # name of the public page listing its challenges


KINDS = {
    "agencies": ListKind("agencies", "agency", Agency, "Agencies", "Agency", "entry-agencies"),
    "meetings": ListKind(
        "meetings", "forum", Forum, "Meetings and sources", "Meeting or source", "entry-meetings"
    ),
    "raised-by": ListKind(
        "raised-by", "raised_by", Raiser, "Raised by", "Raised by", "entry-raised-by"
    ),
}
BY_KEY = {k.key: k for k in KINDS.values()}
BY_MODEL = {k.model: k for k in KINDS.values()}

KEEP_APART = "keep_apart"
MERGE_CANDIDATE = "merge_candidate_into_spelling"
MERGE_SPELLING = "merge_spelling_into_candidate"
DECISIONS = (KEEP_APART, MERGE_CANDIDATE, MERGE_SPELLING)


class ListError(Exception):
    """A change refused, with the message to show and the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _relation(model) -> str:
    return "challenges" if model is Agency else "challenge"


def entries_with_counts(model, partnership: Partnership):
    """Every entry of a list, alphabetically, with its challenges counted."""
    relation = _relation(model)
    return (
        model.objects.filter(partnership=partnership)
        .annotate(
            total=Count(relation, distinct=True),
            open=Count(relation, filter=Q(**{f"{relation}__status": "open"}), distinct=True),
        )
        .order_by("name")
    )


def entry_counts(entry) -> dict[str, int]:
    """How much points at one entry: challenges, open ones, and for an agency its actions,
    responses, the leads who answer for it and the agencies it took over from."""
    challenges = entry.challenges if isinstance(entry, Agency) else entry.challenge_set
    counts = {
        "challenges": challenges.count(),
        "open": challenges.filter(status=Challenge.Status.OPEN).count(),
    }
    if isinstance(entry, Agency):
        counts["actions"] = entry.actions.count()
        counts["responses"] = entry.responses.count()
        counts["leads"] = entry.leads.count()
    return counts


def _same_name(model, partnership, name: str, exclude_pk=None):
    """Another entry of the list already called `name` (ignoring case), or spelt that way."""
    others = model.objects.filter(partnership=partnership).exclude(pk=exclude_pk)
    found = others.filter(name__iexact=name).first()
    if found:
        return found, "name"
    folded = name.casefold()
    for other in others.exclude(aliases=[]):
        if any(a.casefold() == folded for a in other.aliases):
            return other, "alias"
    return None, None


def _locked(entry):
    return type(entry).objects.select_for_update().get(pk=entry.pk)


def _save(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj.save()


def _event(summary: str, *, user, partnership, request, **detail) -> None:
    record_event(
        AuditEvent.Kind.LISTS,
        summary,
        user=user,
        partnership=partnership,
        request=request,
        **detail,
    )


@transaction.atomic
def rename_entry(*, entry, name: str, user, request=None):
    """Give an entry a new name; the old one is kept as one of its spellings."""
    entry = _locked(entry)
    kind = BY_MODEL[type(entry)]
    name = " ".join((name or "").split())
    if not name:
        raise ListError("Enter the new name", "name")
    if name == entry.name:
        raise ListError(f"The name is already “{name}”: enter a different name", "name")
    other, how = _same_name(type(entry), entry.partnership, name, exclude_pk=entry.pk)
    if how == "name":
        raise ListError(
            f"There is already an entry called “{other.name}” in {kind.title.lower()}: "
            "enter a different name, or merge the two",
            "name",
        )
    if how == "alias":
        raise ListError(
            f"“{name}” is already a spelling of “{other.name}”: enter a different name, "
            "or merge the two",
            "name",
        )
    old = entry.name
    entry.name = name
    entry.aliases = [a for a in entry.aliases if a != name]
    entry.add_alias(old)
    _save(entry, user, f"Renamed from {old}")
    _event(
        f"Renamed {kind.singular.lower()} “{old}” to “{name}”",
        user=user,
        partnership=entry.partnership,
        request=request,
        list=kind.key,
        entry=entry.slug,
        old=old,
        new=name,
    )
    return entry


@transaction.atomic
def merge_entries(*, source, target, user, request=None):
    """Merge `source` into `target`: everything that points at the source points at the
    target instead, the source's spellings become the target's, and the source is deleted."""
    if type(source) is not type(target) or source.partnership_id != target.partnership_id:
        raise ListError("Choose an entry of the same list to merge into", "target")
    if source.pk == target.pk:
        raise ListError("An entry cannot be merged into itself: choose another entry", "target")
    model = type(source)
    kind = BY_MODEL[model]
    source, target = _locked(source), _locked(target)
    reason = f"Merged {source.name} into {target.name}"
    moved = 0

    if model is Agency:
        for challenge in Challenge.objects.select_for_update().filter(agencies=source):
            # One historical record per challenge, with its agencies as they now are.
            challenge.skip_history_when_saving = True
            challenge.agencies.remove(source)
            challenge.agencies.add(target)
            del challenge.skip_history_when_saving
            challenge.version += 1
            _save(challenge, user, reason)
            moved += 1
        for action in Action.objects.select_for_update().filter(agency=source):
            action.agency = target
            _save(action, user, reason)
        for update in ProgressUpdate.objects.select_for_update().filter(agency=source):
            update.agency = target
            _save(update, user, reason)
        for membership in Membership.objects.filter(agencies=source):
            membership.agencies.remove(source)
            membership.agencies.add(target)
        predecessors = Agency.objects.select_for_update().filter(successor=source)
        for predecessor in predecessors.exclude(pk=target.pk):
            predecessor.successor = target
            _save(predecessor, user, reason)
        if target.successor_id == source.pk:
            target.successor, target.succeeded_on = None, None
        target.is_member = target.is_member or source.is_member
        if target.successor_id is None and source.successor_id not in (None, target.pk):
            target.successor_id, target.succeeded_on = source.successor_id, source.succeeded_on
    else:
        field = "forum" if model is Forum else "raised_by"
        for challenge in Challenge.objects.select_for_update().filter(**{field: source}):
            setattr(challenge, field, target)
            challenge.version += 1
            _save(challenge, user, reason)
            moved += 1
        if model is Forum:
            from challengelog.followup.meetings import merge_meetings

            merge_meetings(source, target)

    for spelling in source.spellings:
        if spelling != target.name:
            target.add_alias(spelling)
    _save(target, user, reason)
    source._history_user = user
    source._change_reason = reason[:100]
    try:
        source.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ListError(
            f"“{source.name}” is still used elsewhere and cannot be merged ({exc})", "target"
        ) from None
    _event(
        f"Merged {kind.singular.lower()} “{source.name}” into “{target.name}” "
        f"({moved} challenge{'' if moved == 1 else 's'} moved)",
        user=user,
        partnership=target.partnership,
        request=request,
        list=kind.key,
        source=source.name,
        source_slug=source.slug,
        target=target.name,
        target_slug=target.slug,
        challenges=moved,
    )
    return target, moved


@transaction.atomic
def set_retired(*, entry, retired: bool, user, request=None):
    """Retire an entry (no longer offered for new challenges; old ones keep it) or restore it."""
    entry = _locked(entry)
    kind = BY_MODEL[type(entry)]
    if entry.retired == retired:
        return entry
    entry.retired = retired
    _save(entry, user, "Retired" if retired else "Restored")
    _event(
        f"{'Retired' if retired else 'Restored'} {kind.singular.lower()} “{entry.name}”",
        user=user,
        partnership=entry.partnership,
        request=request,
        list=kind.key,
        entry=entry.slug,
        retired=retired,
    )
    return entry


@transaction.atomic
def set_member(*, agency: Agency, is_member: bool, user, request=None) -> Agency:
    """Mark an agency as a member of the partnership, or not."""
    agency = _locked(agency)
    if agency.is_member == is_member:
        return agency
    agency.is_member = is_member
    _save(agency, user, "Member agency" if is_member else "Not a member agency")
    _event(
        f"Agency “{agency.name}” {'is now' if is_member else 'is no longer'} a member agency",
        user=user,
        partnership=agency.partnership,
        request=request,
        list="agency",
        entry=agency.slug,
        is_member=is_member,
    )
    return agency


@transaction.atomic
def set_successor(
    *, agency: Agency, successor: Agency | None, date: dt.date | None, user, request=None
) -> Agency:
    """Record the body that took over an agency's work and when, or clear it."""
    agency = _locked(agency)
    if successor is not None:
        if successor.pk == agency.pk:
            raise ListError("An agency cannot succeed itself: choose another agency", "successor")
        if successor.partnership_id != agency.partnership_id:
            raise ListError("Choose an agency of this partnership", "successor")
        if date is None:
            raise ListError("Enter the date it took over", "succeeded_on")
        if date > timezone.localdate():
            raise ListError("The date it took over must be today or in the past", "succeeded_on")
        seen, step = {successor.pk}, successor
        while step.successor_id is not None:
            if step.successor_id == agency.pk:
                raise ListError(
                    f"“{successor.name}” is itself succeeded, in the end, by “{agency.name}”: "
                    "choose another agency",
                    "successor",
                )
            if step.successor_id in seen:
                break
            seen.add(step.successor_id)
            step = step.successor
    else:
        date = None
    if agency.successor_id == (successor.pk if successor else None) and (
        agency.succeeded_on == date
    ):
        return agency
    agency.successor = successor
    agency.succeeded_on = date
    _save(agency, user, "Succession recorded" if successor else "Succession cleared")
    if successor:
        summary = f"Agency “{agency.name}” succeeded by “{successor.name}” on {date:%d/%m/%Y}"
    else:
        summary = f"Agency “{agency.name}” no longer has a successor"
    _event(
        summary,
        user=user,
        partnership=agency.partnership,
        request=request,
        list="agency",
        entry=agency.slug,
        successor=successor.slug if successor else None,
        succeeded_on=date.isoformat() if date else None,
    )
    return agency


# Names for review ---------------------------------------------------------------------------


@dataclass
class Review:
    """A pair of entries the last import thought might be one: kept apart until decided."""

    kind: ListKind
    spelling: str  # entry A, as the import named it
    candidate: str  # entry B
    a: object  # the entries as they now are
    b: object
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind.key, self.spelling, self.candidate)


def latest_run(partnership: Partnership) -> ImportRun | None:
    return ImportRun.objects.filter(partnership=partnership).order_by("-started", "-pk").first()


def _pair(list_key, a, b) -> tuple:
    return (list_key, *sorted((a, b)))


def decided_pairs(partnership: Partnership) -> set[tuple]:
    """Pairs decided in any import's report, either way round."""
    out = set()
    reports = ImportRun.objects.filter(
        partnership=partnership, report__has_key="review_decisions"
    ).values_list("report", flat=True)
    for report in reports:
        for d in (report or {}).get("review_decisions") or []:
            if isinstance(d, dict) and d.get("list") and d.get("spelling") and d.get("candidate"):
                out.add(_pair(d["list"], d["spelling"], d["candidate"]))
    return out


def _resolver(model, partnership):
    """Find an entry by name, or else by one of its spellings (after a rename or merge)."""
    by_name, by_alias = {}, {}
    for e in entries_with_counts(model, partnership):
        by_name[e.name] = e
        for a in e.aliases:
            by_alias.setdefault(a, e)
    return lambda name: by_name.get(name) or by_alias.get(name)


def pending_reviews(partnership: Partnership, run: ImportRun | None = None) -> list[Review]:
    """The latest import's names for review that nobody has decided and that still name two
    different entries."""
    run = run or latest_run(partnership)
    if run is None or not isinstance(run.report, dict):
        return []
    decided = decided_pairs(partnership)
    resolvers = {}
    out, seen = [], set()
    for finding in run.report.get("findings") or []:
        if not isinstance(finding, dict) or finding.get("kind") != "names_for_review":
            continue
        data = finding.get("data")
        if not isinstance(data, dict):
            continue
        kind = BY_KEY.get(data.get("list"))
        spelling, candidate = data.get("spelling"), data.get("candidate")
        if kind is None or not spelling or not candidate:
            continue
        pair = _pair(kind.key, spelling, candidate)
        if pair in decided or pair in seen:
            continue
        if kind.key not in resolvers:
            resolvers[kind.key] = _resolver(kind.model, partnership)
        a, b = resolvers[kind.key](spelling), resolvers[kind.key](candidate)
        if a is None or b is None or a.pk == b.pk:
            continue
        seen.add(pair)
        out.append(Review(kind, spelling, candidate, a, b, finding.get("message", "")))
    return out


@transaction.atomic
def decide_review(
    *,
    partnership: Partnership,
    list_key: str,
    spelling: str,
    candidate: str,
    decision: str,
    user,
    request=None,
) -> str:
    """Act on a pair put up for review: merge one into the other, or keep them apart. The
    decision is kept in the latest import's report so that the pair is not asked about again.
    Returns what was done, for the page to say."""
    if decision not in DECISIONS:
        raise ListError("Choose what to do with the pair")
    run = latest_run(partnership)
    if run is None:
        raise ListError("There are no names waiting for review")
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    review = next(
        (r for r in pending_reviews(partnership, run) if r.key == (list_key, spelling, candidate)),
        None,
    )
    if review is None:
        raise ListError(
            f"“{spelling}” and “{candidate}” are no longer waiting for a decision: "
            "someone may have decided already"
        )
    if decision == KEEP_APART:
        done = f"“{review.a.name}” and “{review.b.name}” are kept apart"
        _event(
            f"Kept {review.kind.singular.lower()} “{review.a.name}” and “{review.b.name}” apart",
            user=user,
            partnership=partnership,
            request=request,
            list=list_key,
            spelling=spelling,
            candidate=candidate,
            decision=decision,
        )
    else:
        source, target = (
            (review.b, review.a) if decision == MERGE_CANDIDATE else (review.a, review.b)
        )
        target, moved = merge_entries(source=source, target=target, user=user, request=request)
        done = (
            f"“{source.name}” was merged into “{target.name}”: "
            f"{moved} challenge{'' if moved == 1 else 's'} moved"
        )
    report = dict(run.report)
    report["review_decisions"] = [
        *(report.get("review_decisions") or []),
        {
            "list": list_key,
            "spelling": spelling,
            "candidate": candidate,
            "decision": decision,
            "by": getattr(user, "email", ""),
            "at": timezone.now().isoformat(),
        },
    ]
    run.report = report
    run.save(update_fields=["report"])
    return done

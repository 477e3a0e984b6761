"""The retention rule: a partnership keeps closed challenges (assured, closed without
assurance, withdrawn) for so many months after they closed, then they are deleted with
everything that hangs off them: actions, the timeline, evidence rows and files, escalations,
meeting-agenda entries, themes, view records, and every version in the history. The deletion
is logged by reference and count, never with the content.

A challenge closed on an unknown date counts from the day it was raised; one with neither date
is kept (nothing says how old it is) and the page says how many there are. The published copy
of a deleted challenge stays in the published log until the log is next published, which
drops it (the published log is made from the challenges there are)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Coalesce

from challengelog.accounts.models import AuditEvent, record_event
from challengelog.register.models import (
    Action,
    Challenge,
    Evidence,
    Partnership,
    ProgressUpdate,
)

CLOSED = [Challenge.Status.ASSURED, Challenge.Status.NOT_ASSURED, Challenge.Status.WITHDRAWN]


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def cutoff(partnership: Partnership, today: dt.date) -> dt.date | None:
    if partnership.retention_months is None:
        return None
    return months_before(today, partnership.retention_months)


def closed(partnership: Partnership):
    return Challenge.objects.filter(partnership=partnership, status__in=CLOSED).annotate(
        closed_on=Coalesce("date_resolved", "date_raised")
    )


def due(partnership: Partnership, today: dt.date):
    """The closed challenges the rule deletes today (none without a rule)."""
    before = cutoff(partnership, today)
    if before is None:
        return Challenge.objects.none()
    return closed(partnership).filter(closed_on__lt=before)


def undated(partnership: Partnership) -> int:
    return closed(partnership).filter(closed_on__isnull=True).count()


@dataclass
class Deleted:
    partnership: Partnership
    before: dt.date | None
    references: list[str] = field(default_factory=list)
    files: int = 0


def apply(partnership: Partnership, today: dt.date, *, user=None, request=None) -> Deleted:
    from challengelog.insights.services import refresh_recurring

    result = Deleted(partnership=partnership, before=cutoff(partnership, today))
    with transaction.atomic():
        rows = list(due(partnership, today).select_for_update().values_list("pk", "reference"))
        if not rows:
            return result
        ids = [pk for pk, _ in rows]
        result.references = sorted((ref for _, ref in rows), key=_number)
        files = list(
            Evidence.objects.filter(update__challenge_id__in=ids).values_list("file", flat=True)
        )
        storage = Evidence._meta.get_field("file").storage
        for start in range(0, len(ids), 500):
            Challenge.objects.filter(pk__in=ids[start : start + 500]).delete()
        # The history keeps every version, and deleting adds one more: they go too.
        Challenge.history.model.objects.filter(id__in=ids).delete()
        Action.history.model.objects.filter(challenge_id__in=ids).delete()
        ProgressUpdate.history.model.objects.filter(challenge_id__in=ids).delete()
        agencies = Challenge.agencies.through
        history_of_agencies = getattr(agencies, "history", None)
        if history_of_agencies is not None:
            history_of_agencies.model.objects.filter(challenge_id__in=ids).delete()
        result.files = len(files)
        record_event(
            AuditEvent.Kind.RETENTION,
            f"Deleted {len(ids)} closed challenge{'s' if len(ids) != 1 else ''} under the "
            f"{partnership.retention_months}-month retention rule (closed before "
            f"{result.before:%d/%m/%Y}), with {len(files)} evidence file"
            f"{'s' if len(files) != 1 else ''}: {_ranges(result.references)}",
            user=user,
            partnership=partnership,
            request=request,
            references=result.references,
        )
        transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    refresh_recurring(partnership)
    return result


def _number(reference: str) -> tuple:
    return (0, int(reference), "") if reference.isdigit() else (1, 0, reference)


def _ranges(references: list[str]) -> str:
    """1, 2, 3, 7 → "1-3, 7": the summary stays short; the detail keeps the full list."""
    out, run = [], []
    for ref in references:
        if ref.isdigit() and run and int(ref) == int(run[-1]) + 1:
            run.append(ref)
            continue
        if run:
            out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
        run = [ref]
    if run:
        out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
    text = ", ".join(out)
    return text if len(text) <= 300 else text[:300] + "…"

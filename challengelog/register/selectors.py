"""Reads of the register. Querysets, with what their callers need fetched in few queries."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet

from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    Partnership,
    ProgressUpdate,
)


def challenges_for_export(partnership: Partnership) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(partnership=partnership)
        .select_related("forum", "raised_by")
        .prefetch_related(
            "agencies",
            "actions",
            Prefetch("updates", queryset=ProgressUpdate.objects.order_by("position", "id")),
        )
        .order_by(*NEWEST_FIRST)
    )


def latest_update(challenge: Challenge) -> ProgressUpdate | None:
    """The newest entry of a prefetched timeline."""
    updates = list(challenge.updates.all())
    return updates[-1] if updates else None


class PartnershipNotChosen(ValueError):
    pass


def partnership_slug(given: str | None) -> str:
    """The partnership given, or the only one there is."""
    if given:
        return given
    slugs = list(Partnership.objects.values_list("slug", flat=True)[:2])
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        raise PartnershipNotChosen("there is no partnership yet: name one with --partnership SLUG")
    raise PartnershipNotChosen(
        "this installation holds several partnerships: choose one with --partnership SLUG"
    )


PAGE_SIZE = 50
COUNT_LIMIT = 1_000


class BadCursor(ValueError):
    pass


@dataclass
class Page:
    rows: list
    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def count_label(self) -> str:
        if self.count_capped:
            return f"More than {self.count:,} challenges"
        return f"{self.count:,} challenge{'' if self.count == 1 else 's'}"


def _cursor(challenge: Challenge) -> str:
    return f"{challenge.sort_date.isoformat()}.{challenge.reference_number}.{challenge.pk}"


def _read_cursor(text: str) -> tuple[dt.date, int, int]:
    try:
        date, number, pk = text.split(".")
        return dt.date.fromisoformat(date), int(number), int(pk)
    except ValueError:
        raise BadCursor(text) from None


def after_row(date, number, pk) -> Q:
    """Rows after (date, number, pk) in the log's order: newest first. The leading range on
    sort_date alone lets PostgreSQL walk the index; the rest picks within the same date."""
    return Q(sort_date__lte=date) & (
        Q(sort_date__lt=date)
        | Q(sort_date=date, reference_number__lt=number)
        | Q(sort_date=date, reference_number=number, pk__lt=pk)
    )


def _before(date, number, pk) -> Q:
    return Q(sort_date__gte=date) & (
        Q(sort_date__gt=date)
        | Q(sort_date=date, reference_number__gt=number)
        | Q(sort_date=date, reference_number=number, pk__gt=pk)
    )


NEWEST_FIRST = ["-sort_date", "-reference_number", "-pk"]
OLDEST_FIRST = ["sort_date", "reference_number", "pk"]


# What the log's table shows of each row (register/_listing.html), and the keyset's columns.
LISTING_COLUMNS = (
    "partnership",
    "reference",
    "reference_number",
    "sort_date",
    "date_raised",
    "text",
    "meeting_as_recorded",
    "to_as_recorded",
    "status",
)


def _in_order(queryset: QuerySet, *, walk: bool) -> list:
    """The page's rows. walk: a search matches more than COUNT_LIMIT rows, so walking the log's
    index in order meets fifty matches soon. PostgreSQL underestimates how many rows a phrase
    ("e-safety policy") matches, and would instead fetch every match from the search index and
    sort them all (0.4 s for 43,000 matches of a million, against 30 ms walking); bitmap scans,
    the only way it reads that index, are turned off for this one query."""
    if not walk or connection.vendor != "postgresql":
        return list(queryset)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        (before,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        try:
            return list(queryset)
        finally:
            cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [before])


def log_page(
    queryset: QuerySet[Challenge],
    *,
    after: str = "",
    before: str = "",
    columns: tuple[str, ...] | None = None,
    count: int | None = None,
    searched: bool = False,
) -> Page:
    """One page of the log, newest first, by keyset: the cost of a page does not grow with
    how far into the log it is. Raises BadCursor for a page link that cannot be read.
    With columns, the rows hold only those (the table's); otherwise whole rows with their
    meeting, raiser and agencies. A count already known (the published log's, unfiltered) is
    given whole; otherwise the rows are counted up to COUNT_LIMIT + 1. searched: the queryset
    holds a word search (see _in_order)."""
    exact = count is not None
    if count is None:
        count = queryset.order_by()[: COUNT_LIMIT + 1].count()
    walk = searched and count > COUNT_LIMIT
    if columns:
        rows_qs = queryset.only(*columns)
    else:
        rows_qs = queryset.select_related("forum", "raised_by").prefetch_related("agencies")
    if before:
        rows = _in_order(
            rows_qs.filter(_before(*_read_cursor(before))).order_by(*OLDEST_FIRST)[: PAGE_SIZE + 1],
            walk=walk,
        )
        has_previous = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        has_next = True
    else:
        if after:
            rows_qs = rows_qs.filter(after_row(*_read_cursor(after)))
        rows = _in_order(rows_qs.order_by(*NEWEST_FIRST)[: PAGE_SIZE + 1], walk=walk)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_previous = bool(after)
    return Page(
        rows=rows,
        count=count if exact else min(count, COUNT_LIMIT),
        count_capped=not exact and count > COUNT_LIMIT,
        next_cursor=_cursor(rows[-1]) if rows and has_next else None,
        previous_cursor=_cursor(rows[0]) if rows and has_previous else None,
    )


def challenge_detail(partnership: Partnership, reference: str) -> Challenge:
    return (
        Challenge.objects.select_related("forum", "raised_by")
        .prefetch_related(
            "agencies",
            Prefetch("updates", queryset=ProgressUpdate.objects.order_by("position", "id")),
        )
        .get(partnership=partnership, reference=reference)
    )


def entries_with_counts(model, partnership: Partnership, relation: str = "", entries=None):
    """Agencies, forums or raisers of a partnership, each with its challenges counted. With
    ``entries`` (a queryset of the published copy's entries) and ``relation`` (the name by
    which they reach their challenges), those, with their published challenges counted."""
    relation = relation or ("challenges" if model is Agency else "challenge")
    if entries is None:
        entries = model.objects.filter(partnership=partnership)
    return entries.annotate(
        total=Count(relation, distinct=True),
        open=Count(relation, filter=Q(**{f"{relation}__status": "open"}), distinct=True),
    ).order_by("-total", "name")


def status_counts(queryset: QuerySet[Challenge]) -> dict[str, int]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    out = {status: counts.get(status, 0) for status, _ in Challenge.Status.choices}
    out["total"] = sum(out.values())
    return out


def staff_challenge(partnership: Partnership, reference: str) -> Challenge:
    return (
        Challenge.objects.select_related("forum", "raised_by", "created_by")
        .prefetch_related(
            "agencies",
            Prefetch("actions", queryset=Action.objects.select_related("agency")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("agency", "author")
                .prefetch_related("evidence")
                .order_by("position", "id"),
            ),
        )
        .get(partnership=partnership, reference=reference)
    )


def open_actions(challenges: QuerySet[Challenge]) -> QuerySet[Action]:
    return (
        Action.objects.filter(
            challenge__in=challenges,
            completed_on__isnull=True,
            challenge__status=Challenge.Status.OPEN,
        )
        .select_related("challenge", "agency")
        .order_by(F("due").asc(nulls_last=True), "challenge__reference_number")
    )


def member_tracking(challenge: Challenge) -> list[tuple[Agency, bool]]:
    """For a challenge to all partners: each member agency and whether it has responded."""
    if not challenge.to_all_partners:
        return []
    answered = {u.agency_id for u in challenge.updates.all() if u.kind == "response"}
    members = Agency.objects.filter(
        partnership_id=challenge.partnership_id, is_member=True, retired=False
    )
    return [(agency, agency.pk in answered) for agency in members]


def history_entries(challenge: Challenge) -> list[dict]:
    """Every change to a challenge, its actions and its timeline, newest first: who, when,
    what, and each field before and after."""
    entries = []

    def add(records, label_for):
        records = list(records)
        by_object: dict[int, list] = {}
        for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            previous = None
            for record in versions:
                changes = []
                if previous is not None and record.history_type == "~":
                    delta = record.diff_against(
                        previous, excluded_fields=["version", "updated", "created"]
                    )
                    for change in delta.changes:
                        if change.field == "agencies":
                            continue
                        field = record.instance_type._meta.get_field(change.field)
                        changes.append(
                            {"field": field.verbose_name, "old": change.old, "new": change.new}
                        )
                entries.append(
                    {
                        "when": record.history_date,
                        "who": str(record.history_user) if record.history_user_id else "the system",
                        "what": label_for(record),
                        "type": record.get_history_type_display(),
                        "reason": record.history_change_reason or "",
                        "changes": changes,
                    }
                )
                previous = record

    add(challenge.history.all(), lambda r: f"Challenge {r.reference}")
    add(Action.history.filter(challenge_id=challenge.pk), lambda r: f"Action: {r.text[:80]}")
    add(
        ProgressUpdate.history.filter(challenge_id=challenge.pk),
        lambda r: f"{r.get_kind_display()}: {r.text[:80]}",
    )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries

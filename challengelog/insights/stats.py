"""The figures of a log: counted by the database, for the internal log or its published copy.

Every figure carries the filters of the list behind it, so a page can link each number to the
challenges it counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Func, IntegerField, QuerySet
from django.db.models.functions import Cast

from challengelog.register.filters import ALL_PARTNERS
from challengelog.register.models import Action, Agency, Forum, Raiser

OPEN, ASSURED = "open", "assured"
RISKS = [("yes", "Yes"), ("no", "No"), ("not_recorded", "Not recorded")]


@dataclass
class Row:
    """One line of a table of figures: a label, its counts, and the filters behind it."""

    label: str
    raised: int = 0
    open: int = 0
    assured: int = 0
    filters: dict = field(default_factory=dict)

    @property
    def resolved(self) -> int:
        return self.raised - self.open

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "raised": self.raised,
            "open": self.open,
            "resolved": self.resolved,
            "assured": self.assured,
        }


def reporting_year(date: dt.date) -> int:
    """The year a reporting year (April to March) starts in."""
    return date.year if date.month >= 4 else date.year - 1


def reporting_year_label(start: int) -> str:
    return f"April {start} to March {start + 1}"


def in_period(queryset: QuerySet, date_from: dt.date | None, date_to: dt.date | None):
    if date_from:
        queryset = queryset.filter(date_raised__gte=date_from)
    if date_to:
        queryset = queryset.filter(date_raised__lte=date_to)
    return queryset


def _by_status(rows) -> tuple[int, int, int]:
    raised = sum(n for _status, n in rows)
    return (
        raised,
        sum(n for status, n in rows if status == OPEN),
        sum(n for status, n in rows if status == ASSURED),
    )


def _rows(counts: dict, labels: dict, filter_name: str, slugs: dict) -> list[Row]:
    out = []
    for key, statuses in counts.items():
        raised, open_, assured = _by_status(statuses)
        filters = {filter_name: slugs[key]} if key in slugs else {}
        out.append(Row(labels.get(key, "Not recorded"), raised, open_, assured, filters))
    out.sort(key=lambda r: (-r.raised, r.label))
    return out


def _grouped(queryset: QuerySet, key: str) -> dict:
    # Status first: the order of the covering index, so the database reads only the index.
    counts: dict = defaultdict(list)
    for status, value, n in (
        queryset.order_by()
        .values_list("status", key)
        .annotate(n=Count("id"))
        .values_list("status", key, "n")
    ):
        counts[value].append((status, n))
    return counts


def _per_status(queryset: QuerySet, rows, key: str, link: str = "challenge_id") -> dict:
    """Counts of ``rows`` (a table linked to challenges) by ``key`` and by their challenge's
    status: one query per status, each matching ids from the narrow status index, never the
    challenges' rows."""
    counts: dict = defaultdict(list)
    statuses = queryset.order_by().values_list("status", flat=True).distinct()
    for status in list(statuses):
        ids = queryset.filter(status=status).order_by().values("pk")
        for value, n in (
            rows.filter(**{f"{link}__in": ids})
            .order_by()
            .values_list(key)
            .annotate(n=Count("pk"))
            .values_list(key, "n")
        ):
            counts[value].append((status, n))
    return counts


def by_entry(queryset: QuerySet, model, key: str, filter_name: str) -> list[Row]:
    counts = _grouped(queryset, key)
    entries = model.objects.filter(pk__in=[k for k in counts if k is not None])
    labels = {e.pk: e.name for e in entries}
    slugs = {e.pk: e.slug for e in entries}
    return _rows(counts, labels, filter_name, slugs)


def by_agency(queryset: QuerySet) -> list[Row]:
    """Challenges per agency challenged: one challenge to two agencies counts for each."""
    through = queryset.model.agencies.through
    column = "challenge" if queryset.model.__name__ == "Challenge" else "publishedchallenge"
    counts = _per_status(queryset, through.objects.all(), "agency_id", link=f"{column}_id")
    entries = Agency.objects.filter(pk__in=list(counts))
    labels = {e.pk: e.name for e in entries}
    slugs = {e.pk: e.slug for e in entries}
    out = _rows(counts, labels, "agency", slugs)
    everyone = list(
        queryset.filter(to_all_partners=True)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    if everyone:
        raised, open_, assured = _by_status(everyone)
        out.append(Row("All partners", raised, open_, assured, {"agency": ALL_PARTNERS}))
        out.sort(key=lambda r: (-r.raised, r.label))
    return out


def by_years(queryset: QuerySet) -> tuple[list[Row], list[Row], int]:
    """Per calendar year and per reporting year (April to March); and how many challenges
    have no date recorded."""
    calendar: dict = defaultdict(list)
    reporting: dict = defaultdict(list)
    undated = 0
    # Grouped by day rather than by year and month: SQLite extracts date parts by calling
    # back into Python for every row, and there are only some thousands of distinct days.
    rows = (
        queryset.order_by()
        .annotate(day=Cast("date_raised", CharField()))
        .values_list("day", "status")
        .annotate(n=Count("id"))
        .values_list("day", "status", "n")
    )
    for day, status, n in rows:
        if day is None:
            undated += n
            continue
        year, month = int(day[:4]), int(day[5:7])
        calendar[year].append((status, n))
        reporting[year if month >= 4 else year - 1].append((status, n))
    cal = [
        Row(str(y), *_by_status(s), filters={"year": str(y)}) for y, s in sorted(calendar.items())
    ]
    rep = [
        Row(reporting_year_label(y), *_by_status(s), filters={"ryear": str(y)})
        for y, s in sorted(reporting.items())
    ]
    return cal, rep, undated


def risk(queryset: QuerySet) -> list[Row]:
    counts = _grouped(queryset, "risk")
    return [
        Row(label, *_by_status(counts.get(value, [])), filters={"risk": value})
        for value, label in RISKS
    ]


def time_to_assured(queryset: QuerySet) -> dict:
    """Days from raised to assured over the assured challenges with both dates recorded. The
    database counts challenges per number of days (a few hundred values at most), and the
    quartiles are read from those counts."""
    assured = queryset.filter(status=ASSURED)
    measured = (
        assured.filter(date_raised__isnull=False, date_resolved__isnull=False)
        .order_by()
        .annotate(took=DaysBetween("date_resolved", "date_raised"))
        .values_list("took")
        .annotate(n=Count("id"))
        .values_list("took", "n")
    )
    histogram: dict[int, int] = defaultdict(int)
    for took, n in measured:
        histogram[max(_days(took), 0)] += n
    total = assured.count()
    count = sum(histogram.values())
    out = {"assured": total, "measured": count, "left_out": total - count}
    if count:
        days = sorted(histogram.items())
        out.update(
            median=_quantile(days, count, 0.5),
            lower_quartile=_quantile(days, count, 0.25),
            upper_quartile=_quantile(days, count, 0.75),
        )
    else:
        out.update(median=None, lower_quartile=None, upper_quartile=None)
    return out


class DaysBetween(Func):
    """Whole days from the second date to the first, computed by the database itself (Django's
    own date arithmetic on SQLite calls back into Python for every row)."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is days
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _days(took) -> int:
    return took.days if isinstance(took, dt.timedelta) else int(took)


def _value_at(days: list[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, n in days:
        seen += n
        if index < seen:
            return value
    return days[-1][0]


def _quantile(days: list[tuple[int, int]], count: int, q: float) -> float:
    """The inclusive quantile (as ``statistics.quantiles(method="inclusive")``) of the values
    counted in ``days``: linear between the two nearest."""
    position = (count - 1) * q
    low = int(position)
    below, above = _value_at(days, low), _value_at(days, min(low + 1, count - 1))
    value = below + (above - below) * (position - low)
    return int(value) if value == int(value) else value


def oldest_open(queryset: QuerySet, today: dt.date, limit: int = 10) -> dict:
    open_ = queryset.filter(status=OPEN)
    undated = open_.filter(date_raised__isnull=True).count()
    oldest = (
        open_.filter(date_raised__isnull=False)
        .order_by("sort_date", "reference_number", "id")
        .only("reference", "date_raised", "text")[:limit]
    )
    return {
        "challenges": [
            {
                "reference": c.reference,
                "date_raised": c.date_raised,
                "age_days": (today - c.date_raised).days,
                "text": c.text,
            }
            for c in oldest
        ],
        "undated": undated,
    }


def overdue_actions(queryset: QuerySet, today: dt.date, limit: int = 10) -> dict:
    actions = Action.objects.filter(
        challenge__in=queryset.filter(status=OPEN).order_by().values("pk"),
        completed_on__isnull=True,
        due__lt=today,
    )
    listed = actions.select_related("challenge", "agency").order_by("due", "id")[:limit]
    return {
        "count": actions.count(),
        "actions": [
            {
                "reference": a.challenge.reference,
                "text": a.text,
                "agency": a.agency.name if a.agency else "",
                "due": a.due,
                "days_overdue": (today - a.due).days,
            }
            for a in listed
        ],
    }


def figures(queryset: QuerySet, *, today: dt.date, internal: bool) -> dict:
    """Every figure of the dashboard over ``queryset``; overdue actions only for the internal
    log (the published copy has no actions with dates)."""
    statuses = dict(
        queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    total = sum(statuses.values())
    calendar, reporting, undated = by_years(queryset)
    out = {
        "total": total,
        "open": statuses.get(OPEN, 0),
        "resolved": total - statuses.get(OPEN, 0),
        "assured": statuses.get(ASSURED, 0),
        "closed_not_assured": statuses.get("not_assured", 0),
        "withdrawn": statuses.get("withdrawn", 0),
        "undated": undated,
        "by_calendar_year": calendar,
        "by_reporting_year": reporting,
        "by_agency": by_agency(queryset),
        "by_forum": by_entry(queryset, Forum, "forum_id", "forum"),
        "by_raiser": by_entry(queryset, Raiser, "raised_by_id", "raised_by"),
        "risk": risk(queryset),
        "time_to_assured": time_to_assured(queryset),
        "oldest_open": oldest_open(queryset, today),
    }
    if internal:
        out["overdue_actions"] = overdue_actions(queryset, today)
    return out


def theme_counts(queryset: QuerySet) -> list[Row]:
    from challengelog.insights.models import ChallengeTheme
    from challengelog.insights.themes import THEMES

    counts = _per_status(queryset, ChallengeTheme.objects.all(), "theme")
    out = [
        Row(rule.name, *_by_status(counts.get(rule.slug, [])), filters={"theme": rule.slug})
        for rule in THEMES
    ]
    out.sort(key=lambda r: (-r.raised, r.label))
    return out

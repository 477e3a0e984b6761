"""The figures of a log: counted by the database, for the internal log or its published copy.

Every figure carries the filters of the list behind it, so a page can link each number to the
challenges it counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet
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
    """The challenges raised in the period; the same range on the sort date (the date raised,
    where there is one) lets the log's indexes read only the period's rows."""
    if date_from:
        queryset = queryset.filter(date_raised__gte=date_from, sort_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date_raised__lte=date_to, sort_date__lte=date_to)
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
        filters = {filter_name: slugs[key]} if slugs.get(key) else {}
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


def entry_rows(counts: dict, model, filter_name: str) -> list[Row]:
    """Per meeting or raiser. ``model`` is the list the counts' keys are ids of: the internal
    reference list, or the published copy's entries (whose wholly redacted ones have no slug,
    and so no link)."""
    entries = model.objects.filter(pk__in=[k for k in counts if k is not None])
    labels = {e.pk: e.name for e in entries}
    slugs = {e.pk: e.slug for e in entries}
    return _rows(counts, labels, filter_name, slugs)


def agency_rows(counts: dict, everyone: list, model=Agency) -> list[Row]:
    """Per agency challenged (one challenge to two agencies counts for each), and those
    addressed to every partner."""
    entries = model.objects.filter(pk__in=[k for k in counts if k is not None])
    labels = {e.pk: e.name for e in entries}
    slugs = {e.pk: e.slug for e in entries}
    out = _rows(counts, labels, "agency", slugs)
    if everyone:
        raised, open_, assured = _by_status(everyone)
        out.append(Row("All partners", raised, open_, assured, {"agency": ALL_PARTNERS}))
        out.sort(key=lambda r: (-r.raised, r.label))
    return out


def _days(queryset: QuerySet) -> list[tuple[str | None, str, int]]:
    # Grouped by day rather than by year and month: SQLite extracts date parts by calling
    # back into Python for every row, and there are only some thousands of distinct days.
    return list(
        queryset.order_by()
        .annotate(day=Cast("date_raised", CharField()))
        .values_list("day", "status")
        .annotate(n=Count("id"))
        .values_list("day", "status", "n")
    )


def year_rows(days) -> tuple[list[Row], list[Row], int]:
    """From counts per day raised (ISO text, None for no date) and status: per calendar year,
    per reporting year (April to March), and how many have no date recorded."""
    calendar: dict = defaultdict(list)
    reporting: dict = defaultdict(list)
    undated = 0
    for day, status, n in days:
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


def risk_rows(counts: dict) -> list[Row]:
    return [
        Row(label, *_by_status(counts.get(value, [])), filters={"risk": value})
        for value, label in RISKS
    ]


def _took(queryset: QuerySet) -> dict[int, int]:
    """How many assured challenges took each number of days (both dates recorded)."""
    measured = (
        queryset.filter(status=ASSURED, date_raised__isnull=False, date_resolved__isnull=False)
        .order_by()
        .annotate(took=DaysBetween("date_resolved", "date_raised"))
        .values_list("took")
        .annotate(n=Count("id"))
        .values_list("took", "n")
    )
    return {_days_of(took): n for took, n in measured}


def took_summary(took: dict[int, int], assured: int) -> dict:
    """Days from raised to assured over the assured challenges with both dates recorded: the
    quartiles read from the counts per number of days (a few hundred values at most)."""
    histogram: dict[int, int] = defaultdict(int)
    for days, n in took.items():
        histogram[max(days, 0)] += n
    count = sum(histogram.values())
    out = {"assured": assured, "measured": count, "left_out": assured - count}
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


def _days_of(took) -> int:
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


def oldest_open(
    queryset: QuerySet, today: dt.date, limit: int = 10, undated: int | None = None
) -> dict:
    open_ = queryset.filter(status=OPEN)
    if undated is None:
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


def overdue_actions(
    queryset: QuerySet,
    today: dt.date,
    limit: int = 10,
    count_limit: int | None = None,
    walk: bool = True,
) -> dict:
    """The overdue actions of the open challenges of ``queryset``, longest overdue first. With
    ``walk`` (the whole log), read in due order from the index of actions not done, each
    checked against its challenge: the first ones are found without reading every open
    challenge's actions. A period's are read from its open challenges instead: walking, the
    actions of every earlier year come first. With ``count_limit``, counted up to one more
    than that (``more`` says there are more)."""
    open_ = queryset.filter(status=OPEN).order_by()
    if walk:
        challenge = Exists(open_.filter(pk=OuterRef("challenge_id")))
    else:  # a period: its open challenges first (earlier ones' actions fall due first)
        challenge = Q(challenge__in=open_.values("pk"))
    actions = Action.objects.filter(challenge, completed_on__isnull=True, due__lt=today).order_by()
    listed = actions.select_related("challenge", "agency").order_by("due", "id")[:limit]
    if count_limit is None:
        count, more = actions.count(), False
    else:
        count = actions[: count_limit + 1].count()
        count, more = min(count, count_limit), count > count_limit
    return {
        "count": count,
        "more": more,
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


def figures(
    queryset: QuerySet,
    *,
    today: dt.date,
    internal: bool,
    count_limit: int | None = None,
    whole: bool = True,
) -> dict:
    """Every figure of the dashboard over ``queryset``, counted from the log; overdue actions
    only for the internal log (the published copy has no actions with dates). ``tally``
    reads the same figures from the counts the database keeps."""
    through = queryset.model.agencies.through
    column = "challenge" if queryset.model.__name__ == "Challenge" else "publishedchallenge"
    agency = queryset.model._meta.get_field("agencies")
    return assemble(
        statuses=dict(
            queryset.order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        ),
        days=_days(queryset),
        agencies=_per_status(
            queryset, through.objects.all(), agency.m2m_reverse_name(), link=f"{column}_id"
        ),
        everyone=list(
            queryset.filter(to_all_partners=True)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        ),
        forums=_grouped(queryset, "forum_id"),
        raisers=_grouped(queryset, "raised_by_id"),
        risks=_grouped(queryset, "risk"),
        took=_took(queryset),
        queryset=queryset,
        today=today,
        undated_open=None,
        internal=internal,
        count_limit=count_limit,
        whole=whole,
        models=(
            agency.related_model,
            queryset.model._meta.get_field("forum").related_model,
            queryset.model._meta.get_field("raised_by").related_model,
        ),
    )


def assemble(
    *,
    statuses: dict,
    days,
    agencies: dict,
    everyone: list,
    forums: dict,
    raisers: dict,
    risks: dict,
    took: dict,
    queryset: QuerySet,
    today: dt.date,
    undated_open: int | None,
    internal: bool,
    count_limit: int | None = None,
    whole: bool = True,
    models=(Agency, Forum, Raiser),
) -> dict:
    """The figures from their counts (each ``{key: [(status, n)]}``), however counted; the
    keys are ids of ``models`` (the agencies', meetings' and raisers' lists)."""
    total = sum(statuses.values())
    calendar, reporting, undated = year_rows(days)
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
        "by_agency": agency_rows(agencies, everyone, models[0]),
        "by_forum": entry_rows(forums, models[1], "forum"),
        "by_raiser": entry_rows(raisers, models[2], "raised_by"),
        "risk": risk_rows(risks),
        "time_to_assured": took_summary(took, statuses.get(ASSURED, 0)),
        "oldest_open": oldest_open(queryset, today, undated=undated_open),
    }
    if internal:
        out["overdue_actions"] = overdue_actions(
            queryset, today, count_limit=count_limit, walk=whole
        )
    return out


def theme_rows(counts: dict) -> list[Row]:
    from challengelog.insights.themes import THEMES

    out = [
        Row(rule.name, *_by_status(counts.get(rule.slug, [])), filters={"theme": rule.slug})
        for rule in THEMES
    ]
    out.sort(key=lambda r: (-r.raised, r.label))
    return out


def theme_counts(queryset: QuerySet) -> list[Row]:
    from challengelog.insights.models import ChallengeTheme

    return theme_rows(_per_status(queryset, ChallengeTheme.objects.all(), "theme"))

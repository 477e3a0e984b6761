"""The annual-report pack: everything a business unit needs for the year's report, for a period.

``build`` gathers it as plain data (what the JSON download and the command print); the HTML
page, the PDF and the Word document are each drawn from that one dictionary, so they cannot
disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from challengelog.insights import stats, tally
from challengelog.insights.models import RecurringGroup
from challengelog.insights.services import current_recurring
from challengelog.register.models import Challenge, Forum, Partnership, ProgressUpdate, Raiser
from challengelog.register.selectors import COUNT_LIMIT

DASHBOARD_GROUPS = 15  # the largest recurring concerns on the dashboard; the pack has them all

EXAMPLES = 8  # assured challenges shown with their impact


@dataclass(frozen=True)
class Period:
    date_from: dt.date | None
    date_to: dt.date | None

    @property
    def label(self) -> str:
        if self.date_from and self.date_to:
            if (
                (self.date_from.month, self.date_from.day) == (4, 1)
                and (self.date_to.month, self.date_to.day) == (3, 31)
                and self.date_to.year == self.date_from.year + 1
            ):
                return stats.reporting_year_label(self.date_from.year)
            return f"{_long(self.date_from)} to {_long(self.date_to)}"
        if self.date_from:
            return f"From {_long(self.date_from)}"
        if self.date_to:
            return f"Up to {_long(self.date_to)}"
        return "The whole log"

    @property
    def filters(self) -> dict:
        """The log's filters for challenges raised in the period."""
        if self.label.startswith("April") and self.date_from:
            return {"ryear": str(self.date_from.year)}
        out = {}
        if self.date_from:
            out["raised_from"] = self.date_from.isoformat()
        if self.date_to:
            out["raised_to"] = self.date_to.isoformat()
        return out


def _long(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _rows(rows: list[stats.Row], period: Period) -> list[dict]:
    return [{**r.as_dict(), "filters": {**period.filters, **r.filters}} for r in rows]


def _recurring(
    partnership: Partnership,
    period_ids: QuerySet | None,
    visible: QuerySet | None,
    limit: int | None = None,
) -> tuple[list, int]:
    """The stored recurring concerns with a challenge in the period, as found (their members,
    dates, open count and agencies were summarised when they were found), largest first, and
    how many there are. For a reader who sees only some challenges, only those, and only
    groups still holding two of them. With ``limit`` and nothing narrowing them, only the
    largest are read (a synthetic log of 100,000 has 6,752 groups; the dashboard shows 15)."""
    wanted = set(period_ids.values_list("pk", flat=True)) if period_ids is not None else None
    allowed = set(visible.values_list("pk", flat=True)) if visible is not None else None
    narrowed = wanted is not None or allowed is not None
    columns = ["pk", "concern", "terms", "summary", *(["members"] if narrowed else [])]
    groups = RecurringGroup.objects.filter(partnership=partnership)
    total = None
    if limit and not narrowed:
        total = groups.count()
        sizes = list(groups.order_by("-size").values_list("size", flat=True)[limit - 1 : limit])
        if sizes:  # every group as large as the last shown, so ties are ordered as below
            groups = groups.filter(size__gte=sizes[0])
    out = []
    for row in groups.values_list(*columns):
        pk, concern, terms, summary = row[:4]
        members = row[4] if narrowed else []
        if wanted is not None and not wanted.intersection(members):
            continue
        references = summary.get("references", [])
        if allowed is not None:
            kept = [i for i, member in enumerate(members) if member in allowed]
            if len(kept) < 2:
                continue
            references = [references[i] for i in kept]
        out.append(
            {
                "concern": concern,
                "terms": terms,
                "references": references,
                "open": summary.get("open", 0) if allowed is None else None,
                "first_raised": _date(summary.get("first_raised")),
                "last_raised": _date(summary.get("last_raised")),
                "agencies_more_than_once": summary.get("agencies_more_than_once", [])
                if allowed is None
                else [],
                "filters": {"group": str(pk)},
            }
        )
    out.sort(key=lambda g: (-len(g["references"]), g["concern"]))
    return (out[:limit], total) if total is not None else (out, len(out))


def _examples(challenges: QuerySet) -> list[Challenge]:
    """The latest assured challenges, those with an outcome recorded first."""
    examples = (
        challenges.filter(status="assured")
        .order_by("-sort_date", "-reference_number")
        .prefetch_related(Prefetch("updates", queryset=ProgressUpdate.objects.order_by("position")))
    )
    with_outcome = list(examples.exclude(outcome="")[:EXAMPLES])
    if len(with_outcome) < EXAMPLES:
        with_outcome += list(examples.filter(outcome="")[: EXAMPLES - len(with_outcome)])
    return with_outcome


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _listing(challenges: QuerySet) -> list[dict]:
    """The challenges of the period, oldest first: read as plain values with the names looked
    up here, as a large log's year holds thousands."""
    status = dict(Challenge.Status.choices)
    partnership_id = challenges.values_list("partnership_id", flat=True)[:1]
    forums = dict(Forum.objects.filter(partnership_id__in=partnership_id).values_list("pk", "name"))
    raisers = dict(
        Raiser.objects.filter(partnership_id__in=partnership_id).values_list("pk", "name")
    )
    rows = challenges.values_list(
        "reference",
        "date_raised",
        "forum_id",
        "meeting_as_recorded",
        "raised_by_id",
        "raised_by_as_recorded",
        "to_as_recorded",
        "status",
        "text",
    )
    return [
        {
            "reference": reference,
            "date_raised": date,
            "forum": forums.get(forum) or meeting,
            "raised_by": raisers.get(raiser) or raised_as,
            "to": to,
            "status": status.get(state, state),
            "text": text,
        }
        for reference, date, forum, meeting, raiser, raised_as, to, state, text in rows
    ]


def _latest(challenge: Challenge) -> str:
    updates = list(challenge.updates.all())
    return updates[-1].text if updates else ""


def _figures(partnership: Partnership, period: Period, today: dt.date, figures: dict) -> dict:
    """What the dashboard, the pack and the public summary all show."""
    return {
        "partnership": {"name": partnership.name, "slug": partnership.slug},
        "period": {
            "label": period.label,
            "from": period.date_from,
            "to": period.date_to,
            "filters": period.filters,
        },
        "generated": today,
        **{
            key: figures[key]
            for key in (
                "total",
                "resolved",
                "open",
                "assured",
                "closed_not_assured",
                "withdrawn",
                "undated",
                "time_to_assured",
                "oldest_open",
            )
        },
        "by_year": _rows(figures["by_calendar_year"], period),
        "by_reporting_year": _rows(figures["by_reporting_year"], period),
        "by_agency": _rows(figures["by_agency"], period),
        "by_forum": _rows(figures["by_forum"], period),
        "by_raiser": _rows(figures["by_raiser"], period),
        "risk": _rows(figures["risk"], period),
    }


def build(
    partnership: Partnership,
    period: Period,
    *,
    today: dt.date | None = None,
    challenges: QuerySet | None = None,
    listing: str = "full",
) -> dict:
    """The pack's contents as plain data: numbers, lists and strings, dates as dates.
    ``challenges`` narrows it to what a reader may see (an agency lead's own challenges).
    ``listing`` says how the challenges of the period are listed: "full" (the page, the PDF
    and Word), "references" (the JSON: the records themselves are the log's export) or
    "none" (the dashboard)."""
    today = today or timezone.localdate()
    restricted = challenges is not None
    visible = challenges if restricted else partnership.challenges.all()
    challenges = stats.in_period(visible, period.date_from, period.date_to)
    dashboard = listing == "none"
    # The dashboard counts overdue actions up to a limit, as the log counts its matches.
    limit = COUNT_LIMIT if dashboard else None
    whole = period.date_from is None and period.date_to is None
    if restricted or not tally.covers(period.date_from, period.date_to):
        figures = stats.figures(
            challenges, today=today, internal=True, count_limit=limit, whole=whole
        )
        themes = stats.theme_counts(challenges)
    else:  # the whole log or whole months: the counts the database keeps
        read = tally.counts(partnership.pk, period.date_from, period.date_to)
        figures = tally.figures(
            read, today=today, queryset=challenges, count_limit=limit, whole=whole
        )
        themes = tally.theme_counts(read)
    run = current_recurring(partnership)
    period_ids = None if whole else challenges.order_by().values("pk")
    recurring, recurring_count = _recurring(
        partnership,
        period_ids,
        visible if restricted else None,
        limit=DASHBOARD_GROUPS if dashboard else None,
    )

    # The dashboard shows no examples: a log with no outcomes recorded (an imported one) is
    # read to its end looking for them.
    with_outcome = [] if dashboard else _examples(challenges)
    raised = challenges.order_by("sort_date", "reference_number", "pk")

    return {
        **_figures(partnership, period, today, figures),
        "themes": _rows(themes, period),
        "overdue_actions": figures["overdue_actions"],
        "recurring": recurring,
        "recurring_count": recurring_count,
        "recurring_found": run.computed_at if run else None,
        "recurring_stale": bool(run and run.stale),
        "examples": [
            {
                "reference": c.reference,
                "date_raised": c.date_raised,
                "text": c.text,
                "impact": c.outcome or _latest(c),
                "impact_recorded_as": "outcome" if c.outcome else "latest progress",
            }
            for c in with_outcome
        ],
        "challenges": (
            _listing(raised)
            if listing == "full"
            else list(raised.values_list("reference", flat=True))
            if listing == "references"
            else []
        ),
    }


def build_public(partnership: Partnership, *, today: dt.date | None = None) -> dict:
    """The public summary: the dashboard's figures over the published copy only. No themes,
    actions or recurring concerns: they are read from the internal record."""
    today = today or timezone.localdate()
    figures = stats.figures(partnership.published.all(), today=today, internal=False)
    period = Period(None, None)
    return _figures(partnership, period, today, figures)


def _iso(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def dumps(data: dict) -> bytes:
    """The pack as JSON, dates as ISO text: written by the C encoder in one pass, as a large
    log's pack lists a hundred thousand challenges."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_iso).encode()


def as_json(data: dict) -> dict:
    """The pack with dates as ISO text: what ``json.dumps`` can write."""

    def convert(value):
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    return convert(data)

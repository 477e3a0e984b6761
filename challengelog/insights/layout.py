"""How the figures are laid out, the same for the dashboard, the public summary and the
printable pack: headline numbers with links into the log, and the sections of tables and
charts."""

from __future__ import annotations

from urllib.parse import urlencode

from challengelog.insights import charts
from challengelog.register.models import Partnership


def _link(base: str, filters: dict, **extra) -> str:
    query = {**filters, **extra}
    return f"{base}?{urlencode(query)}" if query else base


def sections(data: dict, *, log_url: str, internal: bool) -> list[dict]:
    """The tables (with their charts) of the dashboard, the summary and the pack, in order."""

    def table(key, title, *, chart=True, note="", first="Name", open_details=False):
        rows = [
            {
                **row,
                "url": _link(log_url, row["filters"]),
                "open_url": _link(log_url, row["filters"], status="open"),
                "assured_url": _link(log_url, row["filters"], status="assured"),
            }
            for row in data[key]
        ]
        return {
            "id": key.replace("_", "-"),
            "title": title,
            "first": first,
            "rows": rows,
            "note": note,
            "chart": charts.bar_chart(title, rows, chart_id=f"chart-{key}") if chart else None,
            "table_open": open_details,
        }

    out = [
        table("by_reporting_year", "Challenges by reporting year (April to March)", first="Year"),
        table("by_year", "Challenges by calendar year", first="Year", chart=False),
        table(
            "by_agency",
            "Challenges by agency challenged",
            note="A challenge to two agencies counts once for each.",
            first="Agency",
        ),
        table("by_forum", "Challenges by meeting or source", first="Meeting or source"),
        table("by_raiser", "Challenges by who raised them", first="Raised by"),
        table(
            "risk",
            "Challenges by risk",
            note="“Not recorded” means the log has no answer: it is never counted as “no”.",
            first="Risk recorded",
            open_details=True,
        ),
    ]
    if internal and "themes" in data:
        out.append(
            table(
                "themes",
                "Challenges by theme",
                note="A challenge can have several themes.",
                first="Theme",
            )
        )
    return out


def _period_context(
    data: dict, *, log_url: str, internal: bool, recurring_limit: int | None = None
) -> dict:
    filters = data["period"]["filters"]
    groups = data.get("recurring") or []
    shown = groups[:recurring_limit] if recurring_limit else groups
    headline = [
        ("Raised", data["total"], _link(log_url, filters)),
        ("Open", data["open"], _link(log_url, filters, status="open")),
        ("Resolved", data["resolved"], None),
        ("Assured", data["assured"], _link(log_url, filters, status="assured")),
    ]
    return {
        "data": data,
        "headline": headline,
        "sections": sections(data, log_url=log_url, internal=internal),
        "log_url": log_url,
        "oldest_url": _link(log_url, filters, status="open"),
        "internal": internal,
        "challenge_url_name": "staff-challenge" if internal else "challenge",
        "recurring_shown": shown,
        "recurring_more": data.get("recurring_count", len(groups)) - len(shown),
    }


def pack_context(partnership: Partnership, data: dict, *, log_url: str) -> dict:
    """What the printable pack (PDF, standalone HTML) is drawn from."""
    context = _period_context(data, log_url=log_url, internal=True)
    context.update(partnership=partnership, print=True)
    return context

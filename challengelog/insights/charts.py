"""Charts drawn on the server as SVG: no script, readable by a screen reader through their title
and description, and always shown beside the table of their numbers (which holds the links).

The same markup goes into the pages and into the PDF.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

OPEN_COLOUR = "#1d70b8"  # GOV.UK blue
RESOLVED_COLOUR = "#b1b4b6"  # GOV.UK mid grey: enough contrast with white for a bar
TEXT = "#0b0c0c"
ROW = 26
LABEL_WIDTH = 250
BAR_WIDTH = 330
WIDTH = LABEL_WIDTH + BAR_WIDTH + 60


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(
    title: str, rows: list[dict], *, limit: int = 15, chart_id: str = "chart"
) -> SafeString:
    """Horizontal bars, each split into open (blue) and resolved (grey), with the total at the
    end. ``rows`` are dicts with label, raised and open, as the report builds them."""
    shown = rows[:limit]
    peak = max((r["raised"] for r in shown), default=0) or 1
    height = 34 + ROW * max(len(shown), 1) + 8
    parts = []
    summary = ", ".join(f"{r['label']}: {r['raised']} ({r['open']} open)" for r in shown)
    left_out = len(rows) - len(shown)
    if left_out > 0:
        summary += f"; {left_out} more in the table"
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" '
        f"font-family=\"Arial, 'Liberation Sans', Helvetica, sans-serif\">"
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary or "No challenges")}</desc>'
    )
    # Legend
    parts.append(
        f'<rect x="{LABEL_WIDTH}" y="6" width="14" height="14" fill="{OPEN_COLOUR}"/>'
        f'<text x="{LABEL_WIDTH + 20}" y="18" font-size="13" fill="{TEXT}">Open</text>'
        f'<rect x="{LABEL_WIDTH + 80}" y="6" width="14" height="14" fill="{RESOLVED_COLOUR}"/>'
        f'<text x="{LABEL_WIDTH + 100}" y="18" font-size="13" fill="{TEXT}">Resolved</text>'
    )
    for i, row in enumerate(shown):
        y = 34 + i * ROW
        open_w = BAR_WIDTH * row["open"] / peak
        resolved_w = BAR_WIDTH * (row["raised"] - row["open"]) / peak
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" font-size="13" text-anchor="end" '
            f'fill="{TEXT}">{escape(_short(row["label"]))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{open_w:.1f}" height="18" '
            f'fill="{OPEN_COLOUR}"/>'
            f'<rect x="{LABEL_WIDTH + open_w:.1f}" y="{y + 3}" width="{resolved_w:.1f}" '
            f'height="18" fill="{RESOLVED_COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + open_w + resolved_w + 6:.1f}" y="{y + 16}" font-size="13" '
            f'fill="{TEXT}">{row["raised"]}</text>'
        )
    if not shown:
        parts.append(
            f'<text x="{LABEL_WIDTH}" y="50" font-size="13" fill="{TEXT}">No challenges</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))

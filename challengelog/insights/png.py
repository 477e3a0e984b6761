"""Bar charts as PNG images, for the Word form of the annual-report pack.

Drawn with Pillow and its built-in font, so they need no font file and no plotting library.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

MAX_ROWS = 12
BAR = "#1d70b8"
TEXT = "#0b0c0c"
RULE = "#b1b4b6"
MUTED = "#505a5f"
WHITE = "#ffffff"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError):  # Pillow built without FreeType
        return ImageFont.load_default()


def _fit(text: str, font, width: float, draw: ImageDraw.ImageDraw) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` pixels wide."""
    text = " ".join(str(text).split())
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _top(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """At most ``MAX_ROWS`` rows: the largest, kept in the order given."""
    if len(rows) <= MAX_ROWS:
        return list(rows)
    keep = sorted(range(len(rows)), key=lambda i: (-rows[i][1], i))[:MAX_ROWS]
    return [rows[i] for i in sorted(keep)]


def bar_chart_png(title: str, rows: list[tuple[str, int]], *, width_px: int = 1400) -> bytes:
    """A horizontal bar chart: labels on the left, one dark-blue bar per row with its value
    at the end, and the title above. Only the 12 largest rows are drawn (a note says so)."""
    scale = width_px / 1400
    title_font = _font(round(36 * scale))
    font = _font(round(28 * scale))
    note_font = _font(round(24 * scale))
    pad = round(32 * scale)
    bar_h = round(40 * scale)
    gap = round(18 * scale)
    title_h = round(76 * scale)

    shown = _top([(str(label), max(int(value or 0), 0)) for label, value in rows])
    note = f"Top {len(shown)} of {len(rows)} shown." if len(shown) < len(rows) else ""
    body_h = len(shown) * (bar_h + gap) - gap if shown else bar_h
    height = pad + title_h + body_h + pad + (round(44 * scale) if note else 0)

    image = Image.new("RGB", (width_px, height), WHITE)
    draw = ImageDraw.Draw(image)
    draw.text((pad, pad), _fit(title, title_font, width_px - 2 * pad, draw), TEXT, title_font)
    top = pad + title_h

    if not shown:
        draw.text((pad, top + bar_h / 2), "Nothing to show.", MUTED, font, anchor="lm")
    else:
        longest = max(draw.textlength(label, font=font) for label, _ in shown)
        label_w = min(longest, (width_px - 2 * pad) * 0.42)
        largest = max(value for _, value in shown)
        value_w = draw.textlength(str(largest), font=font) + round(16 * scale)
        x0 = pad + label_w + round(20 * scale)
        span = max(width_px - pad - value_w - x0, 1)
        draw.line([(x0, top - gap / 2), (x0, top + body_h + gap / 2)], RULE, max(1, round(scale)))
        for i, (label, value) in enumerate(shown):
            y = top + i * (bar_h + gap)
            middle = y + bar_h / 2
            text = _fit(label, font, label_w, draw)
            draw.text((x0 - round(20 * scale), middle), text, TEXT, font, anchor="rm")
            length = round(span * value / largest) if largest else 0
            if length:
                draw.rectangle([x0, y, x0 + length, y + bar_h], fill=BAR)
            draw.text(
                (x0 + length + round(10 * scale), middle), str(value), TEXT, font, anchor="lm"
            )
    if note:
        draw.text((pad, height - pad), note, MUTED, note_font, anchor="ls")

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

"""The annual-report pack as a Word document, drawn from ``report.build``'s dictionary.

Business-unit staff paste its sections into their annual report, so it is plain: Arial 11,
A4, tables with a header row, and charts with alt text.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from challengelog.insights.png import MAX_ROWS, bar_chart_png
from challengelog.ops.marking import mark_docx

TITLE = "Challenge log: annual report pack"
FONT = "Arial"
TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins
CHART_WIDTH = Cm(16)

# What XML 1.0 cannot hold (C0 controls other than tab, newline and carriage return, lone
# surrogates, U+FFFE and U+FFFF), and the C1 controls, which Word shows as boxes.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value) -> str:
    """``value`` as text that XML can hold: control characters dropped, line ends as \\n."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


def _long(date: dt.date | None) -> str:
    return f"{date.day} {date:%B %Y}" if date else "not recorded"


def _short(date: dt.date | None) -> str:
    return f"{date:%d/%m/%Y}" if date else "Not recorded"


def _days(value) -> str:
    if value is None:
        return ""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# Document set-up --------------------------------------------------------------------------


def _set_font(style, *, size: Pt | None = None) -> None:
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    if size is not None:
        style.font.size = size


def _new_document(data: dict) -> Document:
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2)
    _set_font(doc.styles["Normal"], size=Pt(11))
    for lang in doc.styles.element.iter(qn("w:lang")):  # the default language: UK English
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _set_font(doc.styles[name])
    props = doc.core_properties
    props.title = TITLE
    props.subject = clean(f"{data['partnership']['name']}: {data['period']['label']}")
    props.author = clean(data["partnership"]["name"])
    props.comments = ""
    mark_docx(doc)
    return doc


# Building blocks --------------------------------------------------------------------------


def _para(doc, text: str = "", *, bold: bool = False, style: str | None = None):
    paragraph = doc.add_paragraph(style=style)
    if text:
        paragraph.add_run(clean(text)).bold = bold
    return paragraph


def _labelled(doc, label: str, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(clean(label) + ": ").bold = True
    paragraph.add_run(clean(text))


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _table(
    doc,
    headers: list[str],
    rows: list[list],
    *,
    widths: list[float] | None = None,
    numeric: set[int] = frozenset(),
    size: Pt | None = None,
):
    """A table with a bold, shaded header row repeated on each page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for i, text in enumerate(headers):
        cell = header.cells[i]
        _shade(cell, "F3F2F1")
        _fill(cell, text, bold=True, size=size, right=i in numeric)
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            text = f"{value:,}" if isinstance(value, int) else value
            _fill(cells[i], text, size=size, right=i in numeric)
    if widths:
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    doc.add_paragraph()
    return table


def _fill(cell, text, *, bold: bool = False, size: Pt | None = None, right: bool = False):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean(text))
    run.bold = bold
    if size is not None:
        run.font.size = size
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _chart(doc, title: str, rows: list[dict], what: str) -> None:
    """A bar chart of ``rows``' raised counts, with alt text giving every figure drawn."""
    pairs = [(clean(r["label"]), r["raised"]) for r in rows if r["raised"]]
    if not pairs:
        return
    doc.add_picture(io.BytesIO(bar_chart_png(clean(title), pairs)), width=CHART_WIDTH)
    shown = pairs
    if len(pairs) > MAX_ROWS:
        keep = sorted(range(len(pairs)), key=lambda i: (-pairs[i][1], i))[:MAX_ROWS]
        shown = [pairs[i] for i in sorted(keep)]
    figures = "; ".join(f"{label}: {value}" for label, value in shown)
    description = f"Bar chart of the challenges raised {what}. {figures}."
    if len(shown) < len(pairs):
        description = (
            f"Bar chart of the challenges raised {what}, the top {len(shown)} of "
            f"{len(pairs)}. {figures}."
        )
    inline = doc.inline_shapes[-1]._inline
    inline.docPr.set("descr", clean(description))
    doc.add_paragraph()


def _counts(doc, heading: str, column: str, rows: list[dict], note: str = "") -> None:
    doc.add_heading(heading, level=1)
    if note:
        _para(doc, note)
    if not rows:
        _para(doc, "None in the period.")
        return
    _table(
        doc,
        [column, "Raised", "Open", "Resolved"],
        [[r["label"], r["raised"], r["open"], r["resolved"]] for r in rows],
        widths=[8.5, 2.8, 2.8, 2.9],
        numeric={1, 2, 3},
    )


# Sections ---------------------------------------------------------------------------------


def _summary(doc, data: dict) -> None:
    doc.add_heading("Summary", level=1)
    total = data["total"]
    sentence = (
        f"{data['period']['label']}: {_plural(total, 'challenge')} raised. "
        f"{data['open']:,} {'is' if data['open'] == 1 else 'are'} still open and "
        f"{data['resolved']:,} resolved, {data['assured']:,} of them with assurance received."
    )
    if data["undated"]:
        sentence += (
            f" {_plural(data['undated'], 'challenge has', 'challenges have')} no date raised "
            "recorded and so appear in no year below."
        )
    _para(doc, sentence)
    _table(
        doc,
        ["Challenges", "Number"],
        [
            ["Total raised", total],
            ["Open", data["open"]],
            ["Resolved", data["resolved"]],
            ["Assured", data["assured"]],
            ["Closed, not assured", data["closed_not_assured"]],
            ["Withdrawn", data["withdrawn"]],
        ],
        widths=[8.5, 3.0],
        numeric={1},
    )


def _time_to_assured(doc, data: dict) -> None:
    doc.add_heading("Time from raised to assured", level=1)
    t = data["time_to_assured"]
    if not t["assured"]:
        _para(doc, "No challenge in the period has been assured.")
        return
    if t["measured"]:
        _para(
            doc,
            f"Median: {_days(t['median'])} days from raised to assured (lower quartile "
            f"{_days(t['lower_quartile'])} days, upper quartile "
            f"{_days(t['upper_quartile'])} days), over "
            f"{_plural(t['measured'], 'assured challenge')}.",
        )
        _table(
            doc,
            ["Measure", "Days"],
            [
                ["Lower quartile", _days(t["lower_quartile"])],
                ["Median", _days(t["median"])],
                ["Upper quartile", _days(t["upper_quartile"])],
            ],
            widths=[8.5, 3.0],
            numeric={1},
        )
    else:
        _para(
            doc,
            "No assured challenge has both dates recorded, so the time from raised to "
            "assured cannot be given.",
        )
    left_out = t["left_out"]
    if left_out == 1:
        _para(doc, "1 assured challenge left out: the date it was assured is not recorded.")
    elif left_out:
        _para(
            doc,
            f"{left_out:,} assured challenges left out: the date they were assured is "
            "not recorded.",
        )


def _oldest_open(doc, data: dict) -> None:
    doc.add_heading("Oldest open challenges", level=1)
    oldest = data["oldest_open"]
    if oldest["challenges"]:
        _table(
            doc,
            ["No", "Date raised", "Age", "Challenge"],
            [
                [
                    c["reference"],
                    _short(c["date_raised"]),
                    f"{_plural(c['age_days'], 'day')} ({c['age_days'] / 365.25:.1f} years)",
                    c["text"],
                ]
                for c in oldest["challenges"]
            ],
            widths=[1.5, 2.4, 3.1, 10.0],
        )
    else:
        _para(doc, "No open challenge has a date raised recorded.")
    if oldest["undated"]:
        _para(
            doc,
            f"{_plural(oldest['undated'], 'open challenge has', 'open challenges have')} "
            "no date raised recorded and so cannot be listed here.",
        )


def _overdue(doc, data: dict) -> None:
    doc.add_heading("Overdue actions", level=1)
    overdue = data.get("overdue_actions") or {"count": 0, "actions": []}
    count = overdue["count"]
    if not count:
        _para(doc, "No action on an open challenge is past its due date.")
        return
    text = (
        f"{_plural(count, 'action')} on open challenges "
        f"{'is' if count == 1 else 'are'} past {'its' if count == 1 else 'their'} due date."
    )
    if len(overdue["actions"]) < count:
        text += f" The {len(overdue['actions'])} longest overdue are listed."
    _para(doc, text)
    _table(
        doc,
        ["No", "Action", "Agency", "Due", "Days overdue"],
        [
            [a["reference"], a["text"], a["agency"], _short(a["due"]), a["days_overdue"]]
            for a in overdue["actions"]
        ],
        widths=[1.5, 7.5, 3.6, 2.3, 2.1],
        numeric={4},
    )


def _recurring(doc, data: dict) -> None:
    doc.add_heading("Recurring concerns", level=1)
    groups = data["recurring"]
    if not groups:
        _para(doc, "No concern was raised more than once in the period.")
        return
    _para(
        doc,
        f"{_plural(len(groups), 'concern')} raised more than once. A challenge may be listed "
        "under more than one concern.",
    )
    for group in groups:
        doc.add_heading(clean(group["concern"]), level=2)
        refs = group["references"]
        _labelled(
            doc,
            "Challenges",
            f"{', '.join(refs)} ({_plural(len(refs), 'challenge')}, {group['open']:,} open)",
        )
        _labelled(
            doc,
            "Raised",
            f"first {_long(group['first_raised'])}, last {_long(group['last_raised'])}",
        )
        _labelled(
            doc,
            "Agencies challenged more than once",
            ", ".join(group["agencies_more_than_once"]) or "None",
        )
        if group["terms"]:
            _labelled(doc, "Words in common", ", ".join(group["terms"]))


def _examples(doc, data: dict) -> None:
    doc.add_heading("Examples of challenge and impact", level=1)
    if not data["examples"]:
        _para(doc, "No challenge in the period has been assured.")
        return
    _para(doc, "The most recent assured challenges, with the difference each made.")
    for e in data["examples"]:
        doc.add_heading(
            f"Challenge {clean(e['reference'])}, raised {_long(e['date_raised'])}", level=2
        )
        _labelled(doc, "Challenge", e["text"])
        if e["impact_recorded_as"] == "outcome":
            _labelled(doc, "Impact (the recorded outcome)", e["impact"])
        elif e["impact"]:
            _labelled(doc, "Impact (the latest progress; no outcome recorded)", e["impact"])
        else:
            _labelled(doc, "Impact", "No outcome or progress recorded.")


def _challenges(doc, data: dict) -> None:
    doc.add_heading("Challenges raised in the period", level=1)
    if not data["challenges"]:
        _para(doc, "None in the period.")
        return
    _table(
        doc,
        ["No", "Date", "Meeting", "From", "To", "Challenge", "Status"],
        [
            [
                c["reference"],
                _short(c["date_raised"]),
                c["forum"],
                c["raised_by"],
                c["to"],
                c["text"],
                c["status"],
            ]
            for c in data["challenges"]
        ],
        widths=[1.2, 2.0, 2.3, 2.3, 2.3, 5.0, 1.9],
        size=Pt(9),
    )


def to_docx(data: dict) -> bytes:
    """The annual-report pack as the bytes of a .docx file."""
    doc = _new_document(data)
    doc.add_heading(TITLE, level=0)
    _para(doc, f"{data['partnership']['name']}: {data['period']['label']}", bold=True)
    _para(doc, f"Generated {_long(data['generated'])}")

    _summary(doc, data)

    _counts(doc, "By reporting year (April to March)", "Reporting year", data["by_reporting_year"])
    _chart(
        doc,
        "Challenges raised by reporting year",
        data["by_reporting_year"],
        "in each reporting year (April to March)",
    )
    _counts(doc, "By calendar year", "Year", data["by_year"])

    _counts(
        doc,
        "By agency challenged",
        "Agency",
        data["by_agency"],
        "A challenge to two agencies counts once for each, so these figures can add up to "
        "more than the number raised.",
    )
    by_size = sorted(data["by_agency"], key=lambda r: -r["raised"])
    _chart(doc, "Challenges raised by agency challenged", by_size, "to each agency")

    _counts(doc, "By forum", "Meeting", data["by_forum"])
    _counts(doc, "By who raised them", "Raised by", data["by_raiser"])
    _counts(doc, "Risk", "Risk identified", data["risk"])
    _counts(
        doc,
        "Themes",
        "Theme",
        data["themes"],
        "Themes are suggested from each challenge's words by keyword rules that staff can "
        "correct; a challenge may have more than one theme, or none.",
    )
    _chart(doc, "Challenges raised by theme", data["themes"], "under each theme")

    _time_to_assured(doc, data)
    _oldest_open(doc, data)
    _overdue(doc, data)
    _recurring(doc, data)
    _examples(doc, data)
    _challenges(doc, data)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

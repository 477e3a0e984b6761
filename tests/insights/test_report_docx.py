"""The Word form of the annual-report pack agrees with the pack's data, and hostile text
cannot break it."""

import datetime as dt
import io

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image

from challengelog.insights import report
from challengelog.insights.docx import to_docx
from challengelog.insights.png import bar_chart_png
from challengelog.register.models import Challenge, Partnership

TODAY = dt.date(2026, 11, 26)
HOSTILE = "<script>alert(1)</script>=SUM(A1)"


def _pack():
    partnership = Partnership.objects.get(slug="southampton")
    return report.build(partnership, report.Period(None, None), today=TODAY)


def _sections(document) -> dict[str, list[Table]]:
    """The tables under each first-level heading, in order."""
    out: dict[str, list[Table]] = {}
    heading = None
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            if paragraph.style.name in ("Heading 1", "Title"):
                heading = paragraph.text
                out.setdefault(heading, [])
        elif element.tag.endswith("}tbl") and heading is not None:
            out[heading].append(Table(element, document))
    return out


def _body(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


@pytest.fixture
def rendered(seeded):
    data = _pack()
    return data, docx.Document(io.BytesIO(to_docx(data)))


def test_the_document_agrees_with_the_pack(rendered):
    data, document = rendered
    sections = _sections(document)
    assert document.paragraphs[0].text == "Challenge log: annual report pack"

    summary = dict(_body(sections["Summary"][0]))
    assert summary["Total raised"] == "148"
    assert summary["Open"] == "31"
    assert summary["Resolved"] == "117"
    assert (data["total"], data["open"], data["resolved"]) == (148, 31, 117)

    agencies = _body(sections["By agency challenged"][0])
    assert [(row[0], int(row[1])) for row in agencies] == [
        (r["label"], r["raised"]) for r in data["by_agency"]
    ]

    risk = _body(sections["Risk"][0])
    assert [row[0] for row in risk] == ["Yes", "No", "Not recorded"]
    assert [(row[0], int(row[1])) for row in risk] == [
        (r["label"], r["raised"]) for r in data["risk"]
    ]

    text = "\n".join(p.text for p in document.paragraphs)
    assert data["recurring"]
    for group in data["recurring"]:
        assert ", ".join(group["references"]) in text

    raised = sections["Challenges raised in the period"][0]
    assert [c.text for c in raised.rows[0].cells] == [
        "No",
        "Date",
        "Meeting",
        "From",
        "To",
        "Challenge",
        "Status",
    ]
    assert len(raised.rows) - 1 == 148
    assert [row[0] for row in _body(raised)] == [c["reference"] for c in data["challenges"]]

    assert len(document.inline_shapes) >= 3
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr", "").strip()

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.cm, 1) == 2.0
    assert document.styles["Normal"].font.name == "Arial"
    assert document.styles["Normal"].font.size.pt == 11


def test_hostile_text_is_kept_literally_and_cannot_break_the_file(seeded):
    challenge = Challenge.objects.filter(partnership__slug="southampton").order_by("pk").first()
    Challenge.objects.filter(pk=challenge.pk).update(text="\x01" + HOSTILE + "\x0b\x1f")
    data = _pack()
    assert any(c["text"].startswith("\x01") for c in data["challenges"])

    document = docx.Document(io.BytesIO(to_docx(data)))

    table = _sections(document)["Challenges raised in the period"][0]
    cells = [row[5] for row in _body(table)]
    assert HOSTILE in cells
    everything = "\n".join(cell for row in _body(table) for cell in row)
    assert "\x01" not in everything
    assert "\x1f" not in everything


def test_bar_chart_is_a_drawn_png():
    rows = [(f"Agency with a rather long name number {i}", 30 - i) for i in range(15)]
    png = bar_chart_png("Challenges raised by agency challenged", rows, width_px=1000)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == 1000
    assert image.height > 300
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 1
    assert (0x1D, 0x70, 0xB8) in {colour for _, colour in colours}


def test_bar_chart_with_nothing_to_draw_is_still_an_image():
    image = Image.open(io.BytesIO(bar_chart_png("Nothing", [])))
    assert image.width == 1400
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 1

"""The server-drawn charts: an image with a name and a description that reads its numbers,
bars in proportion, and text from the log kept as text."""

import re
import xml.etree.ElementTree as ET

from challengelog.insights.charts import BAR_WIDTH, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def rows(*pairs):
    return [{"label": label, "raised": raised, "open": open_} for label, raised, open_ in pairs]


def test_a_chart_is_a_named_image_that_reads_its_numbers():
    svg = bar_chart("By agency", rows(("Police", 6, 2), ("CAFCASS", 3, 0)), chart_id="c1")
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "By agency"
    assert root.find(f"{SVG}desc").text == "Police: 6 (2 open), CAFCASS: 3 (0 open)"


def test_bars_are_in_proportion_and_split_open_from_resolved():
    root = ET.fromstring(str(bar_chart("t", rows(("A", 10, 4), ("B", 5, 5)))))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")][2:]  # after the legend
    assert widths == [BAR_WIDTH * 0.4, BAR_WIDTH * 0.6, BAR_WIDTH * 0.5, 0.0]


def test_text_from_the_log_stays_text():
    hostile = '<script>alert(1)</script>" onload="x'
    svg = str(bar_chart(hostile, rows((hostile, 1, 1))))
    assert "<script>" not in svg
    assert 'onload="x' not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == hostile


def test_long_lists_are_cut_and_say_so():
    many = rows(*[(f"Agency {i}", 20 - i, 0) for i in range(20)])
    root = ET.fromstring(str(bar_chart("t", many, limit=15)))
    labels = [t.text for t in root.iter(f"{SVG}text")][2:]
    assert len(re.findall(r"Agency", " ".join(x for x in labels if x))) == 15
    assert root.find(f"{SVG}desc").text.endswith("5 more in the table")
    empty = ET.fromstring(str(bar_chart("t", [])))
    assert empty.find(f"{SVG}desc").text == "No challenges"

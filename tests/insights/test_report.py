"""The annual-report pack: its JSON, the PDF opened with pdfplumber, the command line, and the
downloads from the report page."""

import datetime as dt
import io
import json
import re

import pdfplumber
import pytest
from django.core.management import CommandError, call_command

from challengelog.accounts.models import AuditEvent, User
from challengelog.insights import report
from challengelog.register.models import Challenge, Partnership

KEYS = {"total", "resolved", "open", "by_agency", "by_forum", "by_year", "themes", "recurring"}


def _json(tmp_path, *args):
    out = tmp_path / "pack.json"
    call_command("report", "--partnership", "southampton", "--output", str(out), *args)
    return json.loads(out.read_text())


def test_the_command_writes_the_json_the_issue_names(seeded, tmp_path):
    data = _json(tmp_path)
    assert set(data) >= KEYS
    assert (data["total"], data["resolved"], data["open"]) == (148, 117, 31)
    assert all(
        isinstance(g["references"], list) and len(g["references"]) >= 2 for g in data["recurring"]
    )
    assert any({"44", "79", "87"} <= set(g["references"]) for g in data["recurring"])
    assert sum(r["raised"] for r in data["by_year"]) == 148


def test_the_command_takes_a_period(seeded, tmp_path):
    data = _json(tmp_path, "--from", "2016-04-01", "--to", "2017-03-31")
    assert data["total"] == 46
    assert data["period"]["label"] == "April 2016 to March 2017"
    assert set(data["challenges"]) == set(
        Challenge.objects.filter(
            date_raised__range=(dt.date(2016, 4, 1), dt.date(2017, 3, 31))
        ).values_list("reference", flat=True)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2016-13-01"], "“2016-13-01” is not a date"),
        (["--from", "2017-01-01", "--to", "2016-01-01"], "--from is after --to"),
        (["--partnership", "nowhere"], "no partnership “nowhere”"),
    ],
)
def test_the_command_names_bad_input(seeded, args, message):
    if "--partnership" not in args:
        args = ["--partnership", "southampton", *args]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", *args)


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_pdf_holds_the_figures_of_the_json(seeded, tmp_path):
    data = _json(tmp_path)
    out = tmp_path / "pack.pdf"
    call_command("report", "--partnership", "southampton", "--format", "pdf", "--output", str(out))
    text = pdf_text(out.read_bytes())
    squashed = re.sub(r"\s+", " ", text)
    assert "Annual-report pack" in text
    assert "Southampton LSCB" in text
    assert re.search(r"148 raised", squashed) or re.search(r"148\s*31\s*117", squashed)
    for row in data["by_agency"][:10]:
        assert re.search(rf"{re.escape(row['label'])} {row['raised']} {row['open']}", squashed), row
    for row in data["risk"]:
        assert f"{row['label']} {row['raised']} {row['open']}" in squashed
    assert "117 assured challenges left out" in squashed
    for group in data["recurring"]:
        assert group["concern"] in squashed
    # Every challenge of the period is listed.
    assert all(f" {reference} " in squashed for reference in data["challenges"][:20])


def test_the_html_is_one_file_with_its_styles(seeded, tmp_path):
    out = tmp_path / "pack.html"
    call_command("report", "--partnership", "southampton", "--format", "html", "--output", str(out))
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html
    assert "<svg" in html
    assert "<link" not in html
    assert "<script" not in html


def test_hostile_text_stays_text_in_the_pack(seeded, tmp_path):
    hostile = '<script>alert(1)</script> =HYPERLINK("http://x") <img src=http://x/y.png>'
    c = Challenge.objects.get(reference="148")
    c.text = hostile
    c.save()
    out = tmp_path / "pack.html"
    call_command("report", "--partnership", "southampton", "--format", "html", "--output", str(out))
    html = out.read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pdf = tmp_path / "pack.pdf"
    call_command("report", "--partnership", "southampton", "--format", "pdf", "--output", str(pdf))
    # Shown as the text it is: white space aside (cells wrap), every character is there.
    assert "<script>alert(1)</script>" in re.sub(r"\s+", "", pdf_text(pdf.read_bytes()))


@pytest.fixture
def chair(client, seeded):
    from challengelog.accounts.models import Membership

    user = User.objects.create_user(email="chair@example.org", password="x" * 14)
    Membership.objects.create(
        user=user, partnership=Partnership.objects.get(slug="southampton"), role="chair"
    )
    client.force_login(user)
    return client


def test_the_report_page_and_its_downloads(chair):
    page = chair.get("/staff/southampton/report/?ryear=2016")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Annual-report pack: April 2016 to March 2017" in html
    assert 'href="/staff/southampton/report.pdf?ryear=2016"' in html
    data = chair.get("/staff/southampton/report.json?ryear=2016").json()
    assert data["total"] == page.context["data"]["total"] == 46
    pdf = chair.get("/staff/southampton/report.pdf?ryear=2016")
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        'filename="southampton-report-2016-04-01-to-2017-03-31.pdf"' in pdf["Content-Disposition"]
    )
    assert "April 2016 to March 2017" in pdf_text(pdf.content)
    docx = chair.get("/staff/southampton/report.docx?ryear=2016")
    assert docx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(kind="report.downloaded").count() == 3
    assert chair.get("/staff/southampton/report.xls").status_code == 404


def test_a_bad_period_on_the_report_page_is_named(chair):
    page = chair.get("/staff/southampton/report/?ryear=1066")
    assert "Choose a reporting year in which the log has challenges" in page.content.decode()


def test_the_pack_of_an_empty_period(seeded):
    partnership = Partnership.objects.get(slug="southampton")
    data = report.build(partnership, report.Period(dt.date(2030, 1, 1), dt.date(2030, 12, 31)))
    assert data["total"] == 0
    assert data["challenges"] == []
    assert data["recurring"] == []
    from challengelog.insights.docx import to_docx
    from challengelog.insights.layout import pack_context
    from challengelog.insights.pdf import to_pdf

    assert to_docx(data)[:2] == b"PK"
    text = pdf_text(to_pdf(pack_context(partnership, data, log_url="/x/")))
    assert "No challenges were raised in the period" in text


def test_the_dashboard_reads_only_the_largest_recurring_concerns(seeded, monkeypatch):
    """The same largest groups in the same order as the pack's, and the count of all of them;
    a period or a reader's view still reads them all."""
    partnership = Partnership.objects.get(slug="southampton")
    whole = report.Period(None, None)
    pack = report.build(partnership, whole)
    assert len(pack["recurring"]) > 3
    monkeypatch.setattr(report, "DASHBOARD_GROUPS", 3)
    dashboard = report.build(partnership, whole, listing="none")
    assert dashboard["recurring"] == pack["recurring"][:3]
    assert dashboard["recurring_count"] == pack["recurring_count"] == len(pack["recurring"])
    year = report.build(partnership, report.Period(dt.date(2015, 4, 1), dt.date(2016, 3, 31)))
    assert (
        report.build(
            partnership, report.Period(dt.date(2015, 4, 1), dt.date(2016, 3, 31)), listing="none"
        )["recurring"]
        == year["recurring"]
    )

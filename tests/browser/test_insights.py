"""The dashboard, the report pack, the themes form and the public summary in a real browser:
a chair moves from a chart's table to the list behind a number, changes a challenge's themes;
axe-core finds nothing on any of these pages."""

import re

import pytest

from .test_workspace import PASSWORD, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def chair(live_log):
    from challengelog.accounts.models import Membership, User
    from challengelog.register.models import Partnership

    partnership = Partnership.objects.get(slug="southampton")
    user = User.objects.create_user(email="chair@example.org", password=PASSWORD)
    Membership.objects.create(user=user, partnership=partnership, role="chair")
    return live_log


def test_dashboard_report_and_themes(chair, page, assert_accessible):
    base = chair
    _sign_in(page, base, "chair@example.org")
    page.goto(f"{base}/staff/southampton/log/")
    page.get_by_role("link", name="Dashboard").first.click()
    page.wait_for_url(re.compile(r"/staff/southampton/dashboard/$"))
    assert page.locator(".app-headline").inner_text().split()[:2] == ["148", "raised"]
    # Each chart is an image with a name, and its numbers are one click away.
    chart = page.get_by_role("img", name="Challenges by agency challenged")
    assert chart.is_visible()
    assert_accessible(page)
    section = page.locator("section", has=page.get_by_role("heading", name="Challenges by agency"))
    section.get_by_text("Table of these numbers").click()
    section.get_by_role("link", name="26 raised: Children and Families Service").click()
    page.wait_for_url(re.compile(r"agency=children-and-families-service"))
    assert "26 challenges match these filters" in page.inner_text("main")

    # A reporting year narrows the dashboard.
    page.goto(f"{base}/staff/southampton/dashboard/")
    page.get_by_label("Reporting year", exact=True).select_option(label="April 2016 to March 2017")
    page.get_by_role("button", name="Show").click()
    assert page.locator(".app-headline").inner_text().split()[:2] == ["46", "raised"]
    page.get_by_label("From", exact=True).fill("2017-05-01")
    page.get_by_label("To", exact=True).fill("2017-01-01")
    page.get_by_role("button", name="Show").click()
    assert "The end date must be on or after the start date" in page.inner_text("main")
    assert_accessible(page)

    page.goto(f"{base}/staff/southampton/report/?ryear=2016")
    assert "Annual-report pack: April 2016 to March 2017" in page.inner_text("h1")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (.docx)").click()
    assert download.value.suggested_filename == ("southampton-report-2016-04-01-to-2017-03-31.docx")

    # Themes: the suggestion is shown with its words; the chair changes it.
    page.goto(f"{base}/staff/southampton/log/89/")
    assert "Section 11 and audit returns" in page.inner_text("main")
    page.get_by_role("link", name="Change themes").click()
    page.wait_for_url(re.compile(r"/log/89/themes/$"))
    assert_accessible(page)
    page.get_by_label("Section 11 and audit returns").uncheck()
    page.get_by_label("Data and performance").check()
    page.get_by_role("button", name="Save themes").click()
    page.wait_for_url(re.compile(r"/staff/southampton/log/89/$"))
    assert "Themes of challenge 89 saved" in page.inner_text("main")
    assert "Data and performance" in page.inner_text("main")


def test_public_summary(live_log, page, assert_accessible):
    page.goto(f"{live_log}/southampton/log/")
    page.get_by_role("link", name="summary in figures and charts").click()
    page.wait_for_url(re.compile(r"/southampton/log/summary/$"))
    assert page.locator(".app-headline").inner_text().split()[:2] == ["148", "raised"]
    assert "Recurring concerns" not in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="31 open").first.click()
    page.wait_for_url(re.compile(r"status=open"))
    assert "31 challenges match these filters" in page.inner_text("main")

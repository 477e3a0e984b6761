"""The log's pages in a real browser: searching, filtering, paging, and no axe-core
violations of WCAG 2.2 A and AA on any of them."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_search_and_filter_from_the_form(live_log, page, assert_accessible):
    page.goto(f"{live_log}/log/")
    assert page.url.endswith("/southampton/log/")
    assert page.get_by_role("heading", level=1).inner_text() == "Southampton LSCB: challenge log"
    assert_accessible(page)

    page.get_by_label("Search the challenges, actions and progress").fill("attendance")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=attendance"))
    assert page.locator("#result-count").inner_text() == "23 challenges match these filters."

    # The filters open by themselves once a filter is in use.
    assert page.locator("details.govuk-details").evaluate("d => d.open")
    page.get_by_label("Status").select_option("open")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"status=open"))
    assert page.locator("#result-count").inner_text() == "5 challenges match these filters."
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Remove filter Search: attendance")).click()
    page.wait_for_url(re.compile(r"\?status=open$"))
    assert page.locator("#result-count").inner_text() == "31 challenges match these filters."


def test_paging_through_the_log(live_log, page):
    page.goto(f"{live_log}/southampton/log/")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"after="))
    first_row = page.locator("tbody tr").first.locator("td").first.text_content()
    assert first_row == "Challenge 98"  # the link's text, with its hidden prefix
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url(re.compile(r"before="))
    assert page.locator("tbody tr").count() == 50


def test_challenge_and_entry_pages(live_log, page, assert_accessible):
    page.goto(f"{live_log}/southampton/log/84/")
    assert page.get_by_role("heading", level=1).inner_text() == "Challenge 84"
    assert_accessible(page)
    page.get_by_role("link", name="Barnardos").click()
    page.wait_for_url(re.compile(r"/agencies/barnardos/$"))
    assert "3 challenges: 3 assured." in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="Back to agencies challenged").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Agencies challenged"
    assert_accessible(page)
    page.goto(f"{live_log}/southampton/log/meetings/")
    assert_accessible(page)
    page.goto(f"{live_log}/southampton/log/raised-by/independent-chair/")
    assert_accessible(page)


def test_errors_are_summarised_accessibly(live_log, page, assert_accessible):
    page.goto(f"{live_log}/southampton/log/?year=1066&agency=nobody")
    summary = page.locator(".govuk-error-summary")
    assert "Choose a year in which the log has challenges" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_everything_works_without_javascript(live_log, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_log}/southampton/log/")
    page.get_by_label("Search the challenges, actions and progress").fill("e-safety")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=e-safety"))
    assert page.locator("#result-count").inner_text() == "4 challenges match these filters."
    context.close()


def test_a_narrow_screen_does_not_scroll_sideways(live_log, browser):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{live_log}/southampton/log/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    context.close()


def test_the_accessibility_check_can_fail(browser):
    from .conftest import axe_violations

    page = browser.new_page()
    page.set_content("<html><body><img src='x.png'><a href='#'></a></body></html>")
    ids = {v.split(":")[0] for v in axe_violations(page)}
    assert {"image-alt", "html-has-lang"} <= ids
    page.close()

"""The accessibility statement, privacy notice and cookies page (the service's and a
partnership's) and the staff page that sets them, in a real browser: no axe-core violation of
WCAG 2.2 A and AA, and no sideways scrolling on a 375-pixel-wide screen."""

import os
import re

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SHOTS = os.environ.get("SCREENSHOTS")  # a folder: save pages as PNGs to look at
PUBLIC = [
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/southampton/accessibility/",
    "/southampton/privacy/",
    "/southampton/cookies/",
]
SITE = "/staff/southampton/publishing/site-information/"
WIDTHS = (1280, 375)


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _name(path: str, width: int) -> str:
    return f"site-{path.strip('/').replace('/', '-')}-{width}"


def _fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} pixels wide at {width}"


@pytest.fixture
def chair(live_log):
    from challengelog.accounts.models import Membership, User
    from challengelog.register.models import Partnership

    user = User.objects.create_user(email="chair@example.org", password=PASSWORD)
    Membership.objects.create(
        user=user, partnership=Partnership.objects.get(slug="southampton"), role="chair"
    )
    return live_log


def _context(browser, width):
    # bypass_csp: axe-core goes in as an inline script (see conftest.py).
    return browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)


def test_the_pages_are_accessible_at_both_widths(live_log, browser, assert_accessible):
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        for path in PUBLIC:
            response = page.goto(f"{live_log}{path}")
            assert response.status == 200, path
            assert page.get_by_role("heading", level=1).count() == 1
            footer = page.locator("footer")
            assert footer.get_by_role("link", name="Privacy notice").count() == 1
            _fits(page, width)
            assert_accessible(page)
            _shot(page, _name(path, width))
        # The cookies page's table scrolls inside its box when it must, never the page.
        context.close()


def test_the_staff_page_is_accessible_at_both_widths(chair, browser, assert_accessible):
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        page.goto(f"{chair}/sign-in/")
        page.get_by_label("E-mail address").fill("chair@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/work/$"))
        page.goto(f"{chair}/staff/southampton/publishing/")
        page.get_by_role(
            "link", name="accessibility statement, privacy notice and cookies page"
        ).click()
        page.wait_for_url(re.compile(r"/site-information/$"))
        _fits(page, width)
        assert_accessible(page)
        _shot(page, _name(SITE, width))

        # With mistakes: the error summary and the messages are accessible too.
        page.get_by_label("E-mail address").fill("not an address")
        page.locator("#id_prepared_on_month").fill("")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("load")
        summary = page.locator(".govuk-error-summary")
        assert "Enter an e-mail address in the correct format" in summary.inner_text()
        assert "must include a month" in summary.inner_text()
        _fits(page, width)
        assert_accessible(page)
        _shot(page, _name(SITE, width) + "-errors")

        page.get_by_label("E-mail address").fill(f"unit{width}@example.org")
        # A day in the past whatever today is (the form refuses a date to come).
        page.locator("#id_prepared_on_day").fill("26")
        page.locator("#id_prepared_on_month").fill("11")
        page.locator("#id_prepared_on_year").fill("2026")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(r"/site-information/$"))
        assert "Saved" in page.locator(".govuk-notification-banner").inner_text()
        page.goto(f"{chair}/southampton/accessibility/")
        assert f"unit{width}@example.org" in page.inner_text("main")

        # Someone else saves while the form is open: it is refused, saying what they changed.
        page.goto(f"{chair}{SITE}")
        _save_elsewhere(f"other{width}@example.org")
        page.get_by_label("Telephone number (optional)").fill("023 8000 0000")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("load")
        assert "changed by someone else" in page.locator(".govuk-error-summary").inner_text()
        assert f"other{width}@example.org" in page.locator(".app-conflict").inner_text()
        _fits(page, width)
        assert_accessible(page)
        _shot(page, _name(SITE, width) + "-conflict")
        context.close()


def _save_elsewhere(email):
    from challengelog.publishing import site_information
    from challengelog.register.models import Partnership

    partnership = Partnership.objects.get(slug="southampton")
    row = site_information.stored(partnership)
    site_information.save(
        partnership=partnership, user=None, version=row.version, contact_email=email
    )

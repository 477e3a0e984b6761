"""The approval step in a real browser: a board member changes a challenge's public wording,
an administrator approves two changes and holds one back, publishes, and the public log shows
exactly the two; axe-core finds nothing on the pages, which fit a phone's width."""

import re

import pytest

from tests.browser.test_workspace import PASSWORD, _sign_in, _sign_out, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def board(live_log):
    from challengelog.accounts.models import Membership, User
    from challengelog.register.models import Partnership

    partnership = Partnership.objects.get(slug="southampton")
    for email, role in (("member@example.org", "member"), ("admin@example.org", "administrator")):
        user = User.objects.create_user(email=email, password=PASSWORD)
        Membership.objects.create(user=user, partnership=partnership, role=role)
    # Three challenges change after the log was published.
    for reference in ("146", "147", "148"):
        challenge = partnership.challenges.get(reference=reference)
        challenge.text = f"Changed internally: okapi {reference}"
        challenge.save()
    return live_log


def _fits(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width)
        .slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)""",
        width,
    )
    assert scroll <= width, f"{page.url} scrolls sideways at {width} px: {scroll} px: {wide}"


def test_member_words_administrator_approves_two_and_holds_one(board, page, assert_accessible):
    base = board
    _sign_in(page, base, "member@example.org")
    page.goto(f"{base}/staff/southampton/publishing/")
    assert_accessible(page)
    section = page.locator("#review-148")
    section.get_by_role("link", name=re.compile("Change the public wording")).click()
    page.wait_for_url(re.compile(r"/review/148/wording/$"))
    assert_accessible(page)
    shot(page, "public-wording-1280")
    _fits(page, 375)
    shot(page, "public-wording-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Challenge", exact=True).fill("Tower blocks: how residents are warned.")
    page.get_by_role("button", name="Save the public wording").click()
    page.wait_for_url(re.compile(r"/publishing/"))
    assert "Wording changed" in page.locator("#review-148").inner_text()
    # A member sees no approval buttons.
    assert page.locator("#review-148").get_by_label("Approve for the next publish").count() == 0
    _sign_out(page)

    _sign_in(page, base, "admin@example.org")
    page.goto(f"{base}/staff/southampton/publishing/")
    for reference in ("148", "147"):
        section = page.locator(f"#review-{reference}")
        section.get_by_label("Approve for the next publish").check()
        section.get_by_role("button", name=re.compile("Save the decision")).click()
        page.wait_for_load_state("load")
        assert "Approved" in page.locator(f"#review-{reference}").inner_text()
    section = page.locator("#review-146")
    section.get_by_label("Hold back").check()
    section.get_by_label(re.compile("Why it is held back")).fill("Check with the police first")
    section.get_by_role("button", name=re.compile("Save the decision")).click()
    page.wait_for_load_state("load")
    assert "Check with the police first" in page.locator("#review-146").inner_text()
    assert_accessible(page)
    shot(page, "publishing-review-1280")
    _fits(page, 375)
    shot(page, "publishing-review-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Publish the approved challenges").click()
    page.wait_for_load_state("load")
    assert "Published the 2 approved challenges" in page.content()
    _sign_out(page)

    page.goto(f"{base}/southampton/log/148/")
    assert "Tower blocks: how residents are warned." in page.content()
    page.goto(f"{base}/southampton/log/147/")
    assert "Changed internally: okapi 147" in page.content()
    page.goto(f"{base}/southampton/log/146/")
    assert "okapi" not in page.content()
    page.goto(f"{base}/southampton/log/?q=okapi")
    assert "1 challenge matches" in page.content() or "1 challenge match" in page.content()

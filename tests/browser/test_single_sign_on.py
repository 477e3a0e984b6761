"""Single sign-on in a real browser: the sign-in page offers the organisation's button (and
passes axe-core), the browser goes to the provider (tests/oidc_provider.py) and back, and the
person lands on the page they asked for, with the Content-Security-Policy kept throughout."""

import re

import pytest

from tests.oidc_provider import provider as provider  # a fixture

from .test_security import strict_page as strict_page  # a fixture
from .test_workspace import shot

pytestmark = pytest.mark.browser


@pytest.fixture
def member(transactional_db, live_server):
    from challengelog.accounts.models import Membership, User
    from challengelog.register.models import Partnership

    partnership = Partnership.objects.create(slug="southampton", name="Southampton LSCB")
    user = User.objects.create_user(email="member@example.org", password="x" * 14)
    Membership.objects.create(user=user, partnership=partnership, role="member")
    return live_server.url


def test_a_member_signs_on_through_the_organisation(
    member, provider, page, strict_page, assert_accessible, settings
):
    settings.OIDC_LABEL = "Sign in with Southampton City Council"
    base = member
    page.goto(f"{base}/staff/southampton/log/")
    page.wait_for_url(re.compile(r"/sign-in/\?next="))
    assert_accessible(page)
    shot(page, "sign-in-with-sign-on")

    violations = []
    strict_page.on(
        "console", lambda m: violations.append(m.text) if "Security Policy" in m.text else None
    )
    provider.claims = {"email": "member@example.org", "sub": "m-1"}
    strict_page.goto(f"{base}/staff/southampton/log/")
    strict_page.get_by_role("button", name="Sign in with Southampton City Council").click()
    strict_page.wait_for_url(re.compile(r"/staff/southampton/log/$"))
    assert strict_page.get_by_role("button", name="Sign out").count() == 1
    assert "/authorize" in provider.requests
    assert violations == []

    # Someone the partnership has not added is told so on the sign-in page.
    strict_page.context.clear_cookies()
    provider.claims = {"email": "visitor@example.org", "sub": "v-1"}
    strict_page.goto(f"{base}/sign-in/")
    strict_page.get_by_role("button", name="Sign in with Southampton City Council").click()
    strict_page.wait_for_url(re.compile(r"/sign-in/$"))
    banner = strict_page.locator(".govuk-notification-banner").inner_text()
    assert "there is no Challenge Log account for visitor@example.org" in banner
    shot(strict_page, "sign-on-refused")

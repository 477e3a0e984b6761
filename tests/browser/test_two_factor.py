"""Two-factor sign-in in a real browser: a chair signs in, is taken to set up an app, scans
(here: reads the key), enters the code and reaches the page asked for; the pages pass
axe-core and keep the Content-Security-Policy (the QR code is an image, not a script)."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .test_security import strict_page as strict_page  # a fixture
from .test_workspace import PASSWORD, shot
from .test_workspace import staff as staff  # a fixture

pytestmark = pytest.mark.browser


def test_a_chair_sets_up_the_app_on_first_sign_in(
    staff, page, strict_page, settings, assert_accessible
):
    settings.TWO_FACTOR_ROLES = ["administrator", "chair"]
    base = staff
    for p in (page, strict_page):
        violations = []
        p.on(
            "console",
            lambda m, v=violations: v.append(m.text) if "Security Policy" in m.text else None,
        )
        p.goto(f"{base}/staff/southampton/log/")
        p.get_by_label("E-mail address").fill("chair@example.org")
        p.get_by_label("Password").fill(PASSWORD)
        p.get_by_role("button", name="Sign in").click()
        if p is page:
            p.wait_for_url(re.compile(r"/account/two-factor/setup/"))
            assert "Set up a code from an app" in p.inner_text("main")
            p.wait_for_function("document.querySelector('img.app-qr').complete")
            assert p.locator("img.app-qr").evaluate("i => i.naturalWidth") > 100
            p.get_by_role("button", name="Turn on").click()
            assert "Enter the 6-digit code" in p.locator(".govuk-error-summary").inner_text()
            assert_accessible(p)
            shot(p, "two-factor-setup")
            device = TOTPDevice.objects.get(user__email="chair@example.org")
            p.get_by_label("Code from your app").fill(f"{totp(device.bin_key):06d}")
            p.get_by_role("button", name="Turn on").click()
            p.wait_for_url(re.compile(r"/staff/southampton/log/$"))
        else:
            p.wait_for_url(re.compile(r"/account/two-factor/code/"))
            shot(p, "two-factor-code")
        assert violations == []

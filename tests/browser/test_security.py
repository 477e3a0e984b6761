"""The Content-Security-Policy (nothing inline) breaks no page: Chromium reports no violation
on the public log, the staff pages or the API documentation, and Swagger UI still works."""

import re

import pytest

from .test_workspace import _sign_in, shot
from .test_workspace import staff as staff  # a fixture

pytestmark = pytest.mark.browser


def _watch(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return violations


@pytest.fixture
def strict_page(browser):
    """A page that keeps the Content-Security-Policy (the others let axe-core in)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_no_page_breaks_the_content_security_policy(staff, strict_page):
    base, page = staff, strict_page
    violations = _watch(page)
    page.goto(f"{base}/api/docs/")
    page.locator(".opblock-summary").first.wait_for()
    assert page.locator(".opblock").count() >= 15  # every operation is listed
    # Swagger UI's own scripts open an operation.
    page.locator(".opblock-summary-control", has_text="Published log").first.click()
    page.get_by_role("button", name=re.compile("Try it out")).first.wait_for()
    shot(page, "api-docs")
    for path in ("/log/", "/southampton/log/?q=attendance", "/southampton/log/144/"):
        page.goto(base + path)
    _sign_in(page, base, "chair@example.org")
    for path in (
        "/staff/southampton/log/",
        "/staff/southampton/log/144/",
        "/staff/southampton/raise/",
        "/staff/southampton/dashboard/",
        "/staff/southampton/meetings/",
    ):
        page.goto(base + path)
        assert page.locator("main").count() == 1, path
    assert violations == []

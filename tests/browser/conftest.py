"""Browser tests: Debian's Chromium driven by Playwright, pages checked with axe-core.

They skip, saying why, where Chromium or axe-core is missing, except in CI (CI=true), where
a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"no axe-core at {AXE} (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    # Playwright's sync API runs its own event loop: Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # axe-core is added to each page as an inline script, which the Content-Security-Policy
    # forbids: these contexts let it in. tests/browser/test_security.py keeps the policy.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_log(transactional_db, live_server, seed_path):
    from challengelog.importing.services import import_file

    report = import_file(
        path=seed_path, partnership="southampton", partnership_name="Southampton LSCB"
    )
    assert report.ok
    from challengelog.publishing.services import publish
    from challengelog.register.models import Partnership

    publish(partnership=Partnership.objects.get(slug="southampton"), label="test")
    return live_server.url


def axe_violations(page) -> list[str]:
    # A check straight after a click must wait for the page it led to, not run on the
    # document being replaced.
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert not violations, f"{page.url}:\n" + "\n".join(violations)

    return check

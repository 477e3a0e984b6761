"""The staff journey in a real browser: a chair raises a challenge with two actions, an agency
lead responds with a file, the chair marks it assured; the history shows each step; axe-core
finds nothing on these pages."""

import os
import re

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SHOTS = os.environ.get("SCREENSHOTS")  # a folder: save pages as PNGs to look at


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def staff(live_log):
    from challengelog.accounts.models import Membership, User
    from challengelog.register.models import Agency, Partnership

    partnership = Partnership.objects.get(slug="southampton")
    chair = User.objects.create_user(email="chair@example.org", password=PASSWORD)
    Membership.objects.create(user=chair, partnership=partnership, role="chair")
    lead = User.objects.create_user(email="lead@example.org", password=PASSWORD)
    membership = Membership.objects.create(user=lead, partnership=partnership, role="agency_lead")
    membership.agencies.add(Agency.objects.get(slug="housing-services"))
    return live_log


def _sign_in(page, base, email):
    page.goto(f"{base}/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/work/$"))


def _sign_out(page):
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_url(re.compile(r"/sign-in/"))


def test_raise_respond_assure(staff, page, assert_accessible, tmp_path):
    base = staff
    _sign_in(page, base, "chair@example.org")
    assert_accessible(page)
    page.goto(f"{base}/staff/southampton/raise/")
    assert_accessible(page)
    page.get_by_label("Date raised").fill("20/11/2026")
    page.get_by_label("Meeting").fill("Monitoring and Evaluation Group")
    page.get_by_label("Raised by").fill("Independent Chair")
    page.get_by_label("Agencies challenged").select_option(label="Housing Services")
    page.get_by_label("The challenge").fill("Are tower block residents with children known?")
    page.get_by_label("Yes").check()
    page.locator("#id_actions-0-text").fill("List the blocks housing children")
    page.locator("#id_actions-0-agency").select_option(label="Housing Services")
    page.locator("#id_actions-0-due").fill("04/12/2026")
    page.get_by_role("button", name="Add another action").click()
    page.locator("#id_actions-1-text").fill("Report to the Board")
    page.get_by_role("button", name="Record the challenge").click()
    page.wait_for_url(re.compile(r"/staff/southampton/log/149/$"))
    assert "Challenge 149 recorded" in page.inner_text("main")
    assert "List the blocks housing children" in page.inner_text("main")
    assert "Report to the Board" in page.inner_text("main")
    assert_accessible(page)
    # An action agreed later, at the next meeting.
    page.get_by_role("link", name=re.compile("Add an action")).click()
    page.get_by_role("button", name="Add an action").click()
    assert "Enter the action" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    shot(page, "add-action-error")
    page.get_by_label("Action", exact=True).fill("Brief the fire service on the blocks")
    page.get_by_label("Owning agency").select_option(label="Housing Services")
    page.get_by_label("Due date (optional)").fill("11/12/2026")
    page.get_by_role("button", name="Add an action").click()
    page.wait_for_url(re.compile(r"/staff/southampton/log/149/$"))
    assert "Action added" in page.inner_text("main")
    assert "Brief the fire service on the blocks" in page.locator("table").first.inner_text()
    shot(page, "challenge-with-added-action")
    _sign_out(page)

    _sign_in(page, base, "lead@example.org")
    assert "Challenge 149" in page.inner_text("main")
    page.goto(f"{base}/staff/southampton/log/149/respond/")
    assert_accessible(page)
    evidence = tmp_path / "blocks.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Response").fill("Seven blocks house 212 children: list attached.")
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Respond to the challenge").click()
    page.wait_for_url(re.compile(r"/log/149/$"))
    assert "blocks.pdf" in page.inner_text("main")
    _sign_out(page)

    _sign_in(page, base, "chair@example.org")
    page.goto(f"{base}/staff/southampton/log/149/")
    page.get_by_role("link", name="Mark as assured").click()
    page.wait_for_url(re.compile(r"/log/149/assure/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Mark as assured").click()
    assert "Enter outcome and impact" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Outcome and impact").fill("Fire service visits prioritised.")
    page.get_by_role("button", name="Mark as assured").click()
    page.wait_for_url(re.compile(r"/log/149/$"))
    assert "Assured" in page.inner_text("main")
    page.get_by_role("link", name="Full history of changes").click()
    history = page.inner_text("main")
    assert "lead@example.org" in history
    assert "chair@example.org" in history
    assert "Assured" in history
    assert "Response: Seven blocks" in history
    assert_accessible(page)
    page.goto(f"{base}/work/")
    assert_accessible(page)
    page.goto(f"{base}/staff/southampton/log/?due=overdue")
    assert_accessible(page)
    page.goto(f"{base}/staff/southampton/publishing/")
    assert_accessible(page)
    # Nothing new is public until a person approves it.
    page.locator("#review-149").get_by_label("Approve for the next publish").check()
    page.locator("#review-149").get_by_role("button", name=re.compile("Save the decision")).click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Publish the approved challenges").click()
    page.wait_for_url(re.compile(r"/publishing/$"))
    assert "Published the 1 approved challenge" in page.inner_text("main")
    page.goto(f"{base}/southampton/log/149/")
    assert "Fire service visits prioritised." in page.inner_text("main")
    assert_accessible(page)
    page.goto(f"{base}/accessibility/")
    assert_accessible(page)

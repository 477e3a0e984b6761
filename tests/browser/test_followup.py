"""Meeting papers in a real browser: a chair opens the papers for a forum from the forward
plan, records outcomes for two challenges at once, and sees them on the papers; a chair
escalates a challenge. axe-core finds nothing on any of these pages."""

import datetime as dt
import re

import pytest

from .test_workspace import PASSWORD, _sign_in, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def chair(live_log):
    from django.utils import timezone

    from challengelog.accounts.models import Membership, User
    from challengelog.followup.models import Meeting
    from challengelog.register.models import Forum, Partnership

    partnership = Partnership.objects.get(slug="southampton")
    user = User.objects.create_user(email="chair@example.org", password=PASSWORD)
    Membership.objects.create(user=user, partnership=partnership, role="chair")
    forum = Forum.objects.get(partnership=partnership, name="Monitoring and Evaluation Group")
    today = timezone.localdate()
    Meeting.objects.create(partnership=partnership, forum=forum, date=today, location="Room 2")
    Meeting.objects.create(partnership=partnership, forum=forum, date=today + dt.timedelta(days=42))
    return live_log


def test_meeting_papers_and_outcomes_for_two_challenges(chair, page, assert_accessible):
    from challengelog.followup.models import AgendaItem
    from challengelog.register.models import Challenge

    base = chair
    _sign_in(page, base, "chair@example.org")
    page.goto(f"{base}/work/")
    assert "Next meetings" in page.inner_text("main")
    shot(page, "home")
    page.get_by_role("link", name="Meetings of Southampton LSCB").click()
    page.wait_for_url(re.compile(r"/staff/southampton/meetings/$"))
    assert_accessible(page)
    shot(page, "meetings")
    page.get_by_role(
        "link", name=re.compile(r"^Papers for Monitoring and Evaluation Group")
    ).first.click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    main = page.inner_text("main")
    assert "Papers: Monitoring and Evaluation Group" in main
    open_here = list(
        Challenge.objects.filter(
            status="open", forum__name="Monitoring and Evaluation Group"
        ).order_by("sort_date", "reference_number")
    )
    assert len(open_here) >= 2
    for challenge in open_here:
        assert f"Challenge {challenge.reference}" in main
    assert_accessible(page)
    shot(page, "papers")

    page.get_by_role("link", name="Record outcomes").click()
    page.wait_for_url(re.compile(r"/outcomes/$"))
    assert_accessible(page)
    first, second = open_here[0], open_here[1]
    # A mistake first: assured without the outcome and impact.
    page.get_by_role("group", name=f"Outcome for challenge {first.reference}").get_by_label(
        "Agreed as assured"
    ).check()
    page.get_by_role("button", name="Save the outcomes").click()
    summary = page.locator(".govuk-error-summary")
    assert f"Enter the outcome and impact for challenge {first.reference}" in summary.inner_text()
    assert_accessible(page)
    shot(page, "outcomes-error")
    summary.get_by_role("link").first.click()
    page.get_by_label(f"Note on challenge {first.reference}").fill(
        "The group saw the new audit: the board is assured."
    )
    page.get_by_role("group", name=f"Outcome for challenge {second.reference}").get_by_label(
        "Progress noted"
    ).check()
    page.get_by_label(f"Note on challenge {second.reference}").fill("Report due next quarter.")
    page.get_by_role("button", name="Save the outcomes").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert f"Outcomes recorded for 2 challenges: {first.reference}, {second.reference}" in banner
    assert_accessible(page)
    shot(page, "papers-after")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "assured"
    assert second.status == "open"
    assert AgendaItem.objects.filter(role="reviewed").count() == 2

    # The challenge page shows the meeting and its outcome; the chair escalates it.
    page.goto(f"{base}/staff/southampton/log/{second.reference}/")
    assert "Progress noted" in page.inner_text("main") or "progress noted" in page.inner_text(
        "main"
    )
    page.get_by_role("link", name="Escalate").click()
    page.get_by_label("Why is it escalated?").fill("No report after a year")
    assert_accessible(page)
    shot(page, "escalate")
    page.get_by_role("button", name="Escalate").click()
    page.wait_for_url(re.compile(rf"/log/{second.reference}/$"))
    main = page.inner_text("main")
    assert "Stage 2 of 4: Subgroup chair" in main
    assert "from stage 1 to stage 2 (Subgroup chair)" in main
    assert_accessible(page)
    shot(page, "challenge")
    page.get_by_role("link", name="Letter to the agency").click()
    assert "Letter to" in page.inner_text("h1")
    assert_accessible(page)
    shot(page, "letter")

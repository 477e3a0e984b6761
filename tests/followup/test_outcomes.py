"""Recording what a meeting decided for several challenges from one page: all or nothing."""

import datetime as dt

import pytest

from challengelog.followup.models import AgendaItem, Meeting
from challengelog.followup.papers import challenges_for
from challengelog.register.models import Challenge, Forum

S = "/staff/southampton"


@pytest.fixture
def meeting(partnership):
    forum = Forum.objects.get(partnership=partnership, name="LSCB")
    return Meeting.objects.create(partnership=partnership, forum=forum, date=dt.date(2026, 11, 2))


def form_data(meeting, choices: dict) -> dict:
    data = {}
    for challenge in challenges_for(meeting):
        prefix = f"c{challenge.pk}"
        outcome, note = choices.get(challenge.reference, ("none", ""))
        data[f"{prefix}-version"] = str(challenge.version)
        data[f"{prefix}-outcome"] = outcome
        data[f"{prefix}-note"] = note
    return data


def test_outcomes_for_two_challenges_are_recorded_together(as_user, meeting, people):
    first, second = [c.reference for c in challenges_for(meeting)][:2]
    client = as_user("chair")
    page = client.get(f"{S}/meetings/{meeting.pk}/outcomes/")
    assert f"Outcome for challenge {first}" in page.text
    data = form_data(
        meeting,
        {
            first: ("assured", "Orders are now reported to the board every quarter."),
            second: ("progress", "The audit is under way."),
        },
    )
    response = client.post(f"{S}/meetings/{meeting.pk}/outcomes/", data)
    assert response.status_code == 302
    one, two = Challenge.objects.get(reference=first), Challenge.objects.get(reference=second)
    assert one.status == "assured"
    assert one.date_resolved == meeting.date
    assert one.outcome == "Orders are now reported to the board every quarter."
    assert two.status == "open"
    assert two.updates.last().text == (
        "Reviewed at LSCB, 2 November 2026: progress noted. The audit is under way."
    )
    assert two.updates.last().date == meeting.date
    items = AgendaItem.objects.filter(meeting=meeting, role="reviewed").order_by("id")
    assert [(i.challenge.reference, i.outcome) for i in items] == [
        (first, "assured"),
        (second, "progress"),
    ]
    assert all(i.recorded_by == people["chair"] for i in items)
    # The challenge page lists the meetings; the papers page the outcomes.
    assert "Reviewed at" in client.get(f"{S}/log/{second}/").text
    assert "Outcomes recorded" in client.get(f"{S}/meetings/{meeting.pk}/").text
    # Recorded outcomes are not offered again.
    again = client.get(f"{S}/meetings/{meeting.pk}/outcomes/").text
    assert f"Outcome for challenge {second}" not in again


def test_a_missing_note_or_a_stale_form_saves_nothing(as_user, meeting):
    first, second, third = [c.reference for c in challenges_for(meeting)][:3]
    before = {
        c.reference: (c.version, c.status, c.updates.count()) for c in Challenge.objects.all()
    }
    client = as_user("chair")
    data = form_data(meeting, {first: ("progress", "Fine"), second: ("assured", "")})
    response = client.post(f"{S}/meetings/{meeting.pk}/outcomes/", data)
    assert response.status_code == 200
    assert f"Enter the outcome and impact for challenge {second}" in response.text
    # A form opened before someone else changed the third challenge.
    data = form_data(meeting, {first: ("progress", "Fine"), third: ("closed", "Superseded")})
    stale = Challenge.objects.get(reference=third)
    stale.version += 1
    stale.save()
    before[third] = (stale.version, stale.status, stale.updates.count())
    response = client.post(f"{S}/meetings/{meeting.pk}/outcomes/", data)
    assert response.status_code == 409
    assert f"Challenge {third} was changed by someone else" in response.text
    after = {c.reference: (c.version, c.status, c.updates.count()) for c in Challenge.objects.all()}
    assert after == before
    assert not AgendaItem.objects.filter(meeting=meeting, role="reviewed").exists()
    # Nothing chosen: said so.
    response = client.post(f"{S}/meetings/{meeting.pk}/outcomes/", form_data(meeting, {}))
    assert "Choose an outcome for at least one challenge" in response.text


def test_escalating_from_the_meeting_and_past_the_last_stage(as_user, meeting):
    first, second = [c.reference for c in challenges_for(meeting)][:2]
    Challenge.objects.filter(reference=second).update(stage=4)
    client = as_user("chair")
    data = form_data(meeting, {first: ("escalated", "No progress in a year")})
    assert client.post(f"{S}/meetings/{meeting.pk}/outcomes/", data).status_code == 302
    escalated = Challenge.objects.get(reference=first)
    assert escalated.stage == 2
    assert escalated.escalations.get().reason == "No progress in a year (at LSCB, 2 November 2026)"
    data = form_data(meeting, {second: ("escalated", "Again")})
    response = client.post(f"{S}/meetings/{meeting.pk}/outcomes/", data)
    assert f"Challenge {second} is at the last stage" in response.text


def test_outcomes_wait_for_the_day_of_the_meeting(as_user, partnership):
    forum = Forum.objects.get(partnership=partnership, name="LSCB")
    future = Meeting.objects.create(partnership=partnership, forum=forum, date=dt.date(2099, 1, 6))
    response = as_user("chair").get(f"{S}/meetings/{future.pk}/outcomes/", follow=True)
    assert "its outcomes can be recorded from that day" in response.text


def test_merging_forums_merges_their_meetings(as_user, partnership, meeting):
    from challengelog.workspace.lists.services import merge_entries

    other = Forum.objects.get(partnership=partnership, name="LSCB Special Meeting")
    twin = Meeting.objects.create(partnership=partnership, forum=other, date=meeting.date)
    apart = Meeting.objects.create(partnership=partnership, forum=other, date=dt.date(2027, 1, 5))
    raised_at_other = AgendaItem.objects.filter(meeting__forum=other).count()
    merge_entries(source=other, target=meeting.forum, user=None)
    assert not Meeting.objects.filter(pk=twin.pk).exists()
    apart.refresh_from_db()
    assert apart.forum == meeting.forum
    assert AgendaItem.objects.filter(meeting__forum=meeting.forum).count() >= raised_at_other

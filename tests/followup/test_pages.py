"""The forward plan and the notices page through their forms: mistakes named, nothing half
saved."""

import datetime as dt

import time_machine

from challengelog.accounts.models import User
from challengelog.followup.models import Meeting
from challengelog.register.models import Action, Forum

S = "/staff/southampton"


def test_a_chair_adds_moves_and_cancels_a_meeting(as_user, partnership, raise_one):
    # The meetings are ahead of the day this runs on: the forward plan lists them.
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)):
        client = as_user("chair")
        forum = Forum.objects.get(partnership=partnership, name="Executive")
        response = client.post(
            f"{S}/meetings/",
            {"forum": forum.pk, "date": "14/01/2027", "title": "", "location": "Civic Centre"},
        )
        assert response.status_code == 302
        meeting = Meeting.objects.get(forum=forum, date=dt.date(2027, 1, 14))
        assert "Civic Centre" in client.get(f"{S}/meetings/").text
        # The same forum on the same day again, and a date that is not one: both named.
        again = client.post(f"{S}/meetings/", {"forum": forum.pk, "date": "14/01/2027"})
        assert "Executive already meets on 14/01/2027" in again.text
        wrong = client.post(f"{S}/meetings/", {"forum": forum.pk, "date": "31/02/2027"})
        assert "Enter a real date" in wrong.text
        assert Meeting.objects.filter(forum=forum, date__year=2027).count() == 1
        # An action due for it moves with it; cancelling leaves the date as it was.
        action = Action.objects.create(
            challenge=raise_one(dt.date(2026, 11, 2)), text="x", due_meeting=meeting, due=None
        )
        moved = client.post(
            f"{S}/meetings/{meeting.pk}/edit/",
            {"date": "21/01/2027", "title": "Extraordinary", "location": "", "cancelled": ""},
            follow=True,
        )
        assert "Meeting saved; 1 action due for it moved with it" in moved.text
        action.refresh_from_db()
        assert action.due == dt.date(2027, 1, 14)  # 5 working days before Wednesday 21st
        client.post(
            f"{S}/meetings/{meeting.pk}/edit/",
            {"date": "28/01/2027", "title": "", "location": "", "cancelled": "on"},
        )
        meeting.refresh_from_db()
        action.refresh_from_db()
        assert meeting.cancelled
        assert action.due == dt.date(2027, 1, 14)
        # A board member reads the plan but cannot add to it.
        member = as_user("member")
        assert member.get(f"{S}/meetings/").status_code == 200
        assert "Add a meeting" not in member.get(f"{S}/meetings/").text
        refused = member.post(f"{S}/meetings/", {"forum": forum.pk, "date": "15/01/2027"})
        assert refused.status_code == 403


def test_each_person_chooses_notices_or_the_digest(as_user, people):
    client = as_user("lead")
    assert client.post("/account/notices/", {"notices": "digest"}).status_code == 302
    assert User.objects.get(pk=people["lead"].pk).notices == "digest"
    assert "E-mail notices: one weekly digest" in client.get("/work/").text
    wrong = client.post("/account/notices/", {"notices": "hourly"})
    assert "Select a valid choice" in wrong.text
    assert User.objects.get(pk=people["lead"].pk).notices == "digest"


def test_escalating_on_the_web_names_mistakes_and_refuses_a_stale_form(as_user, raise_one):
    from challengelog.register.models import Challenge

    challenge = raise_one(dt.date(2026, 11, 2))
    url = f"{S}/log/{challenge.reference}/escalate/"
    client = as_user("chair")
    page = client.get(url).text
    assert "Stage 2: Subgroup chair (5 working days)" in page
    assert "Stage 1:" not in page.split("Escalate to")[1]  # only later stages are offered
    data = {"to_stage": "3", "reason": "", "date": "26/11/2026", "version": challenge.version}
    missing = client.post(url, data)
    assert "Enter why the challenge is escalated" in missing.text
    Challenge.objects.filter(pk=challenge.pk).update(version=challenge.version + 1)
    stale = client.post(url, {**data, "reason": "Nothing heard"})
    assert stale.status_code == 409
    assert "was changed by someone else" in stale.text
    challenge.refresh_from_db()
    assert challenge.stage == 1
    done = client.post(url, {**data, "reason": "Nothing heard", "version": challenge.version})
    assert done.status_code == 302
    challenge.refresh_from_db()
    assert challenge.stage == 3
    assert challenge.escalations.get().by_name == "chair@example.org"
    # At the last stage the page says it cannot go further.
    Challenge.objects.filter(pk=challenge.pk).update(stage=4)
    last = client.get(url, follow=True)
    assert "is at the last stage of the escalation procedure" in last.text
    assert 'href="/staff/southampton/log/' + challenge.reference + '/escalate/"' not in last.text

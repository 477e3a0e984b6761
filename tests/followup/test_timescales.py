"""Escalation timescales and "next meeting" due dates on a frozen clock, across a weekend and
the spring bank holiday (Monday 25 May 2026), and the Christmas holidays of 2026."""

import datetime as dt

import pytest
import time_machine

from challengelog.followup import services
from challengelog.followup.meetings import next_meeting, papers_deadline, resolve_due
from challengelog.followup.models import Meeting
from challengelog.followup.stages import flagged, stages, standing
from challengelog.followup.workingdays import (
    add_working_days,
    latest_start_past,
    overdue_by,
    subtract_working_days,
)
from challengelog.register import services as register
from challengelog.register.models import Action, Challenge, Forum
from tests.followup.conftest import LONDON

S = "/staff/southampton"


def at(day: dt.date, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON))


def test_working_days_back_and_forth_skip_the_bank_holiday():
    assert add_working_days(dt.date(2026, 5, 21), 5) == dt.date(2026, 5, 29)
    assert subtract_working_days(dt.date(2026, 5, 28), 5) == dt.date(2026, 5, 20)
    # Christmas 2026: Friday 25 and Monday 28 December (Boxing Day's substitute) do not count.
    assert add_working_days(dt.date(2026, 12, 24), 2) == dt.date(2026, 12, 30)
    assert subtract_working_days(dt.date(2026, 12, 30), 2) == dt.date(2026, 12, 24)


@pytest.mark.parametrize("days", [1, 2, 5, 10])
def test_the_databases_limit_agrees_with_counting_day_by_day(days):
    """`flagged` asks the database for starts on or before one date; that date must be exactly
    the last start overdue by a working day, on every day of months with holidays."""
    today = dt.date(2026, 5, 1)
    while today < dt.date(2027, 1, 10):
        limit = latest_start_past(today, days)
        for start in (limit - dt.timedelta(days=n) for n in range(0, 3)):
            assert overdue_by(add_working_days(start, days), today) > 0
        for start in (limit + dt.timedelta(days=n) for n in range(1, 4)):
            assert overdue_by(add_working_days(start, days), today) == 0
        today += dt.timedelta(days=1) if today.month in (5, 6, 12, 1) else dt.timedelta(days=9)


def test_a_challenge_is_flagged_only_once_its_stage_timescale_has_run_out(
    raise_one, partnership, as_user
):
    raised = dt.date(2026, 5, 21)  # a Thursday; stage 1 allows 5 working days
    with at(raised):
        challenge = raise_one(raised)
    late = Challenge.objects.filter(partnership=partnership)

    def check(day, expect_late_by):
        with at(day):
            where = standing(Challenge.objects.get(pk=challenge.pk), stages(partnership), day)
            assert where.due == dt.date(2026, 5, 29)  # Fri 22, Tue 26, Wed, Thu, Fri 29
            assert where.late_by == expect_late_by
            assert (
                challenge.pk in set(flagged(late, partnership, day).values_list("pk", flat=True))
            ) == (expect_late_by > 0)
            return as_user("chair").get("/work/").text

    assert "Past their escalation timescale" not in check(dt.date(2026, 5, 26), 0)
    assert "Past their escalation timescale" not in check(dt.date(2026, 5, 29), 0)  # due today
    assert "Past their escalation timescale" not in check(dt.date(2026, 5, 30), 0)  # Saturday
    assert "Past their escalation timescale" not in check(dt.date(2026, 5, 31), 0)  # Sunday
    home = check(dt.date(2026, 6, 1), 1)  # Monday: one working day late
    assert "Past their escalation timescale" in home
    assert f"Challenge {challenge.reference}</a>: no response since 21 May 2026" in home
    # The agency lead sees it too; the other agency's lead does not.
    with at(dt.date(2026, 6, 1)):
        assert (
            f"Challenge {challenge.reference}</a>: no response"
            in as_user("lead").get("/work/").text
        )
        assert (
            f"Challenge {challenge.reference}</a>: no"
            not in as_user("other_lead").get("/work/").text
        )


def test_escalating_restarts_the_clock_and_a_response_stops_it(raise_one, partnership, people):
    with at(dt.date(2026, 5, 21)):
        challenge = raise_one(dt.date(2026, 5, 21))
    with at(dt.date(2026, 6, 1)):
        escalation = services.escalate(
            challenge=challenge,
            user=people["chair"],
            version=challenge.version,
            to_stage=2,
            reason="No response from the agency",
            date=dt.date(2026, 6, 1),
        )
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.awaiting_since) == (2, dt.date(2026, 6, 1))
    assert escalation.by == people["chair"]
    assert escalation.from_stage == 1
    where = standing(challenge, stages(partnership), dt.date(2026, 6, 8))
    assert where.due == dt.date(2026, 6, 8)
    assert where.late_by == 0
    assert standing(challenge, stages(partnership), dt.date(2026, 6, 9)).late_by == 1
    timeline = list(challenge.updates.values_list("kind", "text"))
    assert timeline[-1][0] == "escalation"
    assert "stage 1 to stage 2 (Subgroup chair). Reason: No response" in timeline[-1][1]
    # The history records who escalated, why, and the stage before.
    record = challenge.history.first()
    assert record.history_change_reason == "Escalated to stage 2"
    assert record.prev_record.stage == 1
    with at(dt.date(2026, 6, 9)):
        register.respond(challenge=challenge, user=people["lead"], agency=None, text="Answer")
    challenge.refresh_from_db()
    assert challenge.awaiting_since is None
    assert not flagged(Challenge.objects.all(), partnership, dt.date(2026, 6, 30)).filter(
        pk=challenge.pk
    )


def test_escalating_backwards_or_past_the_last_stage_is_refused(raise_one, people):
    with at(dt.date(2026, 5, 21)):
        challenge = raise_one(dt.date(2026, 5, 21))
    for stage in (1, 5):
        with pytest.raises(services.CannotEscalate, match="is at stage 1: choose a later stage"):
            services.escalate(
                challenge=challenge,
                user=people["chair"],
                version=challenge.version,
                to_stage=stage,
                reason="x",
                date=dt.date(2026, 6, 1),
            )
    challenge.refresh_from_db()
    assert challenge.stage == 1
    assert not challenge.escalations.exists()


@pytest.fixture
def executive(partnership):
    forum = Forum.objects.get(partnership=partnership, name="Executive")
    first = Meeting.objects.create(partnership=partnership, forum=forum, date=dt.date(2026, 5, 28))
    second = Meeting.objects.create(partnership=partnership, forum=forum, date=dt.date(2026, 6, 25))
    return forum, first, second


def test_due_by_the_next_meeting_is_the_day_its_papers_go_out(executive):
    forum, first, second = executive
    # Papers go out 5 working days before Thursday 28 May: the bank holiday is skipped.
    assert papers_deadline(first, 5) == dt.date(2026, 5, 20)
    assert next_meeting(forum, dt.date(2026, 5, 18), 5) == first
    assert next_meeting(forum, dt.date(2026, 5, 20), 5) == first  # the deadline day itself
    # From Thursday 21 May the papers have gone: the next meeting is June's.
    assert next_meeting(forum, dt.date(2026, 5, 21), 5) == second
    assert papers_deadline(second, 5) == dt.date(2026, 6, 18)
    action = Action(text="x")
    assert resolve_due(action, forum, dt.date(2026, 5, 21), 5)
    assert (action.due_meeting, action.due) == (second, dt.date(2026, 6, 18))


def test_raising_with_an_action_due_by_the_next_meeting(as_user, executive):
    forum, _first, second = executive
    data = {
        "date_raised": "21/05/2026",
        "forum": "Executive",
        "raised_by": "Independent Chair",
        "agencies": [str(forum.partnership.agency_set.get(slug="police").pk)],
        "text": "Are missing episodes followed by return interviews?",
        "risk": "yes",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-text": "Report return interview rates",
        "actions-0-due_forum": str(forum.pk),
    }
    # The LSCB meets tomorrow, but its papers went out last week: it is not offered.
    lscb = Forum.objects.get(partnership=forum.partnership, name="LSCB")
    Meeting.objects.create(partnership=forum.partnership, forum=lscb, date=dt.date(2026, 5, 22))
    with at(dt.date(2026, 5, 21)):
        form = as_user("chair").get(f"{S}/raise/").text
        assert "Or due by the next meeting of" in form
        offered = form.split('name="actions-0-due_forum"')[1].split("</select>")[0]
        assert f'<option value="{forum.pk}">Executive</option>' in offered
        assert ">LSCB</option>" not in offered
        response = as_user("chair").post(f"{S}/raise/", data)
    assert response.status_code == 302, response.text
    action = Action.objects.get(text="Report return interview rates")
    assert (action.due_meeting, action.due) == (second, dt.date(2026, 6, 18))
    # Both a date and a meeting: refused, naming the problem.
    with at(dt.date(2026, 5, 21)):
        both = as_user("chair").post(f"{S}/raise/", {**data, "actions-0-due": "01/07/2026"})
    assert "Give a due date or a meeting, not both" in both.text
    # The meeting moves to Tuesday 30 June: the action's due date follows it.
    with at(dt.date(2026, 6, 1)):
        services.change_meeting(
            meeting=second,
            user=None,
            date=dt.date(2026, 6, 30),
            title="",
            location="",
            cancelled=False,
        )
    action.refresh_from_db()
    assert action.due == dt.date(2026, 6, 23) == subtract_working_days(dt.date(2026, 6, 30), 5)
    assert overdue_by(action.due, dt.date(2026, 6, 24)) == 1

"""Overdue is counted in working days: weekends and England and Wales bank holidays do not
count. The clock is frozen."""

import datetime as dt

import time_machine

from challengelog.followup.workingdays import add_working_days, is_working_day, overdue_by


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(dt.date(2026, 12, 26))  # Saturday
    assert not is_working_day(dt.date(2026, 12, 28))  # Boxing Day (substitute), Monday
    assert is_working_day(dt.date(2026, 12, 29))
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 5, 22), 1) == dt.date(2026, 5, 26)  # bank holiday


def test_counting_by_weeks_equals_counting_day_by_day():
    import random

    from challengelog.followup.workingdays import working_days_between

    rng = random.Random(7)
    for _ in range(400):
        start = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 5500))
        end = start + dt.timedelta(days=rng.choice([0, 1, 2, 3, 6, 7, 8, 13, 40, 400, 3000]))
        by_day = sum(
            1
            for n in range(1, (end - start).days + 1)
            if is_working_day(start + dt.timedelta(days=n))
        )
        assert working_days_between(start, end) == by_day, (start, end)
        assert working_days_between(end, start) == 0


def test_overdue_across_a_weekend_and_a_bank_holiday():
    due = dt.date(2026, 12, 24)  # Thursday
    assert overdue_by(due, dt.date(2026, 12, 24)) == 0
    assert overdue_by(due, dt.date(2026, 12, 28)) == 0  # Fri, Sat, Sun, Mon: none work
    assert overdue_by(due, dt.date(2026, 12, 29)) == 1
    assert overdue_by(due, dt.date(2026, 12, 31)) == 3


@time_machine.travel(dt.datetime(2026, 12, 29, 10, 0), tick=False)
def test_the_challenge_page_and_my_work_count_working_days(as_user):
    from challengelog.register.models import Action, Agency, Challenge

    challenge = Challenge.objects.get(reference="144")
    agency = Agency.objects.get(slug="children-and-families-service")
    Action.objects.create(
        challenge=challenge, text="Send the policy", agency=agency, due=dt.date(2026, 12, 24)
    )
    Action.objects.create(
        challenge=challenge, text="Brief the board", agency=agency, due=dt.date(2027, 1, 8)
    )
    lead = as_user("lead")
    page = lead.get("/staff/southampton/log/144/").content.decode()
    assert "Overdue by 1 working day<" in page
    work = lead.get("/work/").content.decode()
    assert "Overdue by 1 working day" in work
    assert "Brief the board" in work.split("Due in the next 10 working days")[1]
    overdue = lead.get("/staff/southampton/log/?due=overdue").content.decode()
    assert "/staff/southampton/log/144/" in overdue
    assert "1 challenge match" in overdue

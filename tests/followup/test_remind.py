"""`challengelog remind`: each notice once however often it runs, a failed send tried again on
the next run, digests once a week, and no challenge text in any e-mail."""

import datetime as dt
import socket

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from challengelog.followup import notices
from challengelog.followup.models import Notice
from challengelog.register.models import Agency
from challengelog.register.services import ActionInput
from tests.followup.conftest import LONDON

SECRET = "How are supervision orders monitored across agencies?"


def at(day: dt.date, hour=7):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON))


def remind() -> str:
    from io import StringIO

    out = StringIO()
    call_command("remind", stdout=out)
    return out.getvalue()


def to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


@pytest.fixture
def with_action(raise_one):
    """Raised Thursday 21 May 2026 with an action for Children and Families Service due on
    Friday 29 May, and one for Barnardos due on Monday 1 June."""
    cfs = Agency.objects.get(slug="children-and-families-service")
    barnardos = Agency.objects.get(slug="barnardos")
    with at(dt.date(2026, 5, 21)):
        return raise_one(
            dt.date(2026, 5, 21),
            actions=[
                ActionInput(text="Report the figures", agency=cfs, due=dt.date(2026, 5, 29)),
                ActionInput(text="Share the audit", agency=barnardos, due=dt.date(2026, 6, 1)),
            ],
        )


def test_remind_twice_sends_each_notice_once(with_action):
    challenge = with_action
    with at(dt.date(2026, 5, 21)):
        first = remind()
        second = remind()
    assert first.startswith("0 new notices, 0 digests; 1 sent, 0 failed")
    assert second.startswith("0 new notices, 0 digests; 0 sent, 0 failed; 0 waiting")
    # Raised: the lead of the agency addressed hears at once; the other agency's lead does not.
    assert to("lead@example.org") == [
        f"[Southampton LSCB] Challenge {challenge.reference} addressed to your agency"
    ]
    assert to("other_lead@example.org") == []
    mail.outbox.clear()
    # Tuesday 26 May (after the bank holiday): 3 working days before Friday 29 May.
    with at(dt.date(2026, 5, 26)):
        remind()
        remind()
    assert to("lead@example.org") == [
        f"[Southampton LSCB] Action on challenge {challenge.reference} due 29 May 2026"
    ]
    assert to("other_lead@example.org") == []  # 1 June is 4 working days away
    with at(dt.date(2026, 5, 27)):
        remind()
    assert to("other_lead@example.org") == [
        f"[Southampton LSCB] Action on challenge {challenge.reference} due 1 June 2026"
    ]
    assert len(to("lead@example.org")) == 1
    mail.outbox.clear()
    # Saturday 30 May: due yesterday, but no working day has passed: not overdue yet.
    with at(dt.date(2026, 5, 30)):
        remind()
    assert mail.outbox == []
    # Monday 1 June: the action is overdue (to the lead and the business unit), and the
    # stage's 5 working days ran out on Friday: the first working day late, the lead and the
    # chairs hear of it. The Barnardos action is due today; its lead was reminded already.
    with at(dt.date(2026, 6, 1)):
        remind()
        remind()
    overdue = f"[Southampton LSCB] Action on challenge {challenge.reference} overdue"
    late = f"[Southampton LSCB] No response to challenge {challenge.reference} within its timescale"
    assert sorted(to("lead@example.org")) == sorted([overdue, late])
    assert sorted(to("admin@example.org")) == sorted([overdue, late])
    assert to("chair@example.org") == [late]
    assert to("other_lead@example.org") == []
    assert to("member@example.org") == []
    mail.outbox.clear()
    # Tuesday 2 June: the Barnardos action is overdue now; nothing is said twice.
    with at(dt.date(2026, 6, 2)):
        remind()
        remind()
    assert to("other_lead@example.org") == [overdue]
    assert to("admin@example.org") == [overdue]
    assert to("lead@example.org") == []
    for message in Notice.objects.all():
        assert SECRET not in message.body
        assert f"/staff/southampton/log/{challenge.reference}/" in message.body
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0


def test_a_failed_send_is_kept_and_sent_on_the_next_run(with_action, settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    with at(dt.date(2026, 5, 21)), pytest.raises(CommandError, match="will be tried again"):
        remind()
    waiting = Notice.objects.get(user__email="lead@example.org")
    assert waiting.sent_at is None
    assert waiting.attempts == 1
    assert "Connection refused" in waiting.last_error or "Errno" in waiting.last_error

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with at(dt.date(2026, 5, 21)):
            out = remind()
            again = remind()
    finally:
        controller.stop()
    assert "1 sent, 0 failed" in out
    assert "0 sent, 0 failed; 0 waiting" in again
    assert [r for r, _ in received] == [["lead@example.org"]]
    assert "addressed to your agency" in received[0][1]
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    assert waiting.attempts == 2
    assert waiting.last_error == ""


def test_a_notice_claimed_by_another_run_is_not_sent_twice(with_action):
    from django.utils import timezone

    notice = Notice.objects.get(user__email="lead@example.org")
    now = timezone.now()
    assert notices._claim(notice, now)
    assert not notices._claim(notice, now)  # a second run at the same time gets nothing
    assert notices.deliver().sent == 0
    # A claim left by a run that died is free again after a while.
    assert notices._claim(notice, now + notices.CLAIM_EXPIRES + dt.timedelta(seconds=1))


def test_digest_people_get_one_email_a_week(with_action, people):
    lead = people["lead"]
    lead.notices = lead.Notices.DIGEST
    lead.save()
    with at(dt.date(2026, 5, 21)):  # a Thursday
        remind()
        remind()
    digests = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert len(digests) == 1
    body = digests[0].body
    assert digests[0].subject.startswith("Challenge Log: your week")
    assert "addressed to your agency" in body  # the notice since the last digest
    assert "awaits your agency's response" in body  # what needs them now
    assert SECRET not in body
    mail.outbox.clear()
    with at(dt.date(2026, 5, 26)):  # Tuesday of the next week
        remind()
    week2 = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert len(week2) == 1
    assert "due 29 May 2026" in week2[0].body
    mail.outbox.clear()
    with at(dt.date(2026, 5, 29)):  # later the same week: nothing more
        remind()
    assert [m for m in mail.outbox if m.to == ["lead@example.org"]] == []
    assert not Notice.objects.filter(user=lead, sent_at__isnull=True).exists()

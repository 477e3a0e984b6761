"""Signing in: repeated failures pause signing in for that e-mail address from that address
(django-axes), whatever the case it is typed in, and the pause is in the audit log."""

import datetime as dt

import time_machine

from challengelog.accounts.models import AuditEvent, User

PASSWORD = "correct horse battery"


def _try(client, email, password, ip="10.0.0.1"):
    return client.post("/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_pause_signing_in_for_fifteen_minutes(client, db):
    User.objects.create_user(email="chair@example.org", password=PASSWORD)
    start = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(4):
            failed = _try(client, "chair@example.org", f"guess {attempt}")
            assert failed.status_code == 200
            assert "Enter a correct e-mail address and password" in failed.text
        # The fifth failure, typed in capitals, counts for the same person.
        paused = _try(client, "CHAIR@example.org", "guess 5")
        assert paused.status_code == 429
        assert "Signing in is paused" in paused.text
        assert "for 15 minutes" in paused.text
        # The right password does not get through while paused.
        refused = _try(client, "chair@example.org", PASSWORD)
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(
            summary__startswith="Signing in as chair@example.org locked"
        ).exists()
        # Someone else, elsewhere, is not paused by it.
        elsewhere = _try(client, "chair@example.org", PASSWORD, ip="10.0.0.2")
        assert elsewhere.status_code == 302
        client.logout()
        # After the pause, the right password works and the count starts again.
        clock.shift(dt.timedelta(minutes=16))
        assert _try(client, "chair@example.org", PASSWORD).status_code == 302
        client.logout()
        assert _try(client, "chair@example.org", "guess").status_code == 200

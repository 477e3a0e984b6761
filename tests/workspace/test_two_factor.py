"""Two-factor sign-in: chairs and administrators must set up a code from an app before
anything else, and give its code after their password each time; others may turn it on; an
unverified session reaches nothing but the code page, and cannot turn the code off."""

import datetime as dt

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from challengelog.accounts.models import AuditEvent
from tests.api.conftest import api as api  # a fixture

PASSWORD = "x" * 14
START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_ROLES = ["administrator", "chair"]


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, email):
    return client.post("/sign-in/", {"username": email, "password": PASSWORD})


def test_a_chair_sets_up_the_app_then_gives_its_code_each_time(client, people):
    with time_machine.travel(START, tick=False) as clock:
        assert sign_in(client, "chair@example.org").status_code == 302
        work = client.get("/work/")
        assert work.status_code == 302
        assert work["Location"].startswith("/account/two-factor/setup/?next=")
        # Every other page sends to the set-up too, and the API says why.
        assert client.get("/staff/southampton/log/")["Location"].startswith(
            "/account/two-factor/setup/"
        )
        api = client.get("/api/partnerships/southampton/challenges/")
        assert api.status_code == 403
        assert "finish signing in on the web first" in api.json()["error"]
        page = client.get("/account/two-factor/setup/?next=/staff/southampton/log/")
        assert page.status_code == 200
        assert '<img class="app-qr" src="data:image/svg+xml' in page.text
        device = TOTPDevice.objects.get(user=people["chair"], confirmed=False)
        wrong = client.post("/account/two-factor/setup/", {"code": "000000", "next": "/work/"})
        assert "That code is not right" in wrong.text
        letters = client.post("/account/two-factor/setup/", {"code": "12ab56"})
        assert "Enter the 6 digits your app shows" in letters.text
        clock.shift(dt.timedelta(seconds=5))  # a wrong code makes the next try wait a little
        done = client.post(
            "/account/two-factor/setup/",
            {"code": code(device), "next": "/staff/southampton/log/"},
        )
        assert done.status_code == 302
        assert done["Location"] == "/staff/southampton/log/"
        assert client.get("/work/").status_code == 200
        assert AuditEvent.objects.filter(summary__contains="set up a code from an app").exists()

        # Signing in again: the password, then the code.
        client.post("/sign-out/")
        clock.shift(dt.timedelta(minutes=1))
        sign_in(client, "chair@example.org")
        asked = client.get("/staff/southampton/log/")
        assert asked["Location"].startswith("/account/two-factor/code/?next=")
        # Unverified, the app cannot be replaced or turned off.
        assert client.get("/account/two-factor/")["Location"].startswith(
            "/account/two-factor/code/"
        )
        assert client.get("/account/two-factor/setup/")["Location"] == "/account/two-factor/code/"
        device.refresh_from_db()
        refused = client.post("/account/two-factor/code/", {"code": "123456"})
        assert "That code is not right" in refused.text
        clock.shift(dt.timedelta(seconds=30))
        passed = client.post(
            "/account/two-factor/code/", {"code": code(device), "next": "/staff/southampton/log/"}
        )
        assert passed["Location"] == "/staff/southampton/log/"
        assert client.get("/staff/southampton/log/").status_code == 200
        # A code already used does not work twice.
        client.post("/sign-out/")
        sign_in(client, "chair@example.org")
        again = client.post("/account/two-factor/code/", {"code": code(device)})
        assert "That code is not right, or it was used already" in again.text
        # The chair's role needs it: it stays on.
        clock.shift(dt.timedelta(seconds=30))
        client.post("/account/two-factor/code/", {"code": code(device)})
        kept = client.post("/account/two-factor/", {"turn_off": "1"})
        assert kept.status_code == 400
        assert TOTPDevice.objects.filter(user=people["chair"], confirmed=True).exists()


def test_others_may_turn_it_on_and_off(client, people):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "member@example.org")
        assert client.get("/work/").status_code == 200  # not required of a member
        assert "Off." in client.get("/account/two-factor/").text
        client.get("/account/two-factor/setup/")
        device = TOTPDevice.objects.get(user=people["member"])
        client.post("/account/two-factor/setup/", {"code": code(device)})
        assert "On: signing in asks" in client.get("/account/two-factor/").text
        client.post("/sign-out/")
        clock.shift(dt.timedelta(seconds=30))
        sign_in(client, "member@example.org")
        assert client.get("/work/")["Location"].startswith("/account/two-factor/code/")
        client.post("/account/two-factor/code/", {"code": code(device)})
        client.post("/account/two-factor/", {"turn_off": "1"})
        assert not TOTPDevice.objects.filter(user=people["member"]).exists()


def test_api_tokens_are_not_asked_for_a_code(api, people):
    """A token acts for its owner without the web's second step (tokens are made on the web,
    after it, and revoked on their own)."""
    response = api("chair").get("/api/partnerships/southampton/challenges/")
    assert response.status_code == 200


def test_an_administrator_turns_off_a_lost_phones_app(people, as_user):
    from challengelog.accounts.models import Membership
    from challengelog.register.models import Partnership

    for name in ("member", "chair"):
        TOTPDevice.objects.create(user=people[name], name="app", confirmed=True)
    # The chair also has a role elsewhere: only a superuser resets theirs.
    elsewhere = Partnership.objects.create(slug="portsmouth", name="Portsmouth SCP")
    Membership.objects.create(user=people["chair"], partnership=elsewhere, role="member")
    admin = as_user("admin")  # signed in, with the code given
    session = admin.session
    device = TOTPDevice.objects.create(user=people["admin"], name="app", confirmed=True)
    session["otp_device_id"] = device.persistent_id
    session.save()
    page = admin.get("/staff/southampton/two-factor/")
    assert page.status_code == 200
    assert "member@example.org" in page.text
    assert "chair@example.org" not in page.text
    refused = admin.post("/staff/southampton/two-factor/", {"person": people["chair"].pk})
    assert refused.status_code == 404
    assert TOTPDevice.objects.filter(user=people["chair"]).exists()
    done = admin.post("/staff/southampton/two-factor/", {"person": people["member"].pk})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=people["member"]).exists()
    assert AuditEvent.objects.filter(summary__contains="of member@example.org").exists()
    assert as_user("member").get("/staff/southampton/two-factor/").status_code == 403
    assert as_user("lead").get("/staff/southampton/two-factor/").status_code == 403


def test_a_person_moves_the_code_to_a_new_phone(client, people):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "member@example.org")
        client.get("/account/two-factor/setup/")
        old = TOTPDevice.objects.get(user=people["member"])
        client.post("/account/two-factor/setup/", {"code": code(old)})
        manage = client.get("/account/two-factor/").text
        assert 'href="/account/two-factor/setup/">Move it to a new phone or app' in manage
        page = client.get("/account/two-factor/setup/")
        assert "Move the code to a new app" in page.text
        assert 'href="/account/two-factor/">Keep the app I have' in page.text
        new = TOTPDevice.objects.get(user=people["member"], confirmed=False)
        assert new.bin_key != old.bin_key
        # A wrong code leaves the old app on.
        clock.shift(dt.timedelta(seconds=30))
        wrong = client.post("/account/two-factor/setup/", {"code": code(old)})
        assert "That code is not right" in wrong.text
        assert TOTPDevice.objects.get(user=people["member"], confirmed=True) == old
        clock.shift(dt.timedelta(seconds=30))
        done = client.post("/account/two-factor/setup/", {"code": code(new)})
        assert done.status_code == 302
        assert list(TOTPDevice.objects.filter(user=people["member"])) == [new]
        assert AuditEvent.objects.filter(
            summary="member@example.org moved the code for signing in to a new app"
        ).exists()
        # Only the new app's code signs in now.
        client.post("/sign-out/")
        clock.shift(dt.timedelta(seconds=30))
        sign_in(client, "member@example.org")
        assert "That code is not right" in (
            client.post("/account/two-factor/code/", {"code": code(old)}).text
        )
        clock.shift(dt.timedelta(seconds=30))
        new.refresh_from_db()
        passed = client.post("/account/two-factor/code/", {"code": code(new)})
        assert passed.status_code == 302
        assert client.get("/work/").status_code == 200

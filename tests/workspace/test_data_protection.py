"""Data protection: who viewed which challenge, and finding every place a person is named
(for a subject access request), current and in the history, in one partnership only."""

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from challengelog.accounts.models import AuditEvent, User
from challengelog.register import services
from challengelog.register.models import Agency, Challenge, ChallengeView, Partnership
from tests.api.conftest import api as api  # a fixture

S = "/staff/southampton"


def test_each_view_of_a_challenge_is_recorded_and_shown_to_administrators(as_user, api):
    start = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        chair = as_user("chair")
        chair.get(f"{S}/log/144/")
        chair.get(f"{S}/log/144/")  # again straight away: the same look
        assert ChallengeView.objects.filter(challenge__reference="144").count() == 1
        clock.shift(dt.timedelta(minutes=11))
        chair.get(f"{S}/log/144/")
        assert ChallengeView.objects.filter(challenge__reference="144").count() == 2
        # Reading it over the API counts too; being refused does not.
        assert api("lead").get("/api/partnerships/southampton/challenges/144/").status_code == 200
        assert (
            api("other_lead").get("/api/partnerships/southampton/challenges/144/").status_code
            == 404
        )
    views = list(ChallengeView.objects.filter(challenge__reference="144"))
    assert [(v.user_label, v.via) for v in views] == [
        ("lead@example.org", "api"),
        ("chair@example.org", "page"),
        ("chair@example.org", "page"),
    ]
    # Administrators see who; others do not even see the link.
    admin = as_user("admin")
    assert f"{S}/log/144/viewed/" in admin.get(f"{S}/log/144/").text
    page = admin.get(f"{S}/log/144/viewed/").text
    assert "chair@example.org" in page
    assert "The API" in page
    assert f"{S}/log/144/viewed/" not in as_user("chair").get(f"{S}/log/144/").text
    assert as_user("chair").get(f"{S}/log/144/viewed/").status_code == 403
    # The views go with the challenge.
    Challenge.objects.get(reference="144").delete()
    assert not ChallengeView.objects.filter(user_label="chair@example.org").exists()


def test_finding_a_person_everywhere_they_are_named(as_user, people):
    challenge = Challenge.objects.get(reference="144")
    # Named in a response, in an evidence file's name, and in a version since corrected.
    services.respond(
        challenge=challenge,
        user=people["lead"],
        agency=Agency.objects.get(slug="children-and-families-service"),
        text="Discussed with Steve Smith's team.",
        files=[SimpleUploadedFile("Smith audit.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    old_text = challenge.text
    challenge.text = old_text + " Raised by steve smith."
    challenge.save()
    challenge.text = old_text
    challenge.save()
    # Another partnership's log naming him is not searched.
    other = Partnership.objects.create(slug="portsmouth", name="Portsmouth SCP")
    Challenge.objects.create(partnership=other, reference="1", text="Steve Smith again")

    admin = as_user("admin")
    page = admin.get(f"{S}/people/", {"name": "steve SMITH"})
    assert page.status_code == 200
    text = page.text
    # 147's action as recorded names him (the seed), 144's response and its history.
    assert "/staff/southampton/log/147/" in text
    assert "/staff/southampton/log/144/" in text
    assert "<mark>Steve Smith</mark>" in text
    assert "<mark>steve smith</mark>" in text  # the earlier version, as it was written
    assert "An earlier version of the challenge" in text
    assert "Not current" in text
    assert "/staff/portsmouth/" not in text
    assert "<mark>Smith audit</mark>.pdf" in admin.get(f"{S}/people/", {"name": "smith audit"}).text
    event = AuditEvent.objects.filter(kind="person_search").last()
    assert event.summary.startswith("Searched the log for “steve SMITH”")
    assert event.user == people["admin"]

    short = admin.get(f"{S}/people/", {"name": "St"})
    assert "Enter at least 3 letters of the name" in short.text
    nothing = admin.get(f"{S}/people/", {"name": "<script>alert(1)</script>"})
    assert "appears nowhere in the log" in nothing.text
    assert "<script>alert(1)</script>" not in nothing.text
    for role in ("chair", "member", "lead"):
        assert as_user(role).get(f"{S}/people/", {"name": "Smith"}).status_code == 403
    assert User.objects.count() == 5

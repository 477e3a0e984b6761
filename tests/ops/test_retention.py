"""The retention rule: closed challenges past it are deleted with everything that hangs off
them, history and evidence files included; open and undated ones stay; another partnership is
untouched; the deletion is logged without the content."""

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from challengelog.accounts.models import AuditEvent
from challengelog.ops import retention
from challengelog.register import services
from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    ChallengeView,
    Evidence,
    Partnership,
    ProgressUpdate,
)

S = "/staff/southampton"
TODAY = dt.date(2026, 11, 26)


def test_months_before_keeps_to_the_calendar():
    assert retention.months_before(dt.date(2026, 11, 26), 12) == dt.date(2025, 11, 26)
    assert retention.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert retention.months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert retention.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


@pytest.fixture
def aged(seeded, people):
    """The seed with a rule of 10 years; 144 closed in 2015 with evidence and views."""
    partnership = Partnership.objects.get(slug="southampton")
    challenge = Challenge.objects.get(reference="144")
    services.respond(
        challenge=challenge,
        user=people["lead"],
        agency=Agency.objects.get(slug="children-and-families-service"),
        text="Audit attached",
        files=[SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    Challenge.objects.filter(pk=challenge.pk).update(
        status="assured", date_resolved=dt.date(2015, 6, 1)
    )
    ChallengeView.objects.create(
        challenge=challenge, user=people["chair"], user_label="chair", at=timezone.now()
    )
    partnership.retention_months = 120
    partnership.save()
    return partnership


def test_the_rule_deletes_old_closed_challenges_and_all_they_hold(
    aged, django_capture_on_commit_callbacks
):
    other = Partnership.objects.create(slug="portsmouth", name="Portsmouth SCP")
    untouched = Challenge.objects.create(
        partnership=other, reference="1", status="assured", date_resolved=dt.date(2001, 1, 1)
    )
    due = list(retention.due(aged, TODAY).values_list("pk", flat=True))
    assert Challenge.objects.get(reference="144").pk in due
    open_before = Challenge.objects.filter(partnership=aged, status="open").count()
    evidence = Evidence.objects.get(update__challenge__reference="144")
    path = evidence.file.path
    history = Challenge.history.model

    with django_capture_on_commit_callbacks(execute=True):  # files go once it is committed
        done = retention.apply(aged, TODAY)

    assert sorted(done.references, key=int) == done.references
    assert len(done.references) == len(due)
    assert done.files == 1
    assert not Challenge.objects.filter(pk__in=due).exists()
    assert not history.objects.filter(id__in=due).exists()
    assert not Action.history.model.objects.filter(challenge_id__in=due).exists()
    assert not ProgressUpdate.history.model.objects.filter(challenge_id__in=due).exists()
    assert not ProgressUpdate.objects.filter(challenge_id__in=due).exists()
    assert not ChallengeView.objects.filter(challenge_id__in=due).exists()
    assert not Evidence.objects.exists()
    assert not os.path.exists(path)
    # Open challenges, the other partnership, and closed ones within the rule stay.
    assert Challenge.objects.filter(partnership=aged, status="open").count() == open_before
    assert Challenge.objects.filter(pk=untouched.pk).exists()
    assert retention.due(aged, TODAY).count() == 0
    # The deletion is logged by reference, without the content.
    event = AuditEvent.objects.get(kind="retention")
    assert event.summary.startswith(f"Deleted {len(due)} closed challenges under the 120-month")
    assert "144" in event.detail["references"]
    assert "Supervision" not in event.summary
    # Nothing left for a second run.
    assert retention.apply(aged, TODAY).references == []


def test_the_command_and_the_page(aged, as_user, capsys):
    call_command("retention", "--dry-run")
    dry = capsys.readouterr().out
    assert "would be deleted" in dry
    assert Challenge.objects.filter(reference="144").exists()

    admin = as_user("admin")
    page = admin.get(f"{S}/records/")
    assert page.status_code == 200
    count = retention.due(aged, timezone.localdate()).count()
    assert f"{count} closed challenges closed before" in page.text
    refused = admin.post(f"{S}/records/", {"apply": "1"}, follow=True)
    assert "Tick the box to confirm the deletion: nothing was deleted" in refused.text
    assert Challenge.objects.filter(reference="144").exists()
    wrong = admin.post(f"{S}/records/", {"save": "1", "months": "0"})
    assert "Enter at least 1 month" in wrong.text
    wrong = admin.post(f"{S}/records/", {"save": "1", "months": "ten"})
    assert "Enter a whole number of months" in wrong.text
    assert Partnership.objects.get(slug="southampton").retention_months == 120
    done = admin.post(f"{S}/records/", {"apply": "1", "confirm": "yes"}, follow=True)
    assert "Deleted" in done.text
    assert not Challenge.objects.filter(reference="144").exists()
    admin.post(f"{S}/records/", {"save": "1", "months": ""})
    assert Partnership.objects.get(slug="southampton").retention_months is None
    assert "There is no rule" in admin.get(f"{S}/records/").text
    for role in ("chair", "member", "lead"):
        assert as_user(role).get(f"{S}/records/").status_code == 403

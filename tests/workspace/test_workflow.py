"""Raising a challenge with actions, an agency answering with evidence, the chair deciding;
every step in the history, the audit log and the rules about what each step needs."""

import datetime as dt
import re

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from challengelog.accounts.models import AuditEvent
from challengelog.register.models import Challenge, Evidence, Raiser

S = "/staff/southampton"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _raise(client, **extra):
    data = {
        "date_raised": "20/11/2026",
        "forum": "M&E Group",
        "raised_by": "Independent Chair",
        "agencies": [],
        "text": "School attendance of children on plans is falling.",
        "risk": "yes",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-text": "Report attendance figures",
        "actions-0-due": "04/12/2026",
        "actions-1-text": "Audit ten cases",
        "actions-1-lead": "Head of Service",
    }
    data.update(extra)
    return client.post(f"{S}/raise/", data)


def _agency(slug):
    from challengelog.register.models import Agency

    return Agency.objects.get(slug=slug)


def test_a_chair_raises_with_two_actions_and_it_takes_the_next_number(as_user):
    client = as_user("chair")
    cfs = _agency("children-and-families-service")
    response = _raise(client, agencies=[cfs.pk], **{"actions-0-agency": cfs.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"{S}/log/149/"
    challenge = Challenge.objects.get(reference="149")
    assert challenge.forum.name == "Monitoring and Evaluation Group"
    assert challenge.raised_by.name == "Independent Chair"
    assert [a.name for a in challenge.agencies.all()] == ["Children and Families Service"]
    assert challenge.to_as_recorded == "Children and Families Service"
    assert [(a.text, a.agency_id, a.lead, str(a.due)) for a in challenge.actions.all()] == [
        ("Report attendance figures", cfs.pk, "", "2026-12-04"),
        ("Audit ten cases", None, "Head of Service", "None"),
    ]
    assert challenge.created_by.email == "chair@example.org"
    page = client.get(f"{S}/log/149/").content.decode()
    assert "Challenge 149 recorded" in page
    assert "Report attendance figures" in page
    # "To" names the agency once when the record and the canonical name agree...
    to = page.split(">To<")[1].split("</div>")[0]
    assert to.count("Children and Families Service") == 1
    # ... and both when they differ (the seed wrote "Children & Families Service").
    to = client.get(f"{S}/log/144/").content.decode().split(">To<")[1].split("</div>")[0]
    assert "Children &amp; Families Service" in to
    assert "<li>Children and Families Service</li>" in to


def test_on_29_february_an_action_may_be_due_up_to_five_years_on(as_user):
    # Five years after a 29 February there is no 29th: the furthest due date is the 28th.
    with time_machine.travel(dt.datetime(2028, 2, 29, 10, tzinfo=dt.UTC)):
        client = as_user("chair")
        cfs = _agency("children-and-families-service").pk
        too_far = _raise(client, agencies=[cfs], **{"actions-0-due": "01/03/2033"})
        assert too_far.status_code == 200
        assert "“01/03/2033” is in the future" in too_far.content.decode()
        response = _raise(client, agencies=[cfs], **{"actions-0-due": "28/02/2033"})
        assert response.status_code == 302, response.content.decode()[:3000]
        action = Challenge.objects.get(reference="149").actions.get(
            text="Report attendance figures"
        )
        assert action.due == dt.date(2033, 2, 28)


def test_mistakes_are_listed_in_an_error_summary_and_nothing_is_saved(as_user):
    client = as_user("chair")
    response = _raise(
        client,
        date_raised="31/02/2026",
        forum="Nowhere group",
        text="  ",
        **{"actions-0-text": "", "actions-0-due": "", "actions-1-text": "", "actions-1-lead": ""},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    for message in (
        "is not a real date",
        "Choose a meeting from the list",
        "Choose the agencies challenged",
        "Enter the challenge",
        "Enter at least one action",
    ):
        assert message in text, message
    assert not Challenge.objects.filter(reference="149").exists()


def test_add_another_action_works_without_javascript(as_user):
    client = as_user("chair")
    response = client.post(
        f"{S}/raise/",
        {
            "date_raised": "20/11/2026",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "1",
            "actions-MAX_NUM_FORMS": "20",
            "actions-0-text": "First",
            "add_action": "1",
        },
    )
    text = response.content.decode()
    assert ("Action 2" in text and 'value="First"' in text.replace("\n", "")) or "First" in text
    assert not Challenge.objects.filter(reference="149").exists()


def test_a_new_role_joins_the_canonical_list(as_user):
    client = as_user("chair")
    _raise(client, raised_by="Designated Nurse", to_all_partners="on")
    assert Raiser.objects.filter(name="Designated Nurse").exists()
    assert Challenge.objects.get(reference="149").to_all_partners


def test_lead_responds_with_evidence_and_chair_assures(as_user, people, settings):
    chair = as_user("chair")
    _raise(chair, agencies=[_agency("children-and-families-service").pk])
    lead = as_user("lead")
    upload = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")
    response = lead.post(
        f"{S}/log/149/respond/",
        {
            "agency": _agency("children-and-families-service").pk,
            "text": "Figures attached: see https://example.org/report",
            "evidence": [upload],
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.name == "attendance.pdf"
    assert str(settings.MEDIA_ROOT) in evidence.file.path
    assert "static" not in evidence.file.path
    page = lead.get(f"{S}/log/149/").content.decode()
    assert 'href="https://example.org/report" rel="nofollow"' in page
    download = lead.get(f"{S}/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert as_user("other_lead").get(f"{S}/evidence/{evidence.pk}/").status_code == 404
    assert AuditEvent.objects.filter(kind="evidence").count() == 1

    chair = as_user("chair")
    refused = chair.post(
        f"{S}/log/149/assure/", {"outcome": "", "date": "25/11/2026", "version": 1}
    )
    assert "Enter" in refused.content.decode() or "required" in refused.content.decode()
    assert Challenge.objects.get(reference="149").status == "open"
    chair.post(
        f"{S}/log/149/assure/",
        {"outcome": "Attendance recovered to 94%.", "date": "25/11/2026", "version": 1},
    )
    challenge = Challenge.objects.get(reference="149")
    assert (challenge.status, str(challenge.date_resolved)) == ("assured", "2026-11-25")
    assert challenge.outcome == "Attendance recovered to 94%."

    history = chair.get(f"{S}/log/149/history/").content.decode()
    assert "chair@example.org" in history
    assert "lead@example.org" in history
    assert "Assured" in history
    assert "Created" in history
    assert re.search(r"Status.*open.*assured", history, re.S)


def test_bad_evidence_is_refused(as_user):
    lead = as_user("lead")
    for name, content, message in [
        ("virus.exe", b"MZ....", "is not a PDF, Word, Excel or image file"),
        ("fake.pdf", b"<html>", "is not really a PDF file"),
        ("empty.pdf", b"", "is empty"),
    ]:
        response = lead.post(
            f"{S}/log/144/respond/",
            {
                "agency": _agency("children-and-families-service").pk,
                "text": "See file",
                "evidence": [SimpleUploadedFile(name, content)],
            },
        )
        assert message in response.content.decode(), name
    assert not Evidence.objects.exists()
    assert not Challenge.objects.get(reference="144").updates.filter(kind="response").exists()


def test_business_unit_records_a_response_on_behalf(as_user):
    admin = as_user("admin")
    admin.post(
        f"{S}/log/90/respond/",
        {
            "agency": _agency("department-for-education").pk,
            "on_behalf_of": "DfE officials",
            "text": "Letter received from the Department.",
        },
    )
    update = Challenge.objects.get(reference="90").updates.get(kind="response")
    assert update.on_behalf_of == "DfE officials"


def test_reopening_needs_a_reason_and_imported_assured_challenges_need_no_outcome(as_user):
    chair = as_user("chair")
    imported = Challenge.objects.get(reference="146")
    assert imported.status == "assured"
    assert imported.outcome == ""
    response = chair.post(f"{S}/log/146/reopen/", {"reason": "", "version": imported.version})
    assert "There is a problem" in response.content.decode()
    chair.post(f"{S}/log/146/reopen/", {"reason": "Figures changed", "version": 1})
    reopened = Challenge.objects.get(reference="146")
    assert reopened.status == "open"
    assert reopened.date_resolved is None
    assert reopened.updates.last().text == "Reopened: Figures changed"


def test_signing_in_is_in_the_audit_log(client, people):
    client.post("/sign-in/", {"username": "chair@example.org", "password": "wrong"})
    client.post("/sign-in/", {"username": "chair@example.org", "password": "x" * 14})
    kinds = list(AuditEvent.objects.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["sign_in_failed", "sign_in"]
    event = AuditEvent.objects.first()
    try:
        event.summary = "changed"
        event.save()
        raise AssertionError("an audit event was changed")
    except ValueError:
        pass


def test_a_chair_adds_an_action_agreed_at_a_later_meeting(as_user):
    client = as_user("chair")
    page = client.get(f"{S}/log/144/").content.decode()
    assert f"{S}/log/144/actions/add/" in page
    empty = client.post(f"{S}/log/144/actions/add/", {"lead": "Head of Service"})
    assert empty.status_code == 200
    assert "Enter the action" in empty.content.decode()
    assert not Challenge.objects.get(reference="144").actions.exists()
    police = _agency("police")
    added = client.post(
        f"{S}/log/144/actions/add/",
        {"text": "Share the audit findings", "agency": police.pk, "due": "11/12/2026"},
    )
    assert added.status_code == 302
    assert added["Location"] == f"{S}/log/144/"
    action = Challenge.objects.get(reference="144").actions.get()
    assert (action.text, action.agency, str(action.due)) == (
        "Share the audit findings",
        police,
        "2026-12-11",
    )
    assert action.history.first().history_user.email == "chair@example.org"
    page = client.get(f"{S}/log/144/").content.decode()
    assert "Action added" in page
    assert "Share the audit findings" in page
    # A closed challenge offers no link and refuses the form.
    assert f"{S}/log/146/actions/add/" not in client.get(f"{S}/log/146/").content.decode()
    closed = client.post(f"{S}/log/146/actions/add/", {"text": "More"})
    assert "no longer open: reopen it first" in closed.content.decode()
    assert not Challenge.objects.get(reference="146").actions.exists()
    # People who may not edit the challenge see no link.
    assert (
        f"{S}/log/144/actions/add/" not in as_user("member").get(f"{S}/log/144/").content.decode()
    )

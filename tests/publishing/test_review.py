"""The approval step: nothing new or changed is public until a person approves it; a publish
publishes exactly what was approved and records who approved what and when; the public copy
is a snapshot whose names and addresses come from the redacted labels."""

import pytest
from django.core.management import CommandError, call_command

from challengelog.accounts.models import AuditEvent
from challengelog.publishing import review, services
from challengelog.publishing.models import PublicReview, PublishedChallenge, PublishedEntry
from challengelog.register.models import Agency, Partnership, Raiser

S = "/staff/southampton/publishing"


@pytest.fixture
def partnership(seeded):
    return Partnership.objects.get(slug="southampton")


def _seen(reference):
    item = next(
        w
        for w in review.waiting(Partnership.objects.get(), limit=200)[0]
        if w.reference == reference
    )
    return item.fingerprint


def _public(client, reference):
    return client.get(f"/southampton/log/{reference}/")


def test_review_is_on_by_default_and_nothing_is_published_unapproved(partnership, as_user):
    assert review.review_required(partnership)
    chair = as_user("chair")
    page = chair.get(f"{S}/").text
    assert "148</strong> challenges new or changed: the first 25 are shown" in page
    assert 'id="review-148"' in page
    # Every public field, with each redaction marked.
    items, _ = review.waiting(partnership)
    first = next(w for w in items if w.reference == "148")
    assert {"text", "meeting_as_recorded", "to_as_recorded"} <= {f.name for f in first.fields}
    action = next(
        f for f in next(w for w in items if w.reference == "147").fields if f.name == "action"
    )
    assert "Steve Smith" not in action.public
    assert any(s.kind == "removed" and s.text == "[name removed]" for s in action.segments)
    assert '<span class="app-removed">[name removed]</span>' in page
    refused = chair.post(f"{S}/publish/", follow=True)
    assert "Approve at least one challenge before publishing" in refused.text
    assert not PublishedChallenge.objects.exists()
    with pytest.raises(CommandError, match="nothing of Southampton LSCB is approved"):
        call_command("publish", "--partnership", "southampton")


def test_a_publish_publishes_exactly_what_was_approved_and_records_who(partnership, as_user):
    chair = as_user("chair")
    for reference in ("148", "147"):
        answer = chair.post(
            f"{S}/review/{reference}/", {"decision": "approved", "seen": _seen(reference)}
        )
        assert answer.status_code == 302
    missing = chair.post(f"{S}/review/146/", {"decision": "held", "reason": " "}, follow=True)
    assert "Enter why the challenge is held back" in missing.text
    chair.post(f"{S}/review/146/", {"decision": "held", "reason": "Names a family"})
    assert PublicReview.objects.get(challenge__reference="146").reason == "Names a family"
    page = chair.get(f"{S}/").text
    assert "Held back by chair@example.org: Names a family" in page
    assert "<strong>2</strong> approved challenges will be published: 147, 148" in page or (
        "<strong>2</strong> approved challenges will be published: 148, 147" in page
    )
    chair.post(f"{S}/publish/")
    assert sorted(PublishedChallenge.objects.values_list("reference", flat=True)) == [
        "147",
        "148",
    ]
    anonymous = as_user("anonymous")
    assert _public(anonymous, "148").status_code == 200
    assert _public(anonymous, "146").status_code == 404
    publication = partnership.publications.get()
    assert [
        a["reference"] for a in sorted(publication.approvals, key=lambda a: a["reference"])
    ] == [
        "147",
        "148",
    ]
    assert {a["approved_by"] for a in publication.approvals} == {"chair@example.org"}
    assert all(a["approved_at"] for a in publication.approvals)
    event = AuditEvent.objects.filter(kind="publish", summary__startswith="Published").get()
    assert len(event.detail["approvals"]) == 2
    # Published now, so no longer waiting; the held one still is.
    left = [w.reference for w in review.waiting(partnership, limit=500)[0]]
    assert "148" not in left
    assert "146" in left


def test_a_change_after_approval_waits_for_a_new_one(partnership, as_user):
    chair = as_user("chair")
    chair.post(f"{S}/review/148/", {"decision": "approved", "seen": _seen("148")})
    challenge = partnership.challenges.get(reference="148")
    seen_before = _seen("148")
    # An agency's response arrives after the approval: it is not public at the next publish.
    challenge.updates.create(text="Response from the agency: Zebracanary", position=99)
    assert review.approved_references(partnership) == []
    stale = chair.post(
        f"{S}/review/148/", {"decision": "approved", "seen": seen_before}, follow=True
    )
    assert "changed while you were reviewing it" in stale.text
    assert review.approved_references(partnership) == []
    chair.post(f"{S}/review/148/", {"decision": "approved", "seen": _seen("148")})
    assert [a["reference"] for a in review.approved_references(partnership)] == ["148"]
    review.publish_approved(partnership=partnership, label="test")
    assert "Zebracanary" in PublishedChallenge.objects.get(reference="148").progress


def test_a_member_changes_the_public_wording_only(partnership, as_user):
    member = as_user("member")
    page = member.get(f"{S}/review/148/wording/")
    assert page.status_code == 200
    challenge = partnership.challenges.get(reference="148")
    internal = challenge.text
    saved = member.post(
        f"{S}/review/148/wording/",
        {
            "version": "0",
            "text": "Emergency planning for tower blocks. Ask Sarah Young.",
            "action": "",
            "progress": "",
            "outcome": "",
        },
    )
    assert saved.status_code == 302
    challenge.refresh_from_db()
    assert challenge.text == internal  # the internal record is not touched
    assert PublicReview.objects.get(challenge=challenge).decision == "draft"
    # A second form opened before the save is refused, and keeps nothing.
    stale = member.post(
        f"{S}/review/148/wording/",
        {"version": "0", "text": "Something else", "action": "", "progress": "", "outcome": ""},
    )
    assert stale.status_code == 409
    mangled = member.post(
        f"{S}/review/148/wording/",
        {"version": "x", "text": "Something else", "action": "", "progress": "", "outcome": ""},
    )
    assert mangled.status_code == 409  # a version that cannot be read is refused as stale
    assert "changed this challenge&#x27;s public wording" in stale.text
    # Members may not approve.
    assert member.post(f"{S}/review/148/", {"decision": "approved"}).status_code == 403
    chair = as_user("chair")
    chair.post(f"{S}/review/148/", {"decision": "approved", "seen": _seen("148")})
    review.publish_approved(partnership=partnership, label="test")
    public = PublishedChallenge.objects.get(reference="148").text
    assert public.startswith("Emergency planning for tower blocks.")
    assert "Sarah Young" not in public  # a person's own wording is redacted too


def test_wording_stands_only_over_the_text_it_was_written_for(partnership, people):
    review.set_wording(
        partnership=partnership,
        reference="148",
        wording={"text": "Public text"},
        user=people["member"],
        version=0,
    )
    challenge = partnership.challenges.get(reference="148")
    values = services.internal_values(challenge)
    assert review.wording_in_force(challenge.public_review, values) == {"text": "Public text"}
    challenge.text = "The challenge, reworded internally"
    challenge.save()
    challenge.refresh_from_db()
    values = services.internal_values(challenge)
    assert review.wording_in_force(challenge.public_review, values) == {}


def test_the_command_line_publishes_the_approved_only(partnership, people, capsys):
    review.decide(
        partnership=partnership,
        reference="147",
        decision="approved",
        user=people["chair"],
    )
    call_command("publish", "--partnership", "southampton")
    output = capsys.readouterr().out
    assert "Published 1 challenges" in output
    assert "147 new or changed challenges wait for approval" in output
    assert list(PublishedChallenge.objects.values_list("reference", flat=True)) == ["147"]


def test_without_review_is_a_choice_of_the_administrator(partnership, as_user):
    assert as_user("chair").post(f"{S}/settings/", {"without_review": "yes"}).status_code == 403
    admin = as_user("admin")
    admin.post(f"{S}/settings/", {"without_review": "yes"})
    assert not review.review_required(partnership)
    admin.post(f"{S}/publish/", {"scope": "all"})
    assert PublishedChallenge.objects.count() == 148
    admin.post(f"{S}/settings/", {"without_review": "no"})
    assert review.review_required(partnership)


def test_the_public_copy_is_a_snapshot_with_addresses_from_redacted_labels(partnership, client):
    police = Agency.objects.get(partnership=partnership, slug="police")
    raiser = Raiser.objects.filter(partnership=partnership).first()
    raiser.name = "Dr Priya Ramanathan"
    raiser.slug = "dr-priya-ramanathan"
    raiser.save()
    challenge = partnership.challenges.get(reference="148")
    challenge.raised_by = raiser
    challenge.save()
    services.publish(partnership=partnership, label="test")
    entry = PublishedEntry.objects.get(kind="raiser", source_id=raiser.pk)
    assert (entry.name, entry.slug) == ("[name removed]", "")
    log = client.get("/southampton/log/").text
    assert "dr-priya-ramanathan" not in log
    assert "Ramanathan" not in log
    assert client.get("/southampton/log/raised-by/dr-priya-ramanathan/").status_code == 404
    assert client.get("/southampton/log/?raised_by=dr-priya-ramanathan").status_code == 200
    assert "Ramanathan" not in client.get("/southampton/log/148/").text
    # A rename in the reference list changes nothing public until the next publish.
    police.name = "Marsh Vale Constabulary"
    police.save()
    assert "Marsh Vale Constabulary" not in client.get("/southampton/log/agencies/").text
    services.publish(partnership=partnership, label="test")
    agencies = client.get("/southampton/log/agencies/").text
    assert "Marsh Vale Constabulary" in agencies
    assert "/southampton/log/agencies/marsh-vale-constabulary/" in agencies

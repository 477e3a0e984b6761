"""The reference lists for administrators: rename, merge, retire, membership, succession and
the names an import put up for review; who may see them; and refusals that change nothing."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from challengelog.accounts.models import AuditEvent, Membership, User
from challengelog.importing.models import ImportRun
from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    Forum,
    Partnership,
    ProgressUpdate,
    Raiser,
)
from challengelog.workspace.lists import services

BASE = "/staff/southampton/lists/"


def _client_for(partnership, role, email=None) -> Client:
    user = User.objects.create_user(email=email or f"{role}@example.org", password="pw-12345678")
    Membership.objects.create(user=user, partnership=partnership, role=role)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def partnership(seeded):
    return Partnership.objects.get(slug="southampton")


@pytest.fixture
def admin(partnership):
    return _client_for(partnership, "administrator")


def _agency(name):
    return Agency.objects.get(partnership__slug="southampton", name=name)


def _follow(client, response):
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def _lists_events():
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.LISTS)


def test_home_shows_the_three_lists_counts_and_names_for_review(admin):
    page = admin.get(BASE)
    assert page.status_code == 200
    text = page.text
    for heading in ("Agencies", "Meetings and sources", "Raised by", "Names for review"):
        assert heading in text
    assert f'href="{BASE}agencies/border-force/"' in text
    assert f'href="{BASE}raised-by/' in text
    assert f'href="{BASE}meetings/' in text
    assert "Merge “Southampton City CCG” into “Southampton CCG”" in text
    assert "Merge “Southampton CCG” into “Southampton City CCG”" in text
    assert "Keep apart" in text


def test_entry_page_shows_name_spellings_and_counts(admin):
    page = admin.get(f"{BASE}agencies/children-and-families-service/")
    assert page.status_code == 200
    assert "Children and Families Service" in page.text
    assert "“Children &amp; Families”" in page.text
    assert "26 (" in page.text
    assert 'id="succession-successor"' in page.text
    forum = admin.get(f"{BASE}meetings/{Forum.objects.first().slug}/")
    assert forum.status_code == 200
    assert 'id="succession-successor"' not in forum.text


def test_rename_keeps_the_old_spelling_and_the_challenges(admin):
    ukbf = _agency("UKBF")
    challenges = set(ukbf.challenges.values_list("pk", flat=True))
    response = admin.post(f"{BASE}agencies/ukbf/rename/", {"name": "  UK  Border Force "})
    page = _follow(admin, response)
    assert "govuk-notification-banner--success" in page.text
    assert "“UKBF” is now called “UK Border Force”" in page.text
    ukbf.refresh_from_db()
    assert ukbf.name == "UK Border Force"
    assert ukbf.aliases == ["UKBF"]
    assert ukbf.slug == "ukbf"
    assert set(ukbf.challenges.values_list("pk", flat=True)) == challenges
    latest = ukbf.history.first()
    assert latest.history_user == admin.user
    assert latest.name == "UK Border Force"
    event = _lists_events().get()
    assert "Renamed" in event.summary
    assert event.user == admin.user


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the new name"),
        ("   ", "Enter the new name"),
        ("Border Force", "There is already an entry called “Border Force”"),
        ("border force", "There is already an entry called “Border Force”"),
        ("Children & Families", "“Children &amp; Families” is already a spelling of"),
        ("x" * 301, "Enter a name of 300 characters or fewer"),
    ],
)
def test_rename_refuses_an_empty_or_taken_name_and_changes_nothing(admin, name, message):
    before = _agency("UKBF")
    response = admin.post(f"{BASE}agencies/ukbf/rename/", {"name": name})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert 'href="#rename-name"' in response.text
    after = Agency.objects.get(pk=before.pk)
    assert (after.name, after.aliases) == (before.name, before.aliases)
    assert not _lists_events().exists()


def test_merge_moves_every_challenge_keeps_spellings_and_records_history(admin, partnership):
    ukbf, border_force = _agency("UKBF"), _agency("Border Force")
    moved = set(ukbf.challenges.values_list("pk", flat=True))
    everyone = moved | set(border_force.challenges.values_list("pk", flat=True))
    assert moved
    first = Challenge.objects.get(pk=min(moved))
    action = Action.objects.create(challenge=first, text="Check the port", agency=ukbf)
    update = ProgressUpdate.objects.create(challenge=first, text="Answered", agency=ukbf)
    lead = _client_for(partnership, "agency_lead", "lead@example.org").user
    lead_membership = lead.memberships.get()
    lead_membership.agencies.add(ukbf)
    records_before = {pk: Challenge.history.filter(id=pk).count() for pk in moved}

    response = admin.post(f"{BASE}agencies/ukbf/merge/", {"target": "border-force"})
    assert response["Location"] == f"{BASE}agencies/border-force/"
    page = admin.get(response["Location"])
    assert "“UKBF” was merged into “Border Force”" in page.text

    assert not Agency.objects.filter(pk=ukbf.pk).exists()
    border_force.refresh_from_db()
    assert "UKBF" in border_force.aliases
    for challenge in Challenge.objects.filter(pk__in=everyone):
        names = [a.name for a in challenge.agencies.all()]
        assert "Border Force" in names
        assert "UKBF" not in names
    for pk in moved:
        history = Challenge.history.filter(id=pk)
        assert history.count() == records_before[pk] + 1
        latest = history.first()
        assert latest.history_user == admin.user
        assert border_force.pk in [r.agency_id for r in latest.agencies.all()]
        assert ukbf.pk not in [r.agency_id for r in latest.agencies.all()]
    action.refresh_from_db()
    update.refresh_from_db()
    assert action.agency == border_force
    assert update.agency == border_force
    assert action.history.first().history_user == admin.user
    assert list(lead_membership.agencies.all()) == [border_force]
    assert admin.get(f"{BASE}agencies/ukbf/").status_code == 404
    assert "Merged agency “UKBF” into “Border Force”" in _lists_events().get().summary


def test_merge_a_meeting_and_a_raiser(admin):
    for kind, model, field in (("meetings", Forum, "forum"), ("raised-by", Raiser, "raised_by")):
        source, target = (
            model.objects.filter(partnership__slug="southampton", challenge__isnull=False)
            .distinct()
            .order_by("name")[:2]
        )
        moved = set(Challenge.objects.filter(**{field: source}).values_list("pk", flat=True))
        response = admin.post(f"{BASE}{kind}/{source.slug}/merge/", {"target": target.slug})
        assert response.status_code == 302
        assert not model.objects.filter(pk=source.pk).exists()
        assert set(
            Challenge.objects.filter(pk__in=moved).values_list(f"{field}_id", flat=True)
        ) == {target.pk}
        target.refresh_from_db()
        assert source.name in target.aliases


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("ukbf", "An entry cannot be merged into itself"),
        ("", "Choose the entry to merge into"),
        ("no-such-agency", "Choose the entry to merge into: that one no longer exists"),
    ],
)
def test_merge_refuses_itself_or_no_target_and_changes_nothing(admin, target, message):
    count = Agency.objects.count()
    response = admin.post(f"{BASE}agencies/ukbf/merge/", {"target": target})
    assert response.status_code == 200
    assert message in response.text
    assert 'href="#merge-target"' in response.text
    assert Agency.objects.count() == count
    assert _agency("UKBF").challenges.exists()
    assert not _lists_events().exists()


def test_merge_service_refuses_itself(partnership, admin):
    ukbf = _agency("UKBF")
    with pytest.raises(services.ListError, match="itself"):
        services.merge_entries(source=ukbf, target=ukbf, user=admin.user)


def test_keep_apart_hides_the_pair_and_is_remembered(admin, partnership):
    pair = {"list": "agency", "spelling": "Southampton CCG", "candidate": "Southampton City CCG"}
    response = admin.post(f"{BASE}review/", {**pair, "decision": services.KEEP_APART})
    page = _follow(admin, response)
    assert "“Southampton CCG” and “Southampton City CCG” are kept apart" in page.text
    assert "Merge “Southampton City CCG” into “Southampton CCG”" not in page.text
    assert "Merge “Housing Services” into" in page.text or "Housing Services" in page.text
    run = ImportRun.objects.get(partnership=partnership)
    (decision,) = run.report["review_decisions"]
    assert decision["decision"] == "keep_apart"
    assert decision["by"] == admin.user.email
    assert _agency("Southampton CCG")
    assert _agency("Southampton City CCG")
    again = _follow(admin, admin.post(f"{BASE}review/", {**pair, "decision": "keep_apart"}))
    assert "no longer waiting for a decision" in again.text
    assert len(ImportRun.objects.get(pk=run.pk).report["review_decisions"]) == 1


def test_review_merge_b_into_a(admin, partnership):
    pair = {"list": "forum", "spelling": "MET Group", "candidate": "MET Strategic Group"}
    a = Forum.objects.get(partnership=partnership, name="MET Group")
    b = Forum.objects.get(partnership=partnership, name="MET Strategic Group")
    moved = set(b.challenge_set.values_list("pk", flat=True))
    page = _follow(
        admin, admin.post(f"{BASE}review/", {**pair, "decision": services.MERGE_CANDIDATE})
    )
    assert "“MET Strategic Group” was merged into “MET Group”" in page.text
    assert not Forum.objects.filter(pk=b.pk).exists()
    assert set(Challenge.objects.filter(pk__in=moved).values_list("forum", flat=True)) == {a.pk}
    assert "Merge “MET Strategic Group” into" not in page.text
    run = ImportRun.objects.get(partnership=partnership)
    assert run.report["review_decisions"][0]["decision"] == services.MERGE_CANDIDATE


def test_review_refuses_an_unknown_decision_or_pair(admin, partnership):
    pair = {"list": "agency", "spelling": "Southampton CCG", "candidate": "Southampton City CCG"}
    for data in (
        {**pair, "decision": "delete"},
        {**pair, "spelling": "Nobody", "decision": "keep_apart"},
    ):
        page = _follow(admin, admin.post(f"{BASE}review/", data))
        assert "There is a problem" in page.text
    assert "review_decisions" not in ImportRun.objects.get(partnership=partnership).report
    assert not _lists_events().exists()


def test_pending_reviews_cope_with_findings_without_data(partnership):
    run = ImportRun.objects.get(partnership=partnership)
    run.report = {
        "findings": [
            {"kind": "names_for_review", "message": "old style", "references": []},
            {"kind": "names_for_review", "message": "x", "data": {"list": "nonsense"}},
            "not a finding",
        ]
    }
    run.save()
    assert services.pending_reviews(partnership) == []


def test_retire_and_restore(admin):
    response = admin.post(f"{BASE}agencies/ukbf/retire/", {"retired": "yes"})
    page = _follow(admin, response)
    assert "“UKBF” is retired" in page.text
    ukbf = _agency("UKBF")
    assert ukbf.retired
    assert ukbf.challenges.exists()
    assert ukbf.history.first().history_user == admin.user
    assert "Retired" in admin.get(BASE).text
    admin.post(f"{BASE}agencies/ukbf/retire/", {"retired": "no"})
    assert not _agency("UKBF").retired
    assert _lists_events().count() == 2


def test_member_toggle(admin):
    admin.post(f"{BASE}agencies/ukbf/member/", {"is_member": "yes"})
    assert _agency("UKBF").is_member
    admin.post(f"{BASE}agencies/ukbf/member/", {"is_member": "no"})
    assert not _agency("UKBF").is_member
    assert admin.get(f"{BASE}meetings/{Forum.objects.first().slug}/member/").status_code == 404


def test_succession_recorded(admin):
    data = {"successor": "southampton-city-ccg", "day": "1", "month": "7", "year": "2022"}
    page = _follow(admin, admin.post(f"{BASE}agencies/southampton-ccg/succession/", data))
    assert "“Southampton CCG” was succeeded by “Southampton City CCG” on 1 July 2022" in page.text
    ccg = _agency("Southampton CCG")
    assert ccg.successor == _agency("Southampton City CCG")
    assert ccg.succeeded_on == dt.date(2022, 7, 1)
    assert "Took over from" in admin.get(f"{BASE}agencies/southampton-city-ccg/").text
    cycle = {"successor": "southampton-ccg", "day": "1", "month": "8", "year": "2022"}
    refused = admin.post(f"{BASE}agencies/southampton-city-ccg/succession/", cycle)
    assert "is itself succeeded" in refused.text
    assert _agency("Southampton City CCG").successor is None
    cleared = {"successor": "", "day": "", "month": "", "year": ""}
    admin.post(f"{BASE}agencies/southampton-ccg/succession/", cleared)
    assert _agency("Southampton CCG").successor is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"successor": "southampton-ccg", "day": "1", "month": "7", "year": "2022"},
            "cannot succeed itself",
        ),
        (
            {"successor": "southampton-city-ccg", "day": "", "month": "", "year": ""},
            "Enter the date it took over",
        ),
        (
            {"successor": "southampton-city-ccg", "day": "31", "month": "2", "year": "2022"},
            "must be a real date",
        ),
        (
            {"successor": "southampton-city-ccg", "day": "x", "month": "2", "year": "2022"},
            "must be a real date",
        ),
        ({"successor": "", "day": "1", "month": "2", "year": "2022"}, "or leave the date empty"),
        ({"successor": "gone", "day": "1", "month": "2", "year": "2022"}, "no longer exists"),
        ("future", "must be today or in the past"),
    ],
)
def test_succession_refusals_change_nothing(admin, data, message):
    if data == "future":
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        data = {
            "successor": "southampton-city-ccg",
            "day": str(tomorrow.day),
            "month": str(tomorrow.month),
            "year": str(tomorrow.year),
        }
    response = admin.post(f"{BASE}agencies/southampton-ccg/succession/", data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    ccg = _agency("Southampton CCG")
    assert ccg.successor is None
    assert ccg.succeeded_on is None
    assert not _lists_events().exists()


def _all_urls():
    entry = f"{BASE}agencies/ukbf/"
    return [
        (BASE, {}),
        (
            f"{BASE}review/",
            {
                "list": "agency",
                "spelling": "Southampton CCG",
                "candidate": "Southampton City CCG",
                "decision": "keep_apart",
            },
        ),
        (entry, {}),
        (f"{entry}rename/", {"name": "Renamed"}),
        (f"{entry}merge/", {"target": "border-force"}),
        (f"{entry}retire/", {"retired": "yes"}),
        (f"{entry}member/", {"is_member": "yes"}),
        (
            f"{entry}succession/",
            {"successor": "border-force", "day": "1", "month": "1", "year": "2020"},
        ),
    ]


@pytest.mark.parametrize("role", ["chair", "member", "agency_lead", None])
def test_only_administrators_may_use_the_lists(partnership, role):
    client = _client_for(partnership, role) if role else Client()
    before = Agency.objects.get(partnership=partnership, name="UKBF")
    for url, data in _all_urls():
        for response in (client.get(url), client.post(url, data)):
            if role:
                assert response.status_code == 403, url
            else:
                assert response.status_code == 302, url
                assert response["Location"].startswith("/sign-in/"), url
    after = Agency.objects.get(pk=before.pk)
    assert (after.name, after.retired, after.is_member, after.successor) == (
        before.name,
        before.retired,
        before.is_member,
        before.successor,
    )
    assert "review_decisions" not in ImportRun.objects.get(partnership=partnership).report
    assert not _lists_events().exists()


def test_an_administrator_of_another_partnership_is_refused(partnership):
    other = Partnership.objects.create(name="Elsewhere", slug="elsewhere")
    client = _client_for(other, "administrator")
    assert client.get(BASE).status_code == 403
    assert client.post(f"{BASE}agencies/ukbf/rename/", {"name": "X"}).status_code == 403
    assert client.get("/staff/elsewhere/lists/agencies/ukbf/").status_code == 404


def test_unknown_or_stale_addresses_are_not_found(admin):
    assert admin.get(f"{BASE}agencies/no-such-agency/").status_code == 404
    assert admin.post(f"{BASE}agencies/no-such-agency/rename/", {"name": "X"}).status_code == 404
    assert (
        admin.post(f"{BASE}agencies/no-such-agency/merge/", {"target": "ukbf"}).status_code == 404
    )
    assert admin.get(f"{BASE}colours/red/").status_code == 404
    assert admin.get("/staff/nowhere/lists/").status_code == 404
    admin.post(f"{BASE}agencies/ukbf/merge/", {"target": "border-force"})
    stale = admin.post(f"{BASE}agencies/ukbf/rename/", {"name": "Again"})
    assert stale.status_code == 404
    assert not Agency.objects.filter(name="Again").exists()


def test_get_on_an_action_goes_back_to_the_entry(admin):
    for action in ("rename", "merge", "retire", "member", "succession"):
        response = admin.get(f"{BASE}agencies/ukbf/{action}/")
        assert response.status_code == 302
        assert response["Location"] == f"{BASE}agencies/ukbf/"
    assert not _lists_events().exists()

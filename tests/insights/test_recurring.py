"""Recurring concerns: the groups a reader finds in the seed log (written down before the
method, in seed_recurring.py) come out together; unrelated challenges stay apart."""

import datetime as dt

import pytest

from challengelog.insights import recurring
from challengelog.insights.models import RecurringGroup, RecurringRun
from challengelog.insights.services import current_recurring, refresh_recurring
from challengelog.register.models import Challenge, Partnership

from .seed_recurring import ALONE, APART, EXPECTED


@pytest.fixture
def groups(seeded):
    partnership = Partnership.objects.get(slug="southampton")
    found = refresh_recurring(partnership)
    out = {}
    for group in found:
        refs = set(group.challenges.values_list("reference", flat=True))
        print(f"\n{group.concern}: {sorted(refs, key=int)} ({', '.join(group.terms)})", end="")
        out[group.pk] = refs
    return out


def _group_of(groups, reference):
    return next((pk for pk, refs in groups.items() if reference in refs), None)


@pytest.mark.parametrize(("references", "reason"), EXPECTED, ids=[r[:40] for _, r in EXPECTED])
def test_each_expected_concern_is_found_together(groups, references, reason):
    where = {ref: _group_of(groups, ref) for ref in references}
    assert None not in where.values(), f"left out of any group: {where} ({reason})"
    assert len(set(where.values())) == 1, f"split across groups: {where} ({reason})"


@pytest.mark.parametrize(("a", "b", "reason"), APART)
def test_unrelated_challenges_stay_apart(groups, a, b, reason):
    group = _group_of(groups, a)
    assert group is None or group != _group_of(groups, b), reason


@pytest.mark.parametrize("reference", sorted(ALONE, key=int))
def test_a_concern_raised_once_is_in_no_group(groups, reference):
    assert _group_of(groups, reference) is None, ALONE[reference]


def test_groups_stay_concerns_not_topics(groups):
    sizes = sorted((len(refs) for refs in groups.values()), reverse=True)
    # A handful of concerns, none swallowing the log.
    assert 8 <= len(sizes) <= 30
    assert sizes[0] <= 15
    assert sum(sizes) <= 100


def test_the_same_agency_raised_again_is_named(seeded, groups):
    solent = RecurringGroup.objects.get(challenges__reference="44")
    names = [a.name for c in solent.challenges.all() for a in c.agencies.all()]
    assert names.count("Solent NHS") == 3
    assert solent.concern == "Section 11 returns"


def test_one_meeting_is_one_occasion_not_a_recurrence():
    day = dt.date(2017, 1, 16)
    items = [
        recurring.Item(i, str(i), day, "Concern about the reduction to the budget for services")
        for i in range(4)
    ]
    assert recurring.find(items) == []
    items.append(
        recurring.Item(9, "9", dt.date(2017, 6, 1), "The budget reduction for services again")
    )
    assert [sorted(g.references) for g in recurring.find(items)] == [["0", "1", "2", "3", "9"]]


def test_an_agency_name_does_not_make_challenges_alike():
    day1, day2 = dt.date(2015, 1, 1), dt.date(2016, 1, 1)
    items = [
        recurring.Item(1, "1", day1, "Solent NHS e-safety policy", frozenset({7}), ("Solent NHS",)),
        recurring.Item(2, "2", day2, "Solent NHS staffing levels", frozenset({7}), ("Solent NHS",)),
    ]
    assert recurring.find(items) == []


def test_groups_are_found_again_when_the_log_changes(seeded):
    partnership = Partnership.objects.get(slug="southampton")
    first = current_recurring(partnership)
    assert current_recurring(partnership).computed_at == first.computed_at  # nothing changed
    challenge = Challenge.objects.get(reference="148")
    challenge.text = "Lack of Police attendance at the Monitoring and Evaluation meeting again"
    challenge.save()
    again = current_recurring(partnership)
    assert again.computed_at > first.computed_at
    assert RecurringRun.objects.count() == 1
    police = RecurringGroup.objects.get(challenges__reference="92")
    assert police.challenges.filter(reference="148").exists()


def test_the_staff_log_lists_a_group(client, seeded, groups):
    from challengelog.accounts.models import User

    admin = User.objects.create_superuser(email="root@example.org", password="x" * 14)
    client.force_login(admin)
    group = RecurringGroup.objects.get(challenges__reference="44")
    page = client.get(f"/staff/southampton/log/?group={group.pk}")
    listed = {c.reference for c in page.context["page"].rows}
    assert listed == set(group.challenges.values_list("reference", flat=True))
    gone = client.get("/staff/southampton/log/?group=999999")
    assert "Choose a recurring concern from the list" in gone.content.decode()
    challenge_page = client.get("/staff/southampton/log/44/").content.decode()
    assert "Raised again" in challenge_page
    assert "Section 11 returns: also challenges" in challenge_page


def test_the_public_agency_page_names_concerns_raised_with_it_again(client, published, groups):
    page = client.get("/southampton/log/agencies/solent-nhs/").content.decode()
    assert "Concerns raised with this agency more than once" in page
    assert "Section 11 returns" in page


def test_a_large_log_keeps_its_last_groups_until_the_command_runs(seeded, monkeypatch):
    from django.core.management import call_command

    from challengelog.insights import services

    partnership = Partnership.objects.get(slug="southampton")
    monkeypatch.setattr(services, "SYNC_LIMIT", 100)  # the seed's 148 count as a large log
    assert current_recurring(partnership) is None
    call_command("insights", "--partnership", "southampton")
    run = current_recurring(partnership)
    assert run is not None
    assert not run.stale
    challenge = Challenge.objects.get(reference="148")
    challenge.text = "Lack of Police attendance at the Monitoring and Evaluation meeting again"
    challenge.save()
    stale = current_recurring(partnership)
    assert stale.stale
    assert stale.computed_at == run.computed_at
    assert not RecurringGroup.objects.filter(challenges__reference="148").exists()
    call_command("insights", "--partnership", "southampton", "--themes")
    assert RecurringGroup.objects.filter(challenges__reference="148").exists()
    assert not current_recurring(partnership).stale

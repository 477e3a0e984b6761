"""The dashboard counts its figures once per change to the log: they are kept under a number
that every write to what they read moves (``register.versions``). Each way the log changes
shows on the next look; looking changes nothing; a rolled-back change moves nothing."""

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from challengelog.accounts.rules import visible_challenges
from challengelog.register import versions
from challengelog.register.models import Agency, Challenge, Partnership
from tests.workspace.test_workflow import _raise

S = "/staff/southampton"
DASHBOARD = f"{S}/dashboard/"


def _look(client) -> dict:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.context["data"]


def _agency_row(data: dict, label: str) -> dict | None:
    return next((row for row in data["by_agency"] if row["label"] == label), None)


def test_a_second_look_is_not_counted_again(as_user):
    admin = as_user("admin")
    _look(admin)  # the first look after the import finds the recurring concerns too
    with CaptureQueriesContext(connection) as first:
        admin.get(f"{DASHBOARD}?ryear=2015")
    with CaptureQueriesContext(connection) as again:
        admin.get(f"{DASHBOARD}?ryear=2015")
    assert len(first) > len(again) + 10, (len(first), len(again))
    assert any("insights_tally" in q["sql"] for q in first)
    assert not any("insights_tally" in q["sql"] for q in again)
    # The same figures either way.
    assert admin.get(f"{DASHBOARD}?ryear=2015").context["data"]["total"] == _look_total(
        admin, "?ryear=2015"
    )


def _look_total(client, query: str) -> int:
    from django.core.cache import cache

    cache.clear()
    return client.get(f"{DASHBOARD}{query}").context["data"]["total"]


def test_every_change_shows_on_the_next_look(as_user, api, people):
    from challengelog.insights.services import set_themes
    from challengelog.ops import retention
    from challengelog.workspace.lists.services import merge_entries, rename_entry

    admin = as_user("admin")
    before = _look(admin)
    assert before["total"] == 148

    # Raised through the form, then through the API.
    police = Agency.objects.get(partnership__slug="southampton", slug="police")
    assert _raise(as_user("chair"), agencies=[police.pk]).status_code == 302
    assert _look(as_user("admin"))["total"] == 149
    made = api("chair").post(
        "/api/partnerships/southampton/challenges/",
        {
            "date_raised": "2026-11-02",
            "forum": "Executive",
            "raised_by": "Independent Chair",
            "agencies": ["police"],
            "text": "Are return interviews offered after every missing episode?",
            "risk": "yes",
            "actions": [{"text": "Report the rate", "agency": "police"}],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    admin = as_user("admin")
    assert _look(admin)["total"] == 150
    assert _look(admin)["open"] == before["open"] + 2

    # Assured through the form.
    chair = as_user("chair")
    assured = chair.post(
        f"{S}/log/149/assure/",
        {"outcome": "Attendance recovered.", "date": "25/11/2026", "version": 1},
    )
    assert assured.status_code == 302
    admin = as_user("admin")
    assert _look(admin)["assured"] == before["assured"] + 1

    # An agency renamed and another merged into it.
    rename_entry(entry=police, name="Police (renamed)", user=people["admin"])
    after = _look(admin)
    assert _agency_row(after, "Police") is None
    renamed = _agency_row(after, "Police (renamed)")
    assert renamed is not None
    barnardos = Agency.objects.get(partnership__slug="southampton", slug="barnardos")
    merged_in = _agency_row(after, "Barnardos")["raised"]
    merge_entries(source=barnardos, target=police, user=people["admin"])
    merged = _look(admin)
    assert _agency_row(merged, "Barnardos") is None
    assert _agency_row(merged, "Police (renamed)")["raised"] > renamed["raised"]
    assert merged_in > 0

    # Themes chosen by hand.
    def themed(data, name):
        return next(row["raised"] for row in data["themes"] if row["label"] == name)

    themes_before = themed(merged, "Data and performance")
    challenge = Challenge.objects.get(partnership__slug="southampton", reference="1")
    assert "data-and-performance" not in set(challenge.themes.values_list("theme", flat=True))
    set_themes(challenge=challenge, themes=["data-and-performance"], user=people["admin"])
    assert themed(_look(admin), "Data and performance") == themes_before + 1

    # Closed challenges deleted under the retention rule.
    partnership = Partnership.objects.get(slug="southampton")
    partnership.retention_months = 12
    partnership.save(update_fields=["retention_months"])
    deleted = retention.apply(partnership, dt.date(2026, 11, 27))
    assert len(deleted.references) > 0
    assert _look(admin)["total"] == 150 - len(deleted.references)

    # Changed below the services: a queryset update and raw SQL.
    Challenge.objects.filter(partnership=partnership, reference="150").update(risk="no")
    assert _look(admin)["risk"][1]["raised"] == (
        Challenge.objects.filter(partnership=partnership, risk="no").count()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE register_challenge SET status = 'withdrawn' WHERE reference = %s", ["150"]
        )
    assert _look(admin)["withdrawn"] == before["withdrawn"] + 1


def test_an_agency_lead_sees_only_their_figures_whoever_looked_first(as_user, people):
    full = _look(as_user("admin"))["total"]
    lead = as_user("lead")
    mine = _look(lead)["total"]
    assert 0 < mine < full
    assert _look(as_user("admin"))["total"] == full
    # A second agency given to the lead shows at once.
    membership = people["lead"].memberships.get()
    membership.agencies.add(Agency.objects.get(partnership__slug="southampton", slug="police"))
    assert _look(as_user("lead"))["total"] > mine


def test_figures_of_another_day_are_counted_again(as_user, monkeypatch):
    from django.utils import timezone

    admin = as_user("admin")
    today = _look(admin)["generated"]
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert _look(admin)["generated"] == tomorrow


def test_looking_moves_nothing(as_user, api):
    from challengelog.publishing.services import publish

    publish(partnership=Partnership.objects.get(slug="southampton"), label="test")
    admin = as_user("admin")
    _look(admin)
    number = versions.current()
    for path in (
        "/southampton/log/",
        "/southampton/log/?q=attendance",
        "/southampton/log/12/",
        f"{S}/log/",
        f"{S}/log/12/",  # recorded as a view of the challenge: not a change to it
        DASHBOARD,
        f"{DASHBOARD}?ryear=2015",
        f"{S}/report/",
    ):
        assert admin.get(path).status_code == 200, path
    assert api("chair").get("/api/partnerships/southampton/challenges/12/").status_code == 200
    assert versions.current() == number


def _tables(sql: str) -> set[str]:
    return {t.lower() for t in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql, re.IGNORECASE)}


def test_every_table_the_figures_read_is_watched(people):
    """A new table read by the dashboard must move the number too, or its figures go stale."""
    from challengelog.insights import report

    partnership = Partnership.objects.get(slug="southampton")
    read = set()
    for who in ("admin", "lead"):
        visible = visible_challenges(people[who], partnership)
        for period in (
            report.Period(None, None),
            report.Period(dt.date(2015, 4, 1), dt.date(2016, 3, 31)),
        ):
            with CaptureQueriesContext(connection) as queries:
                report.build(partnership, period, challenges=visible, listing="none")
            for query in queries:
                read |= _tables(query["sql"])
    assert "register_challenge" in read
    assert read <= versions.watched_tables(), read - versions.watched_tables()


@pytest.mark.parametrize(
    "write",
    [
        "create",
        "bulk_create",
        "update",
        "delete",
        "raw",
        "m2m",
    ],
)
def test_each_kind_of_write_moves_it(people, write):
    from challengelog.register.models import Forum

    partnership = Partnership.objects.get(slug="southampton")
    number = versions.current()
    if write == "create":
        Forum.objects.create(partnership=partnership, name="Health Subgroup 2", slug="h2")
    elif write == "bulk_create":
        Forum.objects.bulk_create(
            [Forum(partnership=partnership, name=f"Forum {n}", slug=f"f{n}") for n in range(3)]
        )
    elif write == "update":
        Challenge.objects.filter(partnership=partnership, reference="3").update(risk="yes")
    elif write == "delete":
        Challenge.objects.filter(partnership=partnership, reference="3").delete()
    elif write == "raw":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM insights_challengetheme WHERE theme = %s", ["data-and-performance"]
            )
    else:
        people["lead"].memberships.get().agencies.clear()
    assert versions.current() > number


@transaction.atomic
def _update_then_fail(rows, **values):
    rows.update(**values)
    return 1 / 0


def test_a_change_rolled_back_moves_nothing(seeded):
    number = versions.current()
    with pytest.raises(ZeroDivisionError):
        _update_then_fail(Challenge.objects.filter(reference="3"), risk="yes")
    assert versions.current() == number


@pytest.mark.django_db(transaction=True)
def test_the_number_moves_once_when_the_transaction_commits():
    """Outside the test's own transaction: moved after the commit, once, and not at all for a
    transaction rolled back."""
    partnership = Partnership.objects.create(slug="kept", name="Kept")
    number = versions.current()
    assert number > 0
    with transaction.atomic():
        Agency.objects.create(partnership=partnership, name="Police", slug="police")
        Agency.objects.create(partnership=partnership, name="Health", slug="health")
        assert versions.current() == number  # not before the commit
    assert versions.current() == number + 1
    with pytest.raises(ZeroDivisionError):
        _update_then_fail(Agency.objects.filter(partnership=partnership), is_member=True)
    assert versions.current() == number + 1
    assert Agency.objects.filter(is_member=True).count() == 0

"""The dashboard's figures on the seed log, checked against the file read the simplest way,
and every figure's link giving the list it counts."""

import datetime as dt
from collections import Counter

import pytest

from challengelog.accounts.models import Membership, User
from challengelog.insights import report, stats
from challengelog.register.models import Action, Agency, Challenge, Partnership

TODAY = dt.date(2026, 11, 26)


def _cells(row):
    return row if len(row) == 10 else [*row[:6], "", *row[6:]]


@pytest.fixture
def data(seeded):
    partnership = Partnership.objects.get(slug="southampton")
    return report.build(partnership, report.Period(None, None), today=TODAY)


def test_the_seed_in_figures(data, seed_rows):
    rows = [_cells(r) for r in seed_rows if r[0].strip().isdigit()]
    resolved = sum(r[9].strip().upper() == "Y" for r in rows)
    assert (data["total"], data["resolved"], data["open"]) == (148, 117, 31)
    assert resolved == 117


def test_risk_keeps_not_recorded_apart_from_no(data, seed_rows):
    rows = [_cells(r) for r in seed_rows if r[0].strip().isdigit()]
    raw = Counter({"Y": "Yes", "N": "No", "": "Not recorded"}[r[6].strip().upper()] for r in rows)
    assert {r["label"]: r["raised"] for r in data["risk"]} == raw
    assert [r["label"] for r in data["risk"]] == ["Yes", "No", "Not recorded"]


def test_years_count_the_dates_in_the_file(data, seed_rows):
    dates = [dt.datetime.strptime(_cells(r)[1].strip(), "%d/%m/%Y").date() for r in seed_rows]
    calendar = Counter(str(d.year) for d in dates)
    reporting = Counter(stats.reporting_year_label(stats.reporting_year(d)) for d in dates)
    assert {r["label"]: r["raised"] for r in data["by_year"]} == calendar
    assert {r["label"]: r["raised"] for r in data["by_reporting_year"]} == reporting


def test_agencies_are_counted_under_their_canonical_names(data):
    canonical = set(Agency.objects.values_list("name", flat=True)) | {"All partners"}
    labels = [r["label"] for r in data["by_agency"]]
    assert set(labels) <= canonical
    assert len(labels) == len(set(labels))
    for row in data["by_agency"]:
        if row["label"] == "All partners":
            assert row["raised"] == Challenge.objects.filter(to_all_partners=True).count()
        else:
            assert row["raised"] == Challenge.objects.filter(agencies__name=row["label"]).count()
    raised = [r["raised"] for r in data["by_agency"] if r["label"] != "All partners"]
    assert raised == sorted(raised, reverse=True)


def test_time_to_assured_leaves_out_what_has_no_dates(seeded):
    partnership = Partnership.objects.get(slug="southampton")
    empty = report.build(partnership, report.Period(None, None), today=TODAY)["time_to_assured"]
    assert empty == {
        "assured": 117,
        "measured": 0,
        "left_out": 117,
        "median": None,
        "lower_quartile": None,
        "upper_quartile": None,
    }
    for reference, days in (("146", 10), ("145", 20), ("140", 40), ("136", 100)):
        c = Challenge.objects.get(reference=reference)
        c.date_resolved = c.date_raised + dt.timedelta(days=days)
        c.save()
    t = report.build(partnership, report.Period(None, None), today=TODAY)["time_to_assured"]
    assert (t["measured"], t["left_out"]) == (4, 113)
    assert t["median"] == 30
    assert (t["lower_quartile"], t["upper_quartile"]) == (17.5, 55)


def test_the_oldest_open_challenges_and_their_age(data):
    oldest = data["oldest_open"]["challenges"]
    assert oldest[0]["reference"] == "17"
    assert oldest[0]["age_days"] == (TODAY - dt.date(2014, 5, 7)).days
    ages = [c["age_days"] for c in oldest]
    assert ages == sorted(ages, reverse=True)
    assert all(Challenge.objects.get(reference=c["reference"]).status == "open" for c in oldest)


def test_overdue_actions_on_open_challenges(seeded):
    partnership = Partnership.objects.get(slug="southampton")
    open_one = Challenge.objects.get(reference="147")
    Action.objects.create(challenge=open_one, text="Write to housing", due=dt.date(2026, 11, 1))
    Action.objects.create(
        challenge=open_one, text="Done", due=dt.date(2026, 1, 1), completed_on=dt.date(2026, 2, 1)
    )
    Action.objects.create(challenge=open_one, text="Not yet due", due=dt.date(2027, 1, 1))
    assured = Challenge.objects.get(reference="146")
    Action.objects.create(challenge=assured, text="Old", due=dt.date(2020, 1, 1))
    overdue = report.build(partnership, report.Period(None, None), today=TODAY)["overdue_actions"]
    assert overdue["count"] == 1
    assert overdue["actions"][0]["reference"] == "147"
    assert overdue["actions"][0]["days_overdue"] == 25


def test_the_dashboard_counts_overdue_actions_up_to_a_limit(seeded, monkeypatch, client):
    """As the log counts its matches: past the limit, "more than"; the pack counts them all."""
    from challengelog.accounts.models import Membership, User
    from challengelog.insights import stats

    partnership = Partnership.objects.get(slug="southampton")
    open_ones = Challenge.objects.filter(partnership=partnership, status="open")[:4]
    for n, challenge in enumerate(open_ones):
        Action.objects.create(challenge=challenge, text=f"Late {n}", due=dt.date(2026, 1, 1 + n))
    everything = partnership.challenges.all()
    assert stats.overdue_actions(everything, TODAY)["count"] == 4
    capped = stats.overdue_actions(everything, TODAY, count_limit=3)
    assert (capped["count"], capped["more"]) == (3, True)
    assert [a["text"] for a in capped["actions"]] == ["Late 0", "Late 1", "Late 2", "Late 3"]
    exact = stats.overdue_actions(everything, TODAY, count_limit=4)
    assert (exact["count"], exact["more"]) == (4, False)

    monkeypatch.setattr(report, "COUNT_LIMIT", 3)
    assert (
        report.build(partnership, report.Period(None, None), today=TODAY)["overdue_actions"][
            "count"
        ]
        == 4
    )
    admin = User.objects.create_user(email="admin@example.org", password="x" * 14)
    Membership.objects.create(user=admin, partnership=partnership, role="administrator")
    client.force_login(admin)
    page = client.get("/staff/southampton/dashboard/").content.decode()
    assert "More than 3 actions overdue" in page


def test_a_reporting_year_narrows_everything(seeded, seed_rows):
    partnership = Partnership.objects.get(slug="southampton")
    period = report.Period(dt.date(2016, 4, 1), dt.date(2017, 3, 31))
    data = report.build(partnership, period, today=TODAY)
    dates = [dt.datetime.strptime(_cells(r)[1].strip(), "%d/%m/%Y").date() for r in seed_rows]
    assert data["total"] == sum(period.date_from <= d <= period.date_to for d in dates) == 46
    assert data["period"]["label"] == "April 2016 to March 2017"
    assert len(data["challenges"]) == 46
    assert all(r["filters"]["ryear"] == "2016" for r in data["by_agency"])


@pytest.fixture
def board(seeded):
    user = User.objects.create_user(email="member@example.org", password="x" * 14)
    Membership.objects.create(
        user=user, partnership=Partnership.objects.get(slug="southampton"), role="member"
    )
    return user


KEYS = ["by_reporting_year", "by_year", "by_agency", "by_forum", "by_raiser", "risk", "themes"]


def test_every_figure_links_to_the_list_it_counts(client, board):
    """Follow the link of every row of every table on the dashboard: the list it opens holds
    exactly the number shown, and its open count likewise."""
    client.force_login(board)
    page = client.get("/staff/southampton/dashboard/")
    assert page.status_code == 200
    checked = 0
    for section in page.context["sections"]:
        for row in section["rows"]:
            if not row["filters"]:
                continue
            listed = client.get(row["url"]).context["page"]
            assert listed.count == row["raised"], (section["title"], row["label"], row["url"])
            opened = client.get(row["open_url"]).context["page"]
            assert opened.count == row["open"], (section["title"], row["label"])
            checked += 1
    assert checked > 100
    for label, value, url in page.context["headline"]:
        if url:
            assert client.get(url).context["page"].count == value, label


def test_the_period_form_names_bad_dates(client, board):
    client.force_login(board)
    page = client.get("/staff/southampton/dashboard/?date_from=2017-31-01")
    assert "Enter the start date as year-month-day" in page.content.decode()
    page = client.get("/staff/southampton/dashboard/?date_from=2017-03-01&date_to=2016-01-01")
    assert "The end date must be on or after the start date" in page.content.decode()
    assert page.context["data"]["total"] == 148  # the whole log until the period is right


def test_an_agency_lead_sees_figures_for_their_own_agency(client, seeded):
    partnership = Partnership.objects.get(slug="southampton")
    lead = User.objects.create_user(email="lead@example.org", password="x" * 14)
    membership = Membership.objects.create(user=lead, partnership=partnership, role="agency_lead")
    membership.agencies.add(Agency.objects.get(slug="barnardos"))
    client.force_login(lead)
    page = client.get("/staff/southampton/dashboard/")
    expected = Challenge.objects.filter(agencies__slug="barnardos").count() + (
        Challenge.objects.filter(to_all_partners=True).exclude(agencies__slug="barnardos").count()
    )
    assert page.context["data"]["total"] == expected
    assert "only the challenges addressed to your agency" in page.content.decode()
    for group in page.context["data"]["recurring"]:
        for reference in group["references"]:
            c = Challenge.objects.get(reference=reference)
            assert c.to_all_partners or c.agencies.filter(slug="barnardos").exists()


def test_the_public_summary_reads_the_published_copy_only(client, seeded):
    from challengelog.publishing.services import publish

    partnership = Partnership.objects.get(slug="southampton")
    assert client.get("/southampton/log/summary/").status_code == 404
    publish(partnership=partnership, references=["1", "2", "147"], label="test")
    page = client.get("/southampton/log/summary/")
    data = page.context["data"]
    assert (data["total"], data["open"]) == (3, 1)
    assert "themes" not in data
    assert "overdue_actions" not in data
    html = page.content.decode()
    assert "Overdue actions" not in html
    assert "Recurring concerns" not in html
    for section in page.context["sections"]:
        for row in section["rows"]:
            if row["filters"]:
                assert row["url"].startswith("/southampton/log/?")
                assert client.get(row["url"]).context["page"].count == row["raised"]
    assert (
        client.get("/southampton/log/summary/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
    )


def test_quartiles_from_counts_match_the_statistics_module():
    import random
    import statistics

    rng = random.Random(6)
    for size in (1, 2, 3, 4, 5, 10, 11, 99, 400):
        values = [rng.randint(0, 500) for _ in range(size)]
        counts = sorted(Counter(values).items())
        expected = (
            statistics.quantiles(values, n=4, method="inclusive") if size > 1 else [values[0]] * 3
        )
        got = [stats._quantile(counts, size, q) for q in (0.25, 0.5, 0.75)]
        assert got == pytest.approx(expected), (size, values)

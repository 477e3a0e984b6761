"""The counts the database keeps (``insights.tally``): after every kind of write they are what
counting the log again gives, the dashboard's figures read from them are the figures counted
from the log, and the dashboard reads them for whole months only."""

import datetime as dt
import os

import pytest
from django.db import connection

from challengelog.insights import stats, tally
from challengelog.insights.models import ChallengeTheme, Tally
from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser
from tests.workspace.test_workflow import _raise

S = "/staff/southampton"
TODAY = dt.date(2026, 11, 27)
PERIODS = [
    (None, None),
    (dt.date(2015, 4, 1), dt.date(2016, 3, 31)),
    (dt.date(2014, 1, 1), None),
    (None, dt.date(2015, 6, 30)),
    (dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
]


def _kept() -> set:
    """Each count as it reads: its merged row and any deltas added up."""
    from django.db.models import Sum

    return set(
        Tally.objects.values_list("partnership_id", "kind", "month", "status", "value")
        .annotate(total=Sum("n"))
        .exclude(total=0)
        .values_list("partnership_id", "kind", "month", "status", "value", "total")
    )


def _check() -> None:
    """The kept counts are the log counted again, and give the figures counted from it;
    folding the deltas in changes no count."""
    kept = _kept()
    for partnership in Partnership.objects.all():
        tally.compact(partnership.pk)
    assert _kept() == kept
    assert not Tally.objects.filter(merged=False).exists()
    tally.recount()
    assert kept == _kept(), (kept - _kept(), _kept() - kept)
    assert tally.consistent()
    for partnership in Partnership.objects.all():
        for date_from, date_to in PERIODS:
            challenges = stats.in_period(partnership.challenges.all(), date_from, date_to)
            counted = stats.figures(challenges, today=TODAY, internal=True)
            read = tally.counts(partnership.pk, date_from, date_to)
            assert tally.figures(read, today=TODAY, queryset=challenges) == counted
            assert tally.theme_counts(read) == stats.theme_counts(challenges)


def _southampton() -> Partnership:
    return Partnership.objects.get(slug="southampton")


def test_the_import_is_counted(seeded):
    kept = _kept()
    assert sum(n for _p, kind, *_rest, n in kept if kind == "all") == 148
    assert {kind for _p, kind, *_rest in kept} >= {
        "all",
        "agency",
        "forum",
        "raiser",
        "risk",
        "theme",
        "everyone",
    }
    _check()


def _assured_with_dates():
    for challenge in _southampton().challenges.filter(status="assured", date_raised__isnull=False)[
        :15
    ]:
        challenge.date_resolved = challenge.date_raised + dt.timedelta(days=challenge.pk % 200)
        challenge.save()


def _status_and_dates():
    challenge = _southampton().challenges.filter(status="open").first()
    challenge.status = "assured"
    challenge.date_resolved = dt.date(2017, 1, 1)
    challenge.save()
    moved = _southampton().challenges.filter(date_raised__isnull=False).last()
    moved.date_raised = None
    moved.save()
    undated = _southampton().challenges.filter(date_raised__isnull=True).first()
    undated.date_raised = dt.date(2016, 2, 29)
    undated.save()


def _queryset_update():
    partnership = _southampton()
    forum = Forum.objects.filter(partnership=partnership).last()
    raiser = Raiser.objects.filter(partnership=partnership).first()
    pks = list(partnership.challenges.values_list("pk", flat=True)[:30])
    Challenge.objects.filter(pk__in=pks[:10]).update(risk="yes", forum=None)
    Challenge.objects.filter(pk__in=pks[10:20]).update(forum=forum, raised_by=raiser)
    Challenge.objects.filter(pk__in=pks[20:]).update(to_all_partners=True, status="withdrawn")


def _raw_sql():
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE register_challenge SET status = 'not_assured', date_raised = %s "
            "WHERE reference IN ('3', '4', '5')",
            [dt.date(2013, 5, 17)],
        )
        cursor.execute(
            "DELETE FROM insights_challengetheme WHERE theme = %s", ["education-and-home-education"]
        )


def _agencies():
    partnership = _southampton()
    police = Agency.objects.get(partnership=partnership, slug="police")
    challenges = list(partnership.challenges.order_by("pk")[:6])
    challenges[0].agencies.add(police)
    challenges[1].agencies.clear()
    challenges[2].agencies.set([police])
    challenges[3].agencies.remove(*challenges[3].agencies.all())
    through = Challenge.agencies.through
    through.objects.filter(challenge=challenges[4]).update(agency=police)


def _themes():
    from challengelog.insights.services import set_themes

    partnership = _southampton()
    challenge = partnership.challenges.get(reference="1")
    set_themes(
        challenge=challenge,
        themes=["data-and-performance", "education-and-home-education"],
        user=None,
    )
    theme = ChallengeTheme.objects.filter(challenge__partnership=partnership).exclude(
        challenge__themes__theme="online-safety"
    )[0]
    ChallengeTheme.objects.filter(pk=theme.pk).update(theme="online-safety")


def _merge(people):
    from challengelog.workspace.lists.services import merge_entries

    partnership = _southampton()
    barnardos = Agency.objects.get(partnership=partnership, slug="barnardos")
    police = Agency.objects.get(partnership=partnership, slug="police")
    merge_entries(source=barnardos, target=police, user=people["admin"])
    forums = list(Forum.objects.filter(partnership=partnership, challenge__isnull=False).distinct())
    merge_entries(source=forums[0], target=forums[1], user=people["admin"])


def _delete():
    partnership = _southampton()
    partnership.challenges.get(reference="7").delete()
    partnership.challenges.filter(reference__in=["8", "9", "10"]).delete()


def _retention():
    from challengelog.ops import retention

    partnership = _southampton()
    partnership.retention_months = 12
    partnership.save(update_fields=["retention_months"])
    assert retention.apply(partnership, TODAY).references


def _bulk():
    partnership = _southampton()
    Challenge.objects.bulk_create(
        [
            Challenge(
                partnership=partnership,
                reference=f"B{n}",
                reference_number=1000 + n,
                date_raised=dt.date(2016, 1, 1) + dt.timedelta(days=n),
                text="Bulk",
                status="assured" if n % 2 else "open",
                date_resolved=dt.date(2016, 6, 1) if n % 2 else None,
            )
            for n in range(20)
        ]
    )


def _another_partnership(seed_path):
    from challengelog.importing.services import import_file

    report = import_file(path=seed_path, partnership="other", partnership_name="Other LSCB")
    assert report.ok, report.problems
    # The same references in another partnership: each counted in its own.
    Challenge.objects.filter(partnership__slug="other", reference="1").update(status="withdrawn")


@pytest.mark.parametrize(
    "write",
    [
        "assured_with_dates",
        "status_and_dates",
        "queryset_update",
        "raw_sql",
        "agencies",
        "themes",
        "merge",
        "delete",
        "retention",
        "bulk",
        "another_partnership",
        "web",
    ],
)
def test_every_kind_of_write_keeps_the_counts(people, as_user, seed_path, write):
    if write == "merge":
        _merge(people)
    elif write == "another_partnership":
        _another_partnership(seed_path)
    elif write == "web":
        police = Agency.objects.get(partnership__slug="southampton", slug="police")
        chair = as_user("chair")
        assert _raise(chair, agencies=[police.pk]).status_code == 302
        assured = chair.post(
            f"{S}/log/149/assure/",
            {"outcome": "Attendance recovered.", "date": "25/11/2026", "version": 1},
        )
        assert assured.status_code == 302
    else:
        globals()[f"_{write}"]()
    _check()


def test_a_write_that_changes_nothing_counted_touches_no_count(seeded):
    challenge = _southampton().challenges.get(reference="12")
    before = list(Tally.objects.order_by("pk").values_list("pk", "n"))
    challenge.stage = 2
    challenge.outcome = "Changed words only"
    challenge.save()
    Challenge.objects.filter(pk=challenge.pk).update(text="Other words")
    assert list(Tally.objects.order_by("pk").values_list("pk", "n")) == before


def test_the_dashboard_reads_the_counts_for_whole_months_only(as_user):
    """Tampering with a kept count shows on the whole log and a reporting year, which read
    the counts, and not on a period that starts inside a month, which counts the log."""
    from django.core.cache import cache

    admin = as_user("admin")
    row = Tally.objects.filter(kind="all", status="open").exclude(month=0).order_by("month").first()
    year = stats.reporting_year(dt.date(row.month // 100, row.month % 100, 1))
    looks = {
        "whole": "",
        "year": f"?ryear={year}",
        "inside": f"?date_from={year}-04-02&date_to={year + 1}-03-31",
    }

    def opened():
        cache.clear()
        return {
            name: admin.get(f"{S}/dashboard/{query}").context["data"]["open"]
            for name, query in looks.items()
        }

    before = opened()
    Tally.objects.filter(pk=row.pk).update(n=row.n + 1000)
    after = opened()
    assert after["whole"] == before["whole"] + 1000
    assert after["year"] == before["year"] + 1000
    assert after["inside"] == before["inside"]


def test_an_agency_lead_is_counted_from_the_log(as_user):
    from django.core.cache import cache

    lead = as_user("lead")
    before = lead.get(f"{S}/dashboard/").context["data"]["total"]
    Tally.objects.filter(kind="all").update(n=0)
    cache.clear()
    assert lead.get(f"{S}/dashboard/").context["data"]["total"] == before > 0


def test_counts_taken_below_zero_are_counted_again_after_a_migration(seeded):
    """A test database is emptied row by row: the counts go first, and each challenge deleted
    after them counts down from nothing. ``post_migrate`` finds that and counts again."""
    Tally.objects.all().delete()
    _southampton().challenges.filter(reference__in=["1", "2"]).delete()
    assert not tally.consistent()
    tally.migrated(sender=None)
    assert tally.consistent()
    _check()


@pytest.mark.parametrize(
    ("date_from", "date_to", "whole"),
    [
        (None, None, True),
        (dt.date(2015, 4, 1), dt.date(2016, 3, 31), True),
        (dt.date(2016, 2, 1), dt.date(2016, 2, 29), True),
        (dt.date(2016, 2, 1), dt.date(2016, 2, 28), False),
        (dt.date(2015, 4, 2), None, False),
        (None, dt.date(2015, 12, 31), True),
    ],
)
def test_a_period_of_whole_months(date_from, date_to, whole):
    assert tally.covers(date_from, date_to) is whole


def test_a_far_future_end_date_is_a_whole_month():
    assert tally.covers(None, dt.date(9999, 12, 31))
    assert not tally.covers(None, dt.date(9999, 12, 30))


def test_deltas_are_folded_in_at_the_read_that_finds_enough(seeded, monkeypatch):
    """PostgreSQL writes deltas beside the merged counts; the dashboard's read folds them in
    once there are COMPACT_AT of them. SQLite adds to the merged rows and never has any."""
    partnership = _southampton()
    monkeypatch.setattr(tally, "COMPACT_AT", 5)
    Challenge.objects.filter(partnership=partnership, status="open").update(status="withdrawn")
    kept = _kept()
    if connection.vendor == "postgresql":
        assert tally.deltas(partnership.pk) == 5
    else:
        assert tally.deltas(partnership.pk) == 0
    read = tally.counts(partnership.pk)
    assert tally.deltas(partnership.pk) == 0
    assert _kept() == kept
    assert sum(n for status, n in read[1][0] if status == "withdrawn") >= 0
    assert tally.figures(read, today=TODAY, queryset=partnership.challenges.all())["open"] == 0


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="one writer at a time on SQLite: nothing to wait for (runs in the PostgreSQL pass)",
)
@pytest.mark.django_db(transaction=True)
def test_writers_in_the_same_partnership_never_wait_for_the_counts(seed_path):
    """An import-like transaction changes challenge a, then b; meanwhile an edit locks b and
    changes it. Shared rows of counts (or one lock per partnership) made the edit wait for
    the import while holding b, which the import then waits for: a deadlock. With deltas the
    edit commits at once and the import carries on."""
    import threading

    import psycopg

    from challengelog.importing.services import import_file

    assert import_file(path=seed_path, partnership="southampton", partnership_name="S").ok
    a, b = Challenge.objects.filter(partnership__slug="southampton").order_by("pk")[:2]
    settings = connection.settings_dict
    dsn = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
    }
    importing, editing = psycopg.connect(**dsn), psycopg.connect(**dsn)
    outcome = {}

    def edit():
        try:
            editing.execute("SELECT 1 FROM register_challenge WHERE id = %s FOR UPDATE", [b.pk])
            editing.execute("UPDATE register_challenge SET risk = 'yes' WHERE id = %s", [b.pk])
            editing.commit()
            outcome["edit"] = "committed"
        except psycopg.Error as error:
            outcome["edit"] = repr(error)
            editing.rollback()

    try:
        for c in (importing, editing):
            c.execute("SET lock_timeout = '5s'")
        importing.execute(
            "UPDATE register_challenge SET status = 'withdrawn' WHERE id = %s", [a.pk]
        )
        thread = threading.Thread(target=edit)
        thread.start()
        thread.join(2)
        assert outcome == {"edit": "committed"}
        importing.execute(
            "UPDATE register_challenge SET status = 'withdrawn' WHERE id = %s", [b.pk]
        )
        importing.commit()
    finally:
        thread.join(10)
        importing.close()
        editing.close()
    assert tally.consistent()
    _check()


def test_a_trigger_dropped_by_a_migration_is_made_again(seeded):
    """SQLite remakes a table to alter one of its columns, and its triggers go with it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER tally_challenge_update ON register_challenge")
        else:
            cursor.execute("DROP TRIGGER tally_challenge_update")
    assert tally.missing(connection) == ["tally_challenge_update"]
    Challenge.objects.filter(reference="1").update(status="withdrawn")  # not counted
    tally.migrated(sender=None)
    assert tally.missing(connection) == []
    _check()
    Challenge.objects.filter(reference="2").update(status="withdrawn")
    _check()

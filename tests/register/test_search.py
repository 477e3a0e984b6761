"""Word search with stemming: the same answers on SQLite and PostgreSQL, kept in step with
every write."""

import pytest

from challengelog.register.models import Challenge, Partnership, ProgressUpdate
from challengelog.register.search import parse, search


def _refs(q, queryset=None):
    queryset = Challenge.objects.all() if queryset is None else queryset
    return sorted(search(queryset, q).values_list("reference", flat=True), key=int, reverse=True)


ATTENDANCE = [
    "140",
    "139",
    "137",
    "131",
    "130",
    "115",
    "109",
    "108",
    "99",
    "92",
    "83",
    "76",
    "73",
    "70",
    "52",
    "41",
    "25",
    "20",
    "19",
    "15",
    "14",
    "8",
    "1",
]
SECTION_11 = [
    "130",
    "109",
    "104",
    "97",
    "89",
    "88",
    "87",
    "79",
    "78",
    "71",
    "50",
    "44",
    "43",
    "39",
    "35",
    "26",
    "21",
    "15",
    "6",
    "5",
]
E_SAFETY = ["116", "104", "36", "17"]


def test_attendance_finds_attend_and_attended(seeded):
    assert _refs("attendance") == ATTENDANCE
    assert _refs("attended") == ATTENDANCE
    assert (
        "Police attended previous Section 11 meeting."
        in Challenge.objects.get(reference="109").updates.get().text
    )


def test_section_11_finds_s11_too(seeded):
    assert _refs("Section 11") == SECTION_11
    assert _refs("S11") == SECTION_11


def test_e_safety(seeded):
    assert _refs("e-safety") == E_SAFETY


def test_filters_combine_with_search(seeded):
    open_only = Challenge.objects.filter(status="open")
    assert _refs("attendance", open_only) == ["137", "131", "115", "108", "99"]
    assert _refs("attendance police") == ["109", "92", "70", "1"]


def test_search_follows_every_write(seeded):
    challenge = Challenge.objects.get(reference="148")
    assert "148" not in _refs("firewatch inspection")
    ProgressUpdate.objects.create(
        challenge=challenge, text="Firewatch inspection checked", position=5
    )
    assert _refs("firewatch inspection") == ["148"]
    challenge.text = "Quarry lagoon safety"
    challenge.save()
    assert _refs("quarry lagoon") == ["148"]
    update = ProgressUpdate.objects.get(challenge=challenge, text__startswith="Firewatch")
    update.text = "Marsh survey checked"
    update.save()
    assert _refs("firewatch") == []
    assert _refs("marsh survey") == ["148"]
    # Moved to another challenge: found there and no longer here.
    other = Challenge.objects.get(reference="147")
    ProgressUpdate.objects.filter(pk=update.pk).update(challenge=other)
    assert _refs("marsh survey") == ["147"]
    Challenge.objects.filter(reference__in=["146", "145"]).update(action="Heronry count agreed")
    assert _refs("heronry") == ["146", "145"]
    ProgressUpdate.objects.filter(challenge=challenge).delete()
    assert _refs("firewatch") == []
    challenge.delete()
    assert _refs("quarry lagoon") == []


def test_search_follows_bulk_writes(seeded):
    """As an import writes: many challenges in one statement, then their progress in another."""
    partnership = Partnership.objects.get(slug="southampton")
    made = Challenge.objects.bulk_create(
        [
            Challenge(partnership=partnership, reference=f"B{n}", text=f"Kestrel nest {n}")
            for n in range(3)
        ]
    )
    ProgressUpdate.objects.bulk_create(
        [ProgressUpdate(challenge=c, text="Osprey platform built", position=1) for c in made[:2]]
    )

    def found(q):
        return sorted(search(Challenge.objects.all(), q).values_list("reference", flat=True))

    assert found("kestrel") == ["B0", "B1", "B2"]
    assert found("osprey platform") == ["B0", "B1"]
    Challenge.objects.filter(pk__in=[c.pk for c in made]).delete()
    assert found("kestrel") == []


@pytest.mark.parametrize("q", ['"', "AND OR NOT", "*", "a:b", "(", "NEAR(x y)", "' OR 1=1 --"])
def test_hostile_queries_are_words_not_syntax(seeded, q):
    search(Challenge.objects.all(), q).count()  # must not raise


def test_empty_query_is_everything(seeded):
    assert search(Challenge.objects.all(), "  ").count() == 148
    assert parse("-- !!") == []


def test_search_stays_inside_the_partnership(seeded, tmp_path):
    other = Partnership.objects.create(name="Other", slug="other")
    Challenge.objects.create(partnership=other, reference="1", text="Attendance elsewhere")
    mine = Challenge.objects.filter(partnership__slug="southampton")
    assert _refs("attendance", mine) == ATTENDANCE

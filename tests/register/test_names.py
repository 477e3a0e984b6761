"""Canonical names: every spelling in the seed reads as the entry a person would choose,
and the generic rules hold for names the seed does not contain."""

import pytest

from challengelog.register import names
from challengelog.register.models import Challenge, Forum
from tests.importing.seed_names import FORUM_KINDS, MEETINGS, RAISED_BY, TO


def _mapping(field, canonical):
    out = {}
    for c in Challenge.objects.select_related("forum", "raised_by").prefetch_related("agencies"):
        out[getattr(c, field)] = canonical(c)
    return out


def test_every_to_spelling_reads_as_the_expected_agencies(seeded):
    def agencies(c):
        return ["ALL PARTNERS"] if c.to_all_partners else sorted(a.name for a in c.agencies.all())

    got = _mapping("to_as_recorded", agencies)
    assert len(got) == 88
    assert got == TO


def test_every_meeting_spelling_reads_as_the_expected_forum(seeded):
    got = _mapping("meeting_as_recorded", lambda c: c.forum.name)
    assert len(got) == 33
    assert got == MEETINGS
    kinds = {f.name: f.kind for f in Forum.objects.exclude(kind="meeting")}
    assert kinds == FORUM_KINDS


def test_every_raised_by_spelling_reads_as_the_expected_raiser(seeded):
    got = _mapping("raised_by_as_recorded", lambda c: c.raised_by.name)
    assert len(got) == 52
    assert got == RAISED_BY


def test_aliases_keep_every_spelling_seen(seeded):
    forum = Forum.objects.get(name="Monitoring and Evaluation Group")
    assert set(forum.spellings) == {
        "Monitoring and Evaluation Group",
        "M&E Group",
        "M&E",
        "LSCB Monitoring and Evaluation Group",
    }


def _cluster(spellings):
    glossary = names.Glossary(spellings)
    return names.cluster(spellings, glossary), glossary


def test_ampersand_and_and_cluster():
    clustering, _ = _cluster(
        [
            "Children & Families Service",
            "Children and Families Service",
            "Children and Families Service",
        ]
    )
    assert {clustering.canonical(s) for s in clustering.by_spelling} == {
        "Children and Families Service"
    }


def test_an_acronym_spelt_out_elsewhere_in_the_log_clusters_with_it():
    clustering, glossary = _cluster(["CFS", "Children and Families Service", "Youth Justice"])
    assert glossary.expansions["CFS"] == "Children and Families Service"
    assert clustering.canonical("CFS") == "Children and Families Service"


def test_an_acronym_with_two_readings_is_left_alone():
    _, glossary = _cluster(["CSP", "Community Safety Partnership", "Children's Services Panel"])
    assert "CSP" not in glossary.expansions


@pytest.mark.parametrize(
    "apart",
    [
        ("Hackney LSCB", "Lancashire LSCB", "LSCB"),
        ("Adult Services", "Adult Social Care"),
        ("Public Health", "Southern Health", "Health Services"),
        ("Chair of LSCB", "Independent Chair"),
    ],
)
def test_similar_names_of_different_bodies_never_merge(apart):
    clustering, _ = _cluster(list(apart))
    assert len({clustering.canonical(s) for s in apart}) == len(apart)


def test_a_subset_name_is_listed_for_review_not_merged():
    clustering, _ = _cluster(["Education Services", "SCC Education Services"])
    assert clustering.canonical("SCC Education Services") == "SCC Education Services"
    assert [(r.spelling, r.candidate) for r in clustering.reviews] == [
        ("Education Services", "SCC Education Services")
    ]


def test_a_typo_is_listed_for_review():
    clustering, _ = _cluster(["Substance Misuse Recovery", "Substance Misuse Reovery"])
    assert len(clustering.entries) == 2
    assert "spelt almost the same" in clustering.reviews[0].why


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("Police/Barnardos", ["Police", "Barnardos"]),
        (
            "Hampshire Constabulary and Children and Families Service",
            ["Hampshire Constabulary", "Children and Families Service"],
        ),
        ("Children and Families Service", ["Children and Families Service"]),
        ("Drug and Alcohol Services", ["Drug and Alcohol Services"]),
        (
            "Youth Offending Service, Police and Barnardos",
            ["Youth Offending Service", "Police", "Barnardos"],
        ),
    ],
)
def test_several_recipients_split_and_single_names_stay_whole(value, parts):
    log = [
        "Hampshire Constabulary",
        "Children and Families Service",
        "Barnardos",
        "Police",
        "Youth Offending Service",
        value,
    ]
    glossary = names.Glossary(log)
    known = names.known_recipient_keys(log[:-1], glossary)
    assert names.split_recipients(value, known, glossary) == parts


@pytest.mark.parametrize(
    "value",
    [
        "All agencies",
        "All board members",
        "All LSCB members",
        "All Board Partners",
        "Board Members",
        "All partner agencies",
        "Partnership members",
    ],
)
def test_recipients_meaning_every_partner(value):
    assert names.all_partners(value)


@pytest.mark.parametrize("value", ["Board Manager", "Allied Health", "Executive Board"])
def test_recipients_not_meaning_every_partner(value):
    assert not names.all_partners(value)


def test_a_post_names_its_organisation():
    assert names.agency_core("Head of Education") == "Education"
    assert names.agency_core("Chief Executive, Local Authority") == "Local Authority"
    assert names.agency_core("Principal Officer MASH & Early Help (SM)") == "MASH & Early Help"
    assert names.agency_core("Inspire Team - Children and Families Service") == (
        "Inspire Team - Children and Families Service"
    )


def test_a_second_import_reuses_the_canonical_entries(seeded, tmp_path):
    from challengelog.importing.services import import_file

    path = tmp_path / "more.csv"
    path.write_text(
        "Ref,Date,Meeting,Challenge,To\n"
        "200,01/04/2018,M&E group,Attendance at the group,Children & Families\n"
    )
    report = import_file(path=path, partnership="southampton")
    assert report.ok, report.problems
    challenge = Challenge.objects.get(reference="200")
    assert challenge.forum.name == "Monitoring and Evaluation Group"
    assert [a.name for a in challenge.agencies.all()] == ["Children and Families Service"]

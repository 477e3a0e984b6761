"""Themes: the rules agree with the hand-made labels of the seed log; staff can change them and
their choice stays."""

import json
from pathlib import Path

import pytest

from challengelog.accounts.models import AuditEvent, User
from challengelog.insights import services
from challengelog.insights.models import ChallengeTheme, ThemeReview
from challengelog.insights.themes import THEMES, suggest
from challengelog.register import services as register
from challengelog.register.models import Challenge

LABELS = json.loads((Path(__file__).parent / "seed_themes.json").read_text())["themes"]


def agreement(seed_rows):
    """Micro-averaged precision, recall and F1 of the rules against the hand labels, and
    Cohen's kappa over every (challenge, theme) decision."""
    tp = fp = fn = tn = 0
    for row in seed_rows:
        if not row[0].strip().isdigit():
            continue
        cells = row if len(row) == 10 else [*row[:6], "", *row[6:]]
        suggested = set(suggest(cells[3], cells[7]))
        labelled = set(LABELS[cells[0].strip()])
        for rule in THEMES:
            s, t = rule.slug in suggested, rule.slug in labelled
            tp += s and t
            fp += s and not t
            fn += t and not s
            tn += not s and not t
    n = tp + fp + fn + tn
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "kappa": (observed - expected) / (1 - expected),
        "decisions": n,
    }


def test_the_labels_cover_the_whole_seed_with_known_themes(seed_rows):
    assert len(LABELS) == 148
    assert {t for ts in LABELS.values() for t in ts} <= {rule.slug for rule in THEMES}


def test_the_rules_agree_with_the_hand_labels(seed_rows):
    figures = agreement(seed_rows)
    print(
        "\nThemes against the hand labels: precision {precision:.3f}, recall {recall:.3f}, "
        "F1 {f1:.3f}, Cohen's kappa {kappa:.3f} over {decisions} decisions".format(**figures)
    )
    # Measured when the rules were written: 0.817, 0.944, 0.876, kappa 0.86.
    assert figures["f1"] >= 0.85
    assert figures["precision"] >= 0.78
    assert figures["recall"] >= 0.90
    assert figures["kappa"] >= 0.8


def test_a_suggestion_says_which_words_made_it():
    found = suggest("Challenge to Solent NHS regarding lack of assurance provided in S11 report")
    assert found == {"section-11-and-audit-returns": ["s11"]}
    assert suggest("The tower blocks") == {}


def test_words_match_in_any_case_and_are_given_once_in_lower_case():
    found = suggest("E-SAFETY policy and e-Safety training", "Review the E-Safety POLICY")
    assert found["online-safety"] == ["e-safety"]
    assert found["policies-and-procedures"] == ["policy"]


def test_every_pattern_is_written_in_lower_case():
    # The text is lower-cased before matching: a capital in a pattern would never match.
    for rule in THEMES:
        for pattern in rule.patterns:
            assert pattern == pattern.lower(), (rule.slug, pattern)


def test_the_import_suggests_themes(seeded):
    challenge = Challenge.objects.get(reference="89")
    themes = {t.theme: t for t in challenge.themes.all()}
    assert set(themes) == {"section-11-and-audit-returns"}
    assert themes["section-11-and-audit-returns"].suggested
    assert "section 11" in themes["section-11-and-audit-returns"].matched
    assert ChallengeTheme.objects.filter(challenge__partnership__slug="southampton").count() > 148


@pytest.fixture
def chair(seeded):
    from challengelog.accounts.models import Membership
    from challengelog.register.models import Partnership

    user = User.objects.create_user(email="chair@example.org", password="x" * 14)
    Membership.objects.create(
        user=user, partnership=Partnership.objects.get(slug="southampton"), role="chair"
    )
    return user


def test_staff_themes_stay_when_the_challenge_is_edited(chair):
    challenge = Challenge.objects.get(reference="89")
    services.set_themes(challenge=challenge, themes=["data-and-performance"], user=chair)
    register.edit_challenge(
        challenge=challenge,
        user=chair,
        version=challenge.version,
        text=challenge.text + " Section 11 again.",
    )
    assert list(challenge.themes.values_list("theme", "suggested")) == [
        ("data-and-performance", False)
    ]
    assert ThemeReview.objects.filter(challenge=challenge, reviewed_by=chair).exists()
    event = AuditEvent.objects.get(kind="themes.changed")
    assert event.detail["before"] == ["section-11-and-audit-returns"]
    assert event.detail["after"] == ["data-and-performance"]


def test_an_unknown_theme_is_refused_and_nothing_changes(chair):
    challenge = Challenge.objects.get(reference="89")
    with pytest.raises(services.UnknownTheme, match="no-such-theme"):
        services.set_themes(challenge=challenge, themes=["no-such-theme"], user=chair)
    assert list(challenge.themes.values_list("theme", flat=True)) == [
        "section-11-and-audit-returns"
    ]


def test_the_themes_page_saves_and_refuses_a_stale_form(client, chair):
    client.force_login(chair)
    url = "/staff/southampton/log/89/themes/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'value="section-11-and-audit-returns" checked' in page.content
    saved = client.post(
        url, {"themes": ["training"], "opened_with": "section-11-and-audit-returns"}
    )
    assert saved.status_code == 302
    assert list(Challenge.objects.get(reference="89").themes.values_list("theme", flat=True)) == [
        "training"
    ]
    # A second form opened before that save is refused, naming what is there now.
    stale = client.post(
        url, {"themes": ["mental-health"], "opened_with": "section-11-and-audit-returns"}
    )
    assert stale.status_code == 409
    assert "Someone changed the themes" in stale.content.decode()
    assert "they are now Training" in stale.content.decode()
    bad = client.post(url, {"themes": ["<script>"], "opened_with": "training"})
    assert bad.status_code == 400
    assert "Choose themes from the list" in bad.content.decode()
    assert list(Challenge.objects.get(reference="89").themes.values_list("theme", flat=True)) == [
        "training"
    ]


def test_the_staff_log_filters_by_theme(client, chair):
    client.force_login(chair)
    expected = Challenge.objects.filter(themes__theme="online-safety").count()
    page = client.get("/staff/southampton/log/?theme=online-safety")
    assert page.context["page"].count == expected > 0

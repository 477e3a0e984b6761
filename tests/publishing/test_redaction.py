"""The name detector: a labelled set, the seed's own names, and what it must leave alone."""

import itertools
import json
import re
import time
from pathlib import Path

import pytest

from challengelog.publishing.redaction import Detection, detect, redact

LABELLED = json.loads((Path(__file__).parent / "labelled_names.json").read_text("utf-8"))
SEED_COLUMNS = ["No", "Date", "Meeting", "Challenge", "From", "To", "Risk", "Action", "Progress"]


def _rows(seed_rows):
    """Seed rows as dicts; the oldest rows lack the Risk? cell."""
    rows = []
    for cells in seed_rows:
        if len(cells) == 9:
            cells = [*cells[:6], "", *cells[6:]]
        rows.append(dict(zip(SEED_COLUMNS, cells, strict=False)))
    return rows


def _score(known_terms):
    tp = fp = fn = 0
    misses = []
    for sentence in LABELLED["sentences"]:
        found = [d.text for d in detect(sentence["text"], known_terms)]
        expected = list(sentence["names"])
        for text in found:
            if text in expected:
                tp += 1
                expected.remove(text)
            else:
                fp += 1
                misses.append(f"false name {text!r} in: {sentence['text']}")
        fn += len(expected)
        misses += [f"missed {name!r} in: {sentence['text']}" for name in expected]
    return tp / (tp + fp), tp / (tp + fn), misses


def test_labelled_set_is_big_enough_and_exact():
    sentences = LABELLED["sentences"]
    assert len(sentences) >= 60
    assert sum(1 for s in sentences if s["names"]) >= 40
    assert sum(1 for s in sentences if not s["names"]) >= 20
    for s in sentences:
        for name in s["names"]:
            assert name in s["text"]


def test_precision_and_recall_on_the_labelled_set():
    precision, recall, misses = _score(LABELLED["known_terms"])
    bare_precision, bare_recall, _ = _score(())
    print(f"\nlabelled set, with known terms: precision {precision:.3f}, recall {recall:.3f}")
    print(f"labelled set, no known terms: precision {bare_precision:.3f}, recall {bare_recall:.3f}")
    print("\n".join(misses))
    assert precision >= 0.9
    assert recall >= 0.9


def test_no_personal_name_from_the_seed_in_the_code(seed_rows):
    source = (Path(__file__).parents[2] / "challengelog/publishing/redaction.py").read_text()
    names = set()
    for row in _rows(seed_rows):
        for field in ("Challenge", "Action", "Progress"):
            names |= {d.text for d in detect(row[field]) if d.kind != "initials"}
    for name in names:
        for word in re.findall(r"[A-Z][a-z]+", name):
            if word.lower() not in {"cllr"}:
                assert not re.search(rf"\b{word}\b", source, re.IGNORECASE), word


# --- the seed's names -------------------------------------------------------------------------

# Sentences of the seed that hold a personal name: (reference, column, names). The text is read
# from the file at test time.
SEED_NAMES = [
    ("147", "Action", ["Steve Smith", "Paul Juan", "Cllr Payne"]),
    ("111", "Action", ["KM"]),
    ("74", "Action", ["NC"]),
    ("34", "Action", ["NC"]),
    ("23", "Progress", ["Anne Downie"]),
    ("85", "To", ["SM"]),
    ("30", "Meeting", ["JC", "HL"]),
]


@pytest.mark.parametrize(("reference", "column", "names"), SEED_NAMES)
def test_every_name_in_the_seed_is_found(seed_rows, reference, column, names):
    row = next(r for r in _rows(seed_rows) if r["No"] == reference)
    found = [d.text for d in detect(row[column])]
    for name in names:
        assert name in found, (name, row[column], found)


def test_whole_seed(seed_rows):
    rows = _rows(seed_rows)
    known = {row[c] for row in rows for c in ("Meeting", "From", "To") if row[c]}
    detections = []
    started = time.perf_counter()
    for row in rows:
        for field in ("Challenge", "Action", "Progress"):
            for d in detect(row[field], known):
                detections.append((row["No"], field, d))
    elapsed = time.perf_counter() - started
    print(f"\n{len(detections)} detections over {len(rows)} challenges in {elapsed * 1000:.0f} ms")
    for number, field, d in detections:
        print(f"  #{number} {field}: {d.text!r} ({d.kind}) -> {d.proposal}")
    texts = {d.text for _, _, d in detections}
    for organisation in {row["To"] for row in rows}:
        assert organisation not in texts
        for d in detect(organisation):
            assert d.kind in {"initials", "titled"}, (organisation, d)  # "(SM)" after a post
    assert {"Steve Smith", "Paul Juan", "Cllr Payne", "Anne Downie", "KM", "NC"} <= texts


# --- units ------------------------------------------------------------------------------------


def test_redact_replaces_unreviewed_names_with_proposals():
    text = "Board Chair to ask Priya Shah and Cllr Holt; KM to take this further."
    assert redact(text, {}) == (
        "Board Chair to ask [name removed] and [councillor]; [name removed] to take this further."
    )


def test_redact_honours_a_replacement_and_a_keep():
    text = "Letter from Priya Shah to Cllr Holt."
    result = redact(text, {"Priya Shah": "Head of Housing", "Cllr Holt": "Cllr Holt"})
    assert result == "Letter from Head of Housing to Cllr Holt."


def test_possessive_keeps_its_s():
    assert redact("Sarah's team will audit.", {}) == "[name removed]'s team will audit."


@pytest.mark.parametrize(
    "text",
    [
        "Challenge following Child L workshop regarding ABE training.",
        "Advised: child I was ill so hospital was the right place.",
        "Challenge re. some content within the Child O SCR.",
        "Hampshire Constabulary, Solent NHS, Barnardos, Alder Trust and Capita attended.",
        "Meeting convened with In Trac to discuss training options.",
        "The Independent Chair, the LADO and the Designated Doctor met the Head of Education.",
        "E-Learning has been updated to reflect Care Act 2014 changes.",
        "Think Family, HeadStart and Prevent are in the plan.",
        "This was discussed. The LSCB, MASH, CCG, NPS, UHS and CAFCASS agreed. In progress.",
        "Following meeting with In Trac the training has been reviewed.",
    ],
)
def test_text_without_names_comes_back_unchanged(text):
    known = ["UHS", "In Trac", "Alder Trust"]
    assert detect(text, known) == []
    assert redact(text, {}, known) == text


def test_offsets_point_at_the_name():
    text = "Noted.  Dr Aisha Rahman and JC/HL to meet; Omar's notes; (RW)"
    for d in detect(text):
        assert text[d.start : d.end] == d.text
    assert [d.text for d in detect(text)] == ["Dr Aisha Rahman", "JC", "HL", "Omar"]
    first = detect(text)[0]
    assert first == Detection("Dr Aisha Rahman", 8, 23, "titled", "[name removed]")


def test_detections_are_ordered_and_do_not_overlap():
    text = "Cllr Mary-Jane Holt, Priya Shah, Dr O'Neill and TB to chase." * 50
    found = detect(text)
    assert len(found) == 200
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_known_terms_are_never_names():
    text = "Yellow Door to report; Tower Hamlets Partnership agreed."
    assert [d.text for d in detect("Yellow Door to report.")] == ["Yellow Door"]
    assert detect(text, ["Yellow Door"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\u200f\u202eKM to take\u202c Priya\u200f Shah",
        "<script>alert('Priya Shah')</script><b>Dr Chen</b>",
        "Ünïcödé Łukasz Wróbel 😀 \x00 \ufeff",
        "(" * 1000 + "A" * 1000,
    ],
)
def test_hostile_input_does_not_break_it(text):
    found = detect(text)
    for d in found:
        assert text[d.start : d.end] == d.text
    redact(text, {})


def test_html_is_treated_as_text():
    assert [d.text for d in detect("<b>Dr Chen</b>")] == ["Dr Chen"]
    assert redact("<b>Dr Chen</b>", {}) == "<b>[name removed]</b>"


def test_a_large_field_is_fast():
    text = ("The LSCB Chair asked Priya Shah for the Section 11 figures. " * 1700)[:100_000]
    started = time.perf_counter()
    found = detect(text, ["LSCB"])
    elapsed = time.perf_counter() - started
    assert len(found) > 1000
    assert elapsed < 2.0

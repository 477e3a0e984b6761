"""Personal data beyond names, and names in every shape: the labelled set's figures, each kind
on its own, what must be kept, the second look, and hostile input."""

import re
import time
from pathlib import Path

import pytest

from challengelog.publishing import personal, redaction
from challengelog.publishing.redaction import detect, redact, second_look
from tests.publishing import personal_data_scoring as scoring

LABELLED = scoring.load()
DATA = Path(redaction.__file__).parent / "data"


def found(text, known_terms=()):
    return [(d.text, d.kind) for d in detect(text, known_terms)]


def texts(text, known_terms=()):
    return [d.text for d in detect(text, known_terms)]


# --- the labelled set -------------------------------------------------------------------------


def test_labelled_set_is_big_varied_and_exact():
    sentences = LABELLED["sentences"]
    assert len(sentences) >= 300
    kinds = {p["kind"] for s in sentences for p in s["personal"]}
    assert kinds == set(LABELLED["kinds"])
    assert sum(1 for s in sentences if not s["personal"]) >= 100
    assert sum(len(s["organisations"]) for s in sentences) >= 100
    assert len({s["style"] for s in sentences}) >= 6
    for s in sentences:
        for item in [p["text"] for p in s["personal"]] + s["organisations"] + s["kept"]:
            assert item in s["text"], (item, s["text"])
    for s in sentences:
        for p in s["personal"]:
            if p["kind"] == "phone":
                digits = re.sub(r"\D", "", p["text"])
                assert re.search(r"7700900|1632960|4960|49460|20180|7946", digits), p
            if p["kind"] == "email":
                assert p["text"].lower().endswith("@example.org"), p


def test_figures_on_the_labelled_set():
    result = scoring.score(detect, LABELLED)
    bare = scoring.score(detect, LABELLED, known_terms=())
    print("\nwith known terms\n" + scoring.table(result))
    print("without known terms\n" + scoring.table(bare))
    print("\n".join(result.misses))
    for kind in ("email", "phone", "postcode", "date_of_birth", "titled"):
        assert result.recall(kind) == 1.0, kind
    assert result.recall() >= 0.98
    assert result.precision() >= 0.95
    assert result.organisation_precision() >= 0.98
    assert result.kept_precision() >= 0.98
    assert bare.recall() >= 0.98


def test_seed_names_are_in_no_module_of_the_detector(seed_rows):
    names = set()
    for cells in seed_rows:
        for cell in cells[3:]:
            names |= {d.text for d in detect(cell) if d.kind not in {"initials"}}
    words = {w for name in names for w in re.findall(r"[A-Z][a-z]+", name)} - {"Cllr"}
    assert len(words) >= 6
    for module in (redaction, personal):
        source = Path(module.__file__).read_text("utf-8")
        for word in words:
            assert not re.search(rf"\b{word}\b", source, re.IGNORECASE), (module, word)


# --- e-mail, phone, postcode, address ---------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "priya.shah@example.org",
        "j.okafor@example.org",
        "m.green+safeguarding@example.org",
        "TONY1972@EXAMPLE.ORG",
        "d_mensah@example.org",
        "first.last@mail.example.org.uk",
    ],
)
def test_email_addresses(address):
    text = f"Reply to {address}, please."
    assert found(text) == [(address, "email")]
    assert redact(text, {}) == "Reply to [email removed], please."


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "07700.900.123",
        "07700 900 123",
        "01632 960001",
        "01632 960 001",
        "01632-960-001",
        "(01632) 960001",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)1632 960001",
        "0044 7700 900123",
        "020 7946 0321",
        "0113 496 0123",
        "029 2018 0123",
    ],
)
def test_uk_phone_numbers(number):
    text = f"Call {number} after 5pm."
    assert found(text) == [(number, "phone")]
    assert redact(text, {}) == "Call [phone number removed] after 5pm."


@pytest.mark.parametrize(
    "text",
    [
        "Meeting on 14/03/2024 at 10:00.",
        "Case 2023/00145 closed; £1,250,000 over 3 years; 12.5% rise.",
        "The 0-19 service saw 1,940 families.",
        "Childline is on 0800 1111.",
        "Invoice 4300026767 has been paid.",
        "Referrals rose from 3,833 to 4,312 in 2023/24.",
        "0.5 FTE vacancy; Level 3 on 12 March.",
    ],
)
def test_numbers_that_are_not_personal(text):
    assert detect(text) == []


def test_a_phone_number_stops_where_its_digits_do():
    text = "Mobile 07700 900123 12 March; (07700 900456, by text)."
    assert texts(text) == ["07700 900123", "07700 900456"]


@pytest.mark.parametrize(
    "code", ["NS1 2AB", "SO14 7LP", "WX12 4RS", "BK1 1AA", "EC1A 1BB", "so14 7lp"]
)
def test_postcodes(code):
    assert found(f"Moved to {code} last week.") == [(code, "postcode")]


@pytest.mark.parametrize(
    "text",
    [
        "S11 Children Act audits",
        "The M25 was closed",
        "Section 11 4lscb audits",
        "Year 9 pupils",
        "on the 2nd floor, a1 2nd row",
        "NHS 111 and CP1 forms",
    ],
)
def test_things_like_postcodes(text):
    assert [d for d in detect(text) if d.kind == "postcode"] == []


@pytest.mark.parametrize(
    "address",
    [
        "12 Acacia Avenue",
        "Flat 3, 4 Mill Lane",
        "27b Chapel Street",
        "Flat 12, Kingfisher Court, 16 Riverside Drive",
        "Room 4, 21 Station Approach",
        "14 Meadow View",
        "1 High Street",
        "3 Orchard Way",
    ],
)
def test_street_addresses(address):
    assert found(f"She lives at {address}, Wexcombe.") == [(address, "address")]
    assert redact(f"At {address}.", {}) == "At [address removed]."


@pytest.mark.parametrize(
    "text",
    [
        "There were 3 Family Court hearings.",
        "Section 11 Audit Day is in May.",
        "Level 3 Safeguarding Training was held.",
        "In 2015 Green Park opened.",
        "Ward 7 discharge audit.",
        "4 Care Homes were inspected.",
    ],
)
def test_things_like_addresses(text):
    assert [d for d in detect(text) if d.kind == "address"] == []


# --- dates of birth, ages, NHS and NI numbers -------------------------------------------------


@pytest.mark.parametrize(
    "dob",
    [
        "DOB 14/03/2012",
        "DOB: 21.11.2016",
        "d.o.b. 3/7/2009",
        "D.O.B 09-10-2011",
        "DoB 1/1/2010",
        "born 02/05/2015",
        "born on 2 May 2007",
        "born in March 1951",
        "date of birth 12 June 1948",
        "date of birth 5th March 2016",
        "born 17.08.2001",
    ],
)
def test_dates_of_birth(dob):
    text = f"Child L ({dob}) was discussed."
    assert found(text) == [(dob, "date_of_birth")]
    assert redact(text, {}) == "Child L ([date of birth removed]) was discussed."


def test_dates_that_are_not_of_birth():
    assert detect("Meeting held 14/03/2024; next on 2 May 2024; newborn visits up.") == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Jayden Clarke, aged 14, went missing.", "aged 14"),
        ("Child M (aged 9) told the teacher.", "aged 9"),
        ("A 15-year-old girl disclosed abuse.", "15-year-old"),
        ("The boy, now 17 years old, is in care.", "17 years old"),
        ("Mrs B, aged 86, is cared for by her son.", "aged 86"),
        ("A referral about a boy, age 11, from the school.", "age 11"),
    ],
)
def test_ages_next_to_a_person(text, age):
    assert (age, "age") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Children aged 0-5 make up a third of plans.",
        "Of the 37 victims, 12 were aged between 18 and 25.",
        "Young people aged 16 and 17 are supported.",
        "Services for those aged 18 or over.",
        "The number of looked after children aged over 16 rose.",
        "Training for 15-year-olds in schools.",
    ],
)
def test_ages_of_groups_are_kept(text):
    assert [d for d in detect(text) if d.kind == "age"] == []


def test_nhs_check_digit():
    assert personal.nhs_check_digit_ok("9434765919")
    assert personal.nhs_check_digit_ok("5738563913")
    assert not personal.nhs_check_digit_ok("9434765918")
    assert not personal.nhs_check_digit_ok("4300026767")
    assert not personal.nhs_check_digit_ok("123")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Her NHS number is 943 476 5919.", "943 476 5919"),
        ("NHS no. 5963277434 on the letter.", "5963277434"),
        ("NHS Number: 672-427-4869", "672-427-4869"),
        ("Patient 749 467 7860 was discharged.", "749 467 7860"),
        ("NHS number 943 476 5918 (mistyped) on the form.", "943 476 5918"),
    ],
)
def test_nhs_numbers(text, number):
    assert (number, "nhs_number") in found(text)


def test_ten_digits_without_a_valid_check_or_context_are_not_nhs_numbers():
    assert detect("Reference 5033639716 relates to the complaint.") == []


@pytest.mark.parametrize("number", ["QQ 12 34 56 C", "QQ123456A", "AB 65 43 21 D", "JK 24 68 13 B"])
def test_national_insurance_numbers(number):
    text = f"The claim used {number} last year."
    assert found(text) == [(number, "ni_number")]
    assert redact(text, {}) == "The claim used [NI number removed] last year."


def test_an_ni_number_without_its_letter_needs_context():
    assert detect("Grid ref AB 12 34 56 on the map.") == []
    assert texts("NI number AB 12 34 56 on file.") == ["AB 12 34 56"]


# --- names in every shape ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DCI Hammond chaired the strategy meeting.", "DCI Hammond"),
        ("DS Khan reported the figures.", "DS Khan"),
        ("PC 1234 Evans attended.", "PC 1234 Evans"),
        ("DC Ferguson to update.", "DC Ferguson"),
        ("DI Okoro wrote to the Chair.", "DI Okoro"),
        ("Sgt Adeyemi will attend.", "Sgt Adeyemi"),
        ("Insp Cartwright confirmed it.", "Insp Cartwright"),
        ("Supt Rahman sent apologies.", "Supt Rahman"),
        ("Det Supt Whitlock wrote.", "Det Supt Whitlock"),
        ("Acting Insp Delaney will report.", "Acting Insp Delaney"),
        ("Nurse Patel saw the child.", "Nurse Patel"),
        ("Judge Harris raised concerns.", "Judge Harris"),
        ("HHJ Wilson asked for a meeting.", "HHJ Wilson"),
        ("District Judge Patel made an order.", "District Judge Patel"),
        ("Dr.Lee presented.", "Dr.Lee"),
        ("Dr. Lee presented.", "Dr. Lee"),
        ("Mr J. Thackeray queried the cost.", "Mr J. Thackeray"),
        ("Mrs van Dijk asked a question.", "Mrs van Dijk"),
        ("MR AHMED attended.", "MR AHMED"),
        ("DS Young reviewed the case.", "DS Young"),
        ("Dr Rebecca Long is the designated doctor.", "Dr Rebecca Long"),
        ("Revd Canon Ellis raised it.", "Revd Canon Ellis"),
        ("Headteacher Mrs Fairbairn explained.", "Mrs Fairbairn"),
    ],
)
def test_titles_and_ranks_are_part_of_the_name(text, name):
    assert (name, "titled") in found(text)


def test_a_councillor_is_proposed_as_a_councillor():
    assert redact("Cllr Ahmed asked.", {}) == "[councillor] asked."
    assert redact("DCI Hammond asked.", {}) == "[name removed] asked."


@pytest.mark.parametrize(
    "text",
    [
        "The Nurse Consultant agreed.",
        "The District Judge made an order.",
        "PC training is due.",
        "Eastleigh DC Housing Team replied.",
        "The Designated Nurse and the Independent Chair met.",
        "Sister Ward 4 was closed for cleaning.",
        "Mr A was born abroad; Mrs B lives alone.",
    ],
)
def test_titles_and_ranks_without_a_name(text):
    assert [d for d in detect(text) if d.kind == "titled"] == []


def test_a_name_after_a_job_keeps_the_job():
    assert redact("Social Worker Okafor visited.", {}) == "Social Worker [name removed] visited."
    assert found("Family Support Worker Haddad visited twice.") == [("Haddad", "after_role")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sarah Young agreed to update the policy.", "Sarah Young"),
        ("Update from Rebecca Long on the audit.", "Rebecca Long"),
        ("Peter March to chase the council.", "Peter March"),
        ("Amy Ward reported the figures.", "Amy Ward"),
        ("Will Hope will present the review.", "Will Hope"),
        ("Grace Field and others attended.", "Grace Field"),
        ("John Baker will co-ordinate.", "John Baker"),
        ("Mark Green confirmed it.", "Mark Green"),
        ("May Chen raised the issue.", "May Chen"),
        ("Bill Foster retired in June.", "Bill Foster"),
        ("Ellie-May Turner missed it.", "Ellie-May Turner"),
        ("Feedback from Okafor, Jane on the draft.", "Okafor, Jane"),
        ("Letter to John SMITHSON at home.", "John SMITHSON"),
        ("PATEL Ravi to lead.", "PATEL Ravi"),
        ("DAVID OKONKWO attended.", "DAVID OKONKWO"),
        ("spoke to jane okafor about it.", "jane okafor"),
        ("sarah to chase the school.", "sarah"),
        ("Gemma said the form is too long.", "Gemma"),
        ("Grace agreed to contact the school.", "Grace"),
        ("Thanks to Holly for the summary.", "Holly"),
        ("Seán Ó Briain represented the project.", "Seán Ó Briain"),
        ("Anneke van der Berg joined the panel.", "Anneke van der Berg"),
    ],
)
def test_names(text, name):
    assert name in texts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Will the board fund the post?",
        "We will hope to finish by May.",
        "May Young People's Forum meet in June?",
        "Mark the date: the conference is in October.",
        "Hope for the best, plan for the worst.",
        "Amber rating for the strategy.",
        "Rated Amber by the board.",
        "The Grace Period ends on Friday.",
        "Operation Jasmine found serious failings.",
        "Victoria Park, Stanley Park and Florence Ward were visited.",
        "Elizabeth Court is a supported living scheme.",
        "St Mary's Hospital and Queen Alexandra Hospital share a team.",
        "Jordan Valley Academy reported three exclusions.",
        "Elm Tree Primary School and Oak Hill Community Trust replied.",
        "Barnardo's, Border Force and the Children and Families Service attended.",
        "The Lucy Faithfull Foundation and Sue Ryder ran sessions.",
        "Citizens Advice and Age UK joined; Deprivation of Liberty Safeguards were discussed.",
        "Mother of Child L, Family B and Child K were discussed; Baby R was discharged.",
        "The Designated Nurse, the Independent Chair and the LADO met.",
        "MASH, LADO, CAMHS, CSE, NHS, ICB and SEND were on the agenda.",
        "Clare's Law disclosures rose; Milton Keynes has a similar protocol.",
        "Ring Childline or the NSPCC for advice.",
        "Mum's mobile was not working.",
    ],
)
def test_organisations_roles_places_and_programmes_are_kept(text):
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("JT chased the provider.", ["JT"]),
        ("Figures passed to KM for the report.", ["KM"]),
        ("Principal Social Worker (SM) to draft it.", ["SM"]),
        ("JC/HL to agree the terms.", ["JC", "HL"]),
        ("Draft circulated, cc JT.", ["JT"]),
        ("LK, DW and TB to meet the providers.", ["LK", "DW", "TB"]),
        ("YT's report was noted.", ["YT"]),
        ("Apologies: PW, SJ, CAMHS representative.", ["PW", "SJ"]),
        ("Owner: RW. Due: end of Q2.", ["RW"]),
        ("Agreed w/ NC: escalate.", ["NC"]),
        ("Notes (KM) circulated after the meeting.", ["KM"]),
        ("JRT confirmed the placement had ended.", ["JRT"]),
    ],
)
def test_initials_in_every_position(text, initials):
    assert [d.text for d in detect(text) if d.kind == "initials"] == initials


@pytest.mark.parametrize(
    "text",
    [
        "Refer to MASH and to the LADO; ask CAMHS.",
        "Sent to SCC and the GP; passed to QA.",
        "Child LH was seen; Family AB moved.",
        "Sgt Boateng/PC Lowry to review CCTV.",
        "The CSE and CCE leads met with DSL colleagues.",
    ],
)
def test_acronyms_of_services_are_not_initials(text):
    assert [d for d in detect(text) if d.kind == "initials"] == []


def test_known_terms_keep_an_organisation_that_looks_like_a_name():
    assert texts("Yellow Door to report.") == ["Yellow Door"]
    assert detect("Yellow Door to report.", ["Yellow Door"]) == []
    # The words of a known term are vocabulary, but a known term holds no personal data.
    assert texts("Call Kestrel Care on 07700 900123.", ["Kestrel Care"]) == ["07700 900123"]


def test_personal_data_comes_before_a_name_inside_it():
    text = "Write to Jane.Okafor@example.org or to 7 Grace Road."
    assert found(text) == [
        ("Jane.Okafor@example.org", "email"),
        ("7 Grace Road", "address"),
    ]


def test_every_kind_has_its_proposal():
    text = (
        "Jane Okafor (DOB 14/03/2012, aged 11) of 12 Acacia Avenue, NS1 2AB, on 07700 900123, "
        "jane@example.org, NHS 943 476 5919, NI QQ 12 34 56 C."
    )
    assert redact(text, {}) == (
        "[name removed] ([date of birth removed], [age removed]) of [address removed], "
        "[postcode removed], on [phone number removed], [email removed], NHS "
        "[NHS number removed], NI [NI number removed]."
    )
    kinds = [d.kind for d in detect(text)]
    assert kinds == [
        "full_name",
        "date_of_birth",
        "age",
        "address",
        "postcode",
        "phone",
        "email",
        "nhs_number",
        "ni_number",
    ]


def test_a_reviewers_decision_applies_to_any_kind():
    text = "Contact Priya Shah on 07700 900123."
    decisions = {"Priya Shah": "the Head of Housing", "07700 900123": "the duty line"}
    assert redact(text, decisions) == "Contact the Head of Housing on the duty line."


# --- the list of names ------------------------------------------------------------------------


def test_the_list_of_given_names():
    lines = [
        line
        for line in (DATA / "given_names.txt").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    names = [line.split()[0] for line in lines]
    assert len(names) >= 3000
    assert len(names) == len(set(names))
    for line in lines:
        assert set(line.split()[1:]) <= {"word", "place"}, line
    for name in ("Will", "Grace", "Hope", "May", "Mark", "Bill", "Rose", "Jack", "Amber"):
        assert name.lower() in redaction.NAMES.wordlike, name
    for name in ("Priya", "Oluwaseun", "Siobhán", "Łukasz", "Rhiannon", "Mohammed", "Aoife"):
        assert name.lower() in redaction.NAMES.lone, name


# --- second look ------------------------------------------------------------------------------


def _looked(text, known_terms=()):
    return [text[s:e] for s, e in second_look(text, known_terms)]


def test_second_look_shows_capitalised_words_left_standing():
    assert _looked("Jones to chase the school.") == ["Jones"]
    assert _looked("Spoke to Okafor about the plan.") == ["Okafor"]
    assert _looked("Child L was seen by DS Khan and Kerrigan.") == ["Kerrigan"]
    assert _looked("Concerns raised by Will and Amber Okafor-Lowe's team.") == ["Will"]
    assert _looked("The panel heard from UHS and Capita.") == ["UHS", "Capita"]


def test_second_look_leaves_out_what_is_known_or_found():
    text = "Priya Shah met the LADO, MASH and CAMHS at Kestrel Care. Investigation is ongoing."
    assert _looked(text, ["Kestrel Care"]) == []
    assert second_look("") == []
    assert _looked("Bright Futures reported.", ["Bright Futures"]) == []


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = [
    "(" * 1000 + "A" * 1000,
    "0 " * 50_000,
    "a@" * 50_000,
    "a." * 50_000 + "@example.org",
    "Mr " * 30_000,
    "DS " * 30_000,
    ", Jane" * 16_000,
    "JOHN " * 20_000,
    "07700 " * 16_000,
    "12 Acacia " * 10_000,
    "Flat 3, " * 12_000,
    "aged 14 " * 12_000,
    "DOB 1/" * 16_000,
    "QQ 12 " * 16_000,
    "AB, " * 25_000,
    "\u200f\u202e07700 900123\u202c jane@example.org\u00a0NS1\u00a02AB",
    "Ünïcödé 😀 \x00 \ufeff DOB 01/01/2010 \ud800".encode("utf-8", "replace").decode("utf-8"),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_handled_in_linear_time(text):
    started = time.perf_counter()
    found_here = detect(text)
    looked = second_look(text)
    elapsed = time.perf_counter() - started
    for d in found_here:
        assert text[d.start : d.end] == d.text
    for start, end in looked:
        assert 0 <= start < end <= len(text)
    redact(text, {})
    assert elapsed < 5.0  # a pattern that backtracks takes minutes on these, not seconds

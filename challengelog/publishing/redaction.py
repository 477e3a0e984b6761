"""Finding people's names in challenge-log text, so the public copy shows roles, not people.

The detector holds no list of names. It works from the shape of the text and its context:

* titled names: a title (Mr, Mrs, Ms, Dr, Cllr, Prof, Sir, Dame, Rev ...) before capitalised words;
* full names: two or three Title Case words in a row, none of them organisation, role, place,
  topic or common vocabulary, and not the front of an organisation ("... Trust", "... Council");
* initials: two or three capitals standing as a person ("KM to take", "(SM)" after a post,
  "JC/HL", "agreed with TB");
* possessives: one unknown capitalised word before 's and a lowercase word ("Sarah's team").

Vocabulary is generic English plus the caller's ``known_terms`` (the partnership's agency, forum
and raiser names and spellings): a whole known term is never a name, and its words are vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

NAME_REMOVED = "[name removed]"
COUNCILLOR = "[councillor]"


@dataclass(frozen=True)
class Detection:
    text: str  # the name as it appears, e.g. "Cllr Holt", "TB"
    start: int  # offsets in the input string
    end: int
    kind: str  # "titled", "full_name", "initials", "possessive"
    proposal: str  # what to put instead: "[name removed]" (or "[councillor]" for Cllr/Councillor)


# --- character classes ------------------------------------------------------------------------
# Latin letters with their accents (Zoë, Siobhán, Łukasz), built once from the code points.
_LATIN = [chr(c) for c in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250)]]
_UP = "".join(c for c in _LATIN if c.isupper())
_LO = "".join(c for c in _LATIN if c.islower())
U = f"[{re.escape(_UP)}]"
L = f"[{re.escape(_LO)}]"
APOS = "['’]"

# A Title Case word: "Okafor", "McAllister", "O'Neill", "Mary-Jane", "D’Souza", with an optional 's.
_PART = f"{U}{L}+(?:{U}{L}+)?"
NAME_WORD = re.compile(f"(?:[OD]{APOS})?{_PART}(?:-{_PART})*")
_POSSESSIVE_SUFFIX = re.compile(f"(?:{APOS}s|s{APOS})$")

# --- vocabulary (generic English; nothing about any one partnership) -------------------------


def _words(text: str) -> set[str]:
    return set(text.split())


TITLES = {
    "mr": NAME_REMOVED,
    "mrs": NAME_REMOVED,
    "ms": NAME_REMOVED,
    "miss": NAME_REMOVED,
    "mx": NAME_REMOVED,
    "dr": NAME_REMOVED,
    "prof": NAME_REMOVED,
    "professor": NAME_REMOVED,
    "sir": NAME_REMOVED,
    "dame": NAME_REMOVED,
    "lord": NAME_REMOVED,
    "lady": NAME_REMOVED,
    "baroness": NAME_REMOVED,
    "rev": NAME_REMOVED,
    "revd": NAME_REMOVED,
    "reverend": NAME_REMOVED,
    "cllr": COUNCILLOR,
    "councillor": COUNCILLOR,
}

# Words that end an organisation's or document's name: "X Y Trust" is a body, not a person.
ORG_HEADS = _words(
    """
    service services board boards group groups council councils trust trusts team teams unit units
    police constabulary force nhs health care school schools college colleges university academy
    hospital hospitals hospice clinic surgery practice partnership partnerships commission
    committee panel panels forum network association society foundation charity charities centre
    center centres project programme program department directorate authority agency agencies
    company companies limited ltd plc llp cic bureau office court courts tribunal prison
    act acts law bill order orders regulations policy policies strategy strategies plan plans
    framework protocol procedure procedures guidance standards review reviews report reports audit
    audits inspection inspections inquiry enquiry meeting meetings conference conferences workshop
    workshops hub house home homes road street lane avenue estate ward ministry bench alliance
    collaborative consortium federation initiative scheme campaign fund
    """
)

ROLES = _words(
    """
    chair chairs chairman chairperson chairwoman vice deputy assistant interim acting manager
    managers officer officers lead leads director directors head heads worker workers nurse nurses
    doctor doctors midwife midwives paediatrician paediatricians consultant consultants
    commissioner commissioners coordinator co-ordinator administrator advisor adviser advisers
    advocate advocates practitioner practitioners professional professionals member members
    representative representatives rep reps secretary treasurer chief executive executives
    principal senior junior designated named independent lay clerk analyst specialist specialists
    inspector inspectors constable sergeant superintendent detective officer governor governors
    headteacher teacher teachers trainer trainers reviewer reviewers author authors mayor minister
    leader leaders partner partners agent staff colleague colleagues visitor visitors therapist
    psychologist psychiatrist gp gps clinician clinicians surgeon pharmacist pharmacists coroner
    magistrate magistrates judge solicitor barrister counsel tutor mentor volunteer volunteers
    navigator caseworker supervisor supervisors owner deputy
    """
)

PLACES = _words(
    """
    city county borough district region regional area areas national local north south east west
    northern southern eastern western central greater upper lower inner outer new old royal
    saint st island isle isles port bay valley forest heath park cross town village county-wide
    england wales scotland ireland britain british english welsh scottish irish uk europe european
    """
)

TIME = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun spring summer autumn winter
    christmas easter quarter term year years month months week weeks day days today tomorrow
    yesterday annual annually monthly weekly daily
    """
)

# Topic words of safeguarding and public services.
TOPICS = _words(
    """
    children child childrens adults adult family families young youth people person persons
    social education educational safeguarding protection welfare wellbeing mental physical sexual
    emotional domestic violence abuse neglect exploitation trafficking modern slavery missing
    exploited drug drugs alcohol substance misuse recovery housing homeless homelessness
    licensing legal democratic finance financial public private voluntary community communities
    communication communications criminal justice probation rehabilitation offending offender
    offenders youth justice early help emergency planning commissioning commissioned integrated
    quality assurance assured performance data dataset information intelligence
    learning development training workforce practice practices development policy serious case
    incident incidents safety online internet e-safety esafety e-learning elearning risk risks
    assessment assessments threshold thresholds referral referrals contact contacts pathway
    pathways transport coordination specialist sexual clinical governance nursing midwifery
    maternity paediatric paediatrics ambulance fire rescue border transport looked after
    fostering foster adoption adopted virtual elective home special needs disability disabilities
    disabled pupil pupils student students parent parents parenting carer carers infant infants
    baby babies newborn mother mothers father fathers teenager teenagers victim victims witness
    survivors survivor multi multi-agency agency inter-agency single joint targeted area
    strategic operational executive management senior leadership corporate human resources
    supervision continuum need needs appropriate secure custody custodial contraception
    pharmacy pharmacies prevention prevent early years primary secondary further higher
    independent statutory non-statutory thematic core crib sheet flow chart template templates
    deed variation contract contracts premises night time economy budget budgets savings
    transformation phase consultation interpretation translation culture cultural faith
    church churches mosque mosques temple temples synagogue gurdwara sports sport leisure
    licensed licence licences operation operations
    exclusion exclusions attendance absence absences inclusion behaviour behavior
    """
)

# Common English words that begin sentences or headings in minutes.
COMMON = _words(
    """
    a an the this that these those there here it its it's they them their we our us you your he
    she his her him i me my one two three four five six seven eight nine ten first second third
    last next all any some each every both either neither no not none nothing other another
    such same more most less least many much few several own only also very just still yet
    already again further furthermore however therefore thus hence meanwhile moreover although
    though because since while whilst when where which who whom whose what why how if unless
    until after before during following following, about above across against along among around
    at by for from in into of off on onto out over per since through throughout to toward towards
    under underneath up upon via with within without and or but nor so as than then
    is are was were be been being am has have had having do does did done will would shall should
    can could may might must ought
    action actions agreed agree agreement asked ask advised advise confirmed confirm noted note
    notes discussed discuss discussion explained explain suggested suggest requested request
    requests raised raise received receive sent send shared share update updates updated
    completed complete completion ongoing underway pending progress resolved closed open reopened
    challenge challenges challenged concern concerns concerned query queries queried issue issues
    question questions response responses responded feedback letter letters email emails
    minutes agenda item items paper papers document documents draft final summary overview
    proposal proposals proposed propose include included includes including check checked checks
    reviewed review hold held arrange arranged arrangements set sets meet met attend attended
    attending present presented presentation circulate circulated circulation ensure ensured
    seek sought gain gained provide provided provision offer offered offers support supported
    report reported reporting clarify clarified clarity explore explored consider considered
    identify identified highlight highlighted escalate escalated escalation monitor monitored
    monitoring evaluation evaluate evaluated implement implemented implementation develop
    developed deliver delivered delivery improve improved improvement improvements continue
    continued write wrote written follow followed follow-up take taken took give given gave bring
    brought make made look looked find found see seen discuss raise chase chased invite invited
    contacted contacting liaise liaised escalating reassurance reassured successful success
    survey surveys special extraordinary general annual interim initial full formal informal
    verbal written key main lead principal overall current previous recent future latest relevant
    various specific additional extra regular regularly clear unclear good poor high low higher
    lower better worse best worst great small large long short big little significant limited
    important urgent immediate positive negative national local whole partial total yes
    level levels stage stages part parts section sections phase number numbers figures figure
    rate rates cost costs time times date dates deadline deadlines period change changes
    process processes system systems tool tools form forms route routes model models approach
    standard standard's outcome outcomes impact impacts result results finding findings
    evidence example examples case cases cohort cohorts list lists record records file files
    name names role roles post posts job jobs task tasks finish work works working job
    group's board's council's
    welcome thanks thank please note apologies noted present absent attendees chaired
    think keep safe save stay step steps start starting stop better together think
    strong stronger starting well healthy happy headstart start aware awareness
    tower towers block blocks water fire hose cladding sprinklers
    item misc other others miscellaneous any aob
    mr mrs ms dr
    """
)

# Acronyms that stand for services, bodies, roles and topics, never for a person.
ACRONYMS = _words(
    """
    CC CP CS DA DV EH EY FE GP HE HR HV IT LA LD MH NB OK PC DC DS DI QA SW UK US VS YP EU
    ABE ADA ADR AMH AMS ASC ASD BME BTP CAF CAP CCE CCG CCS CDT CEO CFO CFS CIN CID CLA CME CMO
    COO CPC CPS CPD CRB CRC CSC CSE CSF CSP CYP DBS DCI DCS DCS DFE DHR DLO DNA DOH DPA DSL DSO
    DVA DWP EHA EHC EHE EWO FAQ FCO FGM FII GDP GPS HMI HSB ICB ICO ICS ICT ICU IRO ISV JAR LAC
    LAS LCJ LGA LSB MAP MDT MET MHA MOU MSP NEET NFA NHS NPS NSP NTE PCC PCT PDF PHE PRU PPU
    PSW QAF RAG SAB SAR SCC SCR SDQ SEN SLT SMT SPA SPOC SRE TAF TAC UKB VCS VCO YOS YOT YJS
    ACE ACES AIM BCG ESF CDOP CPN SEMH SEND SERAF MASH LADO LSCB LSAB MAPPA MARAC IDVA ISVA CAMHS
    CAFCASS OFSTED JTAI UKBF CAADA DASH CPLO SGO EPU IRS IRH MACE MARM CCTV HIV STI
    """
)


def _lower_set(*groups: set[str]) -> frozenset[str]:
    return frozenset(w.lower() for g in groups for w in g)


VOCAB = _lower_set(ORG_HEADS, ROLES, PLACES, TIME, TOPICS, COMMON, set(TITLES))
ORG_HEADS_L = frozenset(ORG_HEADS)
ARTICLES = frozenset({"the", "a", "an", "our", "their", "its"})

# Place names built with an English place suffix (a word that ends so is a town, not a person,
# when it leads a pair: "Milton Keynes", "Newton Abbot", "Hampshire Police").
PLACE_SUFFIX = re.compile(
    r"(?:shire|shir|hampton|ton|bury|borough|brough|chester|caster|cester|mouth|pool|wich|"
    r"minster|port|stow|stoke|field|bridge|castle|combe|hurst|ington|land|wick|ford|sey|ney|"
    r"ham|wood|by|ley)$"
)
# The suffixes that make the first word of a pair a place ("Milton Keynes", "Luton Airport"):
# given names rarely end so, unlike "-ley", "-by", "-ham", "-ford" (Ashley, Toby, Graham, Clifford).
PLACE_SUFFIX_STRONG = re.compile(
    r"(?:shire|hampton|ton|bury|borough|brough|chester|caster|cester|mouth|pool|wich|minster|"
    r"stow|combe|hurst|port)$"
)

PARTICLES = "van|von|de|der|den|da|di|du|del|della|la|le|bin|ibn|al|el|ter|ten"
_TITLE_ALT = "|".join(sorted((t.capitalize() for t in TITLES), key=len, reverse=True))

# A run of capitalised tokens: words, titles with their dot, single initials with or without a
# dot, joined by spaces (and name particles). One regex finds every run in one pass.
_TOKEN = (
    f"(?:(?:{_TITLE_ALT})\\.(?=[ \\t\\u00a0])|{U}\\.(?=[ \\t\\u00a0]{U})"
    f"|(?:[OD]{APOS})?{U}[\\w'’\\-]*\\w(?:{APOS}s?)?|{U}(?![\\w'’]))"
)
_SEP = f"(?:[ \\t\\u00a0]+(?:(?:{PARTICLES})[ \\t\\u00a0]+){{0,2}})"
RUN = re.compile(f"(?<![\\w'’\\-]){_TOKEN}(?:{_SEP}{_TOKEN})*")
_TOKENS_IN_RUN = re.compile(f"{_TOKEN}")

# Initials standing as a person.
_INI = "[A-Z]{2,3}"
_PERSON_VERBS = (
    "to|will|would|agreed|advised|asked|confirmed|reported|said|noted|explained|suggested|"
    "requested|raised|stated|offered|updated|informed|attended|presented|chaired|circulated|"
    "sent|shared|wrote|emailed|spoke|met|took|gave|fed|queried|challenged|proposed|highlighted|"
    "clarified|has|had|is|was|can|could|should|may|might|must|shall|declared|apologised|"
    "joined|left|leads|led|chairs|visited|contacted|called|phoned|emailed|drafted|summarised"
)
INITIALS_SUBJECT = re.compile(
    f"(?<![\\w/&.'’\\-])({_INI})(?:\\s+(?:and|&)\\s+({_INI}))?(?=\\s+(?:{_PERSON_VERBS})\\b)"
)
INITIALS_AFTER_PREP = re.compile(
    f"\\b(?:with|by|from|cc|via|thanked|thank|ask|asked|contact|contacted|email|emailed|"
    f"inform|informed|invite|invited|chase|chased|per)\\s+({_INI})(?:\\s+(?:and|&)\\s+({_INI}))?"
    f"(?![\\w/&'’\\-])(?!\\s+(?:{U}|[a-z]+\\s+(?:{U}))\\w)"
)
INITIALS_PAREN = re.compile(f"\\(({_INI})\\)")
INITIALS_SLASH = re.compile(f"(?<![\\w/&'’\\-])({_INI})/({_INI})(?:/({_INI}))?(?![\\w/&'’\\-])")


@dataclass(frozen=True)
class _Known:
    words: frozenset[str]
    acronyms: frozenset[str]
    phrases: re.Pattern | None


@lru_cache(maxsize=64)
def _known(terms: tuple[str, ...]) -> _Known:
    words: set[str] = set()
    acronyms: set[str] = set()
    phrases: list[str] = []
    for term in terms:
        term = " ".join(term.split())
        if not term:
            continue
        phrases.append(term)
        for token in term.split(" "):
            bare = token.strip(",.;:()[]")
            if re.fullmatch("[A-Z]{2,}s?", bare) and bare == token:
                acronyms.add(bare.rstrip("s") if bare.endswith("s") and len(bare) > 3 else bare)
            elif NAME_WORD.fullmatch(_POSSESSIVE_SUFFIX.sub("", bare)):
                words.add(_POSSESSIVE_SUFFIX.sub("", bare).lower())
    pattern = None
    if phrases:
        alts = "|".join(
            re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True)
        )
        pattern = re.compile(f"(?<!\\w)(?:{alts})(?!\\w)", re.IGNORECASE)
    return _Known(frozenset(words), frozenset(acronyms), pattern)


def _bare(token: str) -> str:
    return _POSSESSIVE_SUFFIX.sub("", token).rstrip(".")


def _is_vocab(word: str, known: _Known) -> bool:
    low = word.lower()
    if low in VOCAB or low in known.words:
        return True
    if "-" in low:
        return any(part in VOCAB or part in known.words for part in low.split("-"))
    return False


def _initials_of(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’]*", text) if w[0].isupper())


def _run_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []
    for run in RUN.finditer(text):
        tokens = [
            (m.group(), run.start() + m.start()) for m in _TOKENS_IN_RUN.finditer(run.group())
        ]
        before = text[max(0, run.start() - 12) : run.start()].split()
        previous = before[-1].lower() if before else ""
        i = 0
        while i < len(tokens):
            word, start = tokens[i]
            bare = _bare(word)
            title = TITLES.get(bare.lower()) if bare[:1].isupper() else None
            if title and bare[1:].islower() and i + 1 < len(tokens):
                # A title: the following initials and name words, up to three words.
                j, words = i + 1, 0
                end_tok = None
                while j < len(tokens) and words < 3:
                    nxt, _ = tokens[j]
                    nbare = _bare(nxt)
                    if len(nbare) == 1:
                        j += 1
                        continue
                    if (
                        not NAME_WORD.fullmatch(nbare)
                        or nbare.lower() in ORG_HEADS_L | TITLES.keys()
                    ):
                        break
                    if words and (nbare.lower() in VOCAB):
                        break
                    end_tok = j
                    words += 1
                    j += 1
                    if nxt != nbare and not nxt.endswith("."):
                        break  # a possessive ends the name
                if end_tok is not None:
                    last, last_start = tokens[end_tok]
                    end = last_start + len(_bare(last))
                    found.append(Detection(text[start:end], start, end, "titled", title))
                    i = end_tok + 1
                    continue
                i += 1
                continue
            # A segment of consecutive unknown name-shaped words.
            j = i
            while j < len(tokens):
                tb = _bare(tokens[j][0])
                if len(tb) == 1 and j > i and j + 1 < len(tokens):
                    j += 1  # a middle initial
                    continue
                if not NAME_WORD.fullmatch(tb) or _is_vocab(tb, known):
                    break
                if tb.lower() in TITLES:
                    break
                j += 1
                if tokens[j - 1][0] != tb:
                    break  # possessive or trailing dot closes the segment
            while j > i and len(_bare(tokens[j - 1][0])) == 1:
                j -= 1
            if j == i:
                i += 1
                continue
            segment = tokens[i:j]
            first_word = _bare(segment[0][0])
            last_tok, last_start = segment[-1]
            last_bare = _bare(last_tok)
            end = last_start + len(last_bare)
            possessive = last_tok != last_bare and not last_tok.endswith(".")
            follows = _bare(tokens[j][0]).lower() if j < len(tokens) else ""
            prior = _bare(tokens[i - 1][0]).lower() if i > 0 else previous
            n_words = sum(1 for t, _ in segment if len(_bare(t)) > 1)
            org_front = follows in ORG_HEADS_L or follows in known.words
            article = prior in ARTICLES
            placey = bool(PLACE_SUFFIX_STRONG.search(first_word.lower()))
            if 2 <= n_words <= 3 and not org_front and not article and not placey:
                found.append(Detection(text[start:end], start, end, "full_name", NAME_REMOVED))
            elif (
                n_words == 1
                and possessive
                and not follows
                and not article
                and not PLACE_SUFFIX.search(first_word.lower())
                and re.match(r"\s*(?:[a-z]|[,.;:)!?]|$)", text[last_start + len(last_tok) :])
            ):
                found.append(Detection(text[start:end], start, end, "possessive", NAME_REMOVED))
            i = j if j > i else i + 1
    return found


def _initials_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []

    def person(code: str | None) -> bool:
        return bool(code) and code not in ACRONYMS and code not in known.acronyms

    def add(match: re.Match, group: int) -> None:
        if person(match.group(group)):
            s, e = match.span(group)
            found.append(Detection(text[s:e], s, e, "initials", NAME_REMOVED))

    for pattern in (INITIALS_SUBJECT, INITIALS_AFTER_PREP):
        for m in pattern.finditer(text):
            for g in range(1, (pattern.groups or 1) + 1):
                add(m, g)
    for m in INITIALS_SLASH.finditer(text):
        codes = [c for c in m.groups() if c]
        if all(person(c) for c in codes):
            for g in range(1, len(m.groups()) + 1):
                add(m, g)
    for m in INITIALS_PAREN.finditer(text):
        code = m.group(1)
        preceding = text[max(0, m.start() - 80) : m.start()]
        words = _initials_of(preceding)
        if person(code) and not words.endswith(code) and preceding.rstrip()[-1:].isalpha():
            add(m, 1)
    return found


def detect(text: str, known_terms: Iterable[str] = ()) -> list[Detection]:
    """Every person's name found in text, in order, not overlapping."""
    if not text:
        return []
    known = _known(tuple(known_terms))
    candidates = _run_detections(text, known) + _initials_detections(text, known)
    if known.phrases is not None and candidates:
        spans = [m.span() for m in known.phrases.finditer(text)]
        candidates = [
            d for d in candidates if not any(s <= d.start and d.end <= e for s, e in spans)
        ]
    candidates.sort(key=lambda d: (d.start, -(d.end - d.start)))
    result: list[Detection] = []
    for d in candidates:
        if result and d.start < result[-1].end:
            continue
        result.append(d)
    return result


def redact(text: str, replacements: Mapping[str, str], known_terms: Iterable[str] = ()) -> str:
    """text with each detected name replaced: by replacements[name] when the name is in the
    mapping (a reviewer's decision; the value may equal the name itself to keep it), otherwise by
    its proposal. A name nobody reviewed is therefore always removed."""
    pieces: list[str] = []
    position = 0
    for d in detect(text, known_terms):
        pieces.append(text[position : d.start])
        pieces.append(replacements.get(d.text, d.proposal))
        position = d.end
    pieces.append(text[position:])
    return "".join(pieces)

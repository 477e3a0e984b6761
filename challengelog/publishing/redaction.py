"""Finding personal data in challenge-log text, so the public copy shows roles, not people.

What it finds, and the kind each detection carries:

* names with a title or rank ("titled"): Mr, Mrs, Dr (also "Dr.Lee"), Cllr, Prof, Rev ...; police
  ranks, with a collar number or not ("DCI", "DS", "PC 1234", "Sgt", "Insp", "Supt", "Det Supt");
  forms of address ("Nurse", "Sister", "Matron", "Judge", "HHJ", "Fr", "Imam", "Rabbi"). The title
  is part of the detection: a title or rank is how a person is addressed, and alone it still
  points at one person ("DCI [name removed]" would say which DCI);
* full names ("full_name"): two or three Title Case words none of which is vocabulary, not the
  front of an organisation ("... Trust"); a given name with a surname that is also a word
  ("Sarah Young", "Amy Ward", "Will Hope"); "Surname, Given"; capitals ("SURNAME Given");
* a given name alone ("first_name"), from the list of given names in ``data/``, in Title Case
  or in lower case ("jane okafor"), unless the name is also a word or a place;
* a name after a job ("after_role"): "Social Worker Okafor". Only the name is detected, since
  the role is what the public copy should show;
* initials standing as a person ("initials"): "KM to take", "passed to KM", "(SM)", "JC/HL",
  "cc JT", "YT's report", "Apologies: PW, SJ";
* possessives ("possessive"): one unknown capitalised word before 's ("Sarah's team");
* e-mail addresses, UK phone numbers, postcodes, street addresses, dates of birth, ages next to a
  person, NHS numbers (check digit) and National Insurance numbers (see ``personal``).

Vocabulary is generic English plus the caller's ``known_terms`` (the partnership's agency, forum
and raiser names and spellings): a whole known term is never a name, and its words are vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from challengelog.publishing import personal

NAME_REMOVED = "[name removed]"
COUNCILLOR = "[councillor]"
PROPOSALS = {**personal.PROPOSALS}


@dataclass(frozen=True)
class Detection:
    text: str  # as it appears, e.g. "Cllr Holt", "TB", "07700 900123"
    start: int  # offsets in the input string
    end: int
    # "titled", "full_name", "first_name", "after_role", "initials", "possessive", or a kind of
    # personal.PROPOSALS: "email", "phone", "postcode", "address", "date_of_birth", "age",
    # "nhs_number", "ni_number"
    kind: str
    # what to put instead: "[name removed]" ("[councillor]" for Cllr), "[email removed]" ...
    proposal: str


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
CAPS_WORD = re.compile(f"(?:[OD]{APOS})?{U}{{2,}}(?:[-{APOS}]{U}{{2,}})*")
_POSSESSIVE_SUFFIX = re.compile(f"(?:{APOS}s|(?<=s){APOS})$")

# --- vocabulary (generic English; nothing about any one partnership) -------------------------


def _words(text: str) -> set[str]:
    return set(text.split())


# Forms of address and ranks, lower case, with what the public copy shows instead.
TITLES = {
    **dict.fromkeys(
        _words(
            """mr mrs ms miss mx dr prof professor sir dame lord lady baroness rev revd reverend
            canon fr father imam rabbi pastor bishop sheikh sister matron nurse midwife judge hhj
            sgt sergeant insp inspector supt superintendent constable"""
        ),
        NAME_REMOVED,
    ),
    "cllr": COUNCILLOR,
    "councillor": COUNCILLOR,
}
# Ranks written in capitals: a person when a name follows ("DS Khan"), a service otherwise.
RANK_ACRONYMS = frozenset(_words("PC WPC PCSO DC DS DI DCI DSU DCS ACC DCC HHJ DJ"))
# Words that may stand before a title or rank: "Det Supt", "Acting Insp", "District Judge".
RANK_MODIFIERS = (
    "Acting|Temporary|Det\\.?|Detective|Chief|Ch\\.?|Deputy|Assistant|District|Police|"
    "Woman|Her\\s+Honour|His\\s+Honour|Circuit|Senior|Staff"
)
# Titles whose name must not be a vocabulary word ("Nurse Specialist", "PC Training").
STRICT_TITLES = frozenset(
    _words(
        """sister matron nurse midwife judge father bishop pastor canon sergeant inspector constable
    superintendent"""
    )
)

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
    workshops hub hubs house home homes road street lane avenue estate ward wards ministry bench
    alliance collaborative consortium federation initiative scheme campaign fund nursery nurseries
    childcare army aid mission lodge hall station library chapel manor cottage farm institute
    diocese parish club clubs bank wing suite line way close drive crescent gardens grove terrace
    square
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
    navigator caseworker supervisor supervisors owner deputy scrutineer patron
    """
)

# Job words after which a lone unknown capitalised word is a person ("Social Worker Okafor").
ROLE_BEFORE_NAME = frozenset(
    _words(
        """worker visitor manager headteacher teacher officer practitioner coordinator co-ordinator
    advocate therapist psychologist paediatrician consultant caseworker keyworker navigator
    mentor supervisor administrator director governor clinician senco dsl"""
    )
)

PLACES = _words(
    """
    city county borough district region regional area areas national local north south east west
    northern southern eastern western central greater upper lower inner outer new old royal
    saint st island isle isles port bay valley forest heath park cross town village county-wide
    england wales scotland ireland britain british english welsh scottish irish uk europe european
    african caribbean asian arab arabic polish romanian somali kurdish turkish latin american
    chinese vietnamese bengali bangladeshi pakistani indian punjabi urdu gujarati tamil
    portuguese spanish italian french german greek eritrean afghan syrian iraqi iranian sudanese
    nigerian ghanaian jamaican roma gypsy traveller travellers muslim hindu sikh jewish catholic
    anglican methodist baptist orthodox lithuanian ukrainian russian
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
    women men girls boys mothers' sibling siblings relative relatives kinship
    mum mums dad dads nan nana gran granny grandma grandad grandmother grandfather aunt aunty
    auntie uncle cousin liberty deprivation safeguards advice citizens advocacy
    harm harmful hidden parental conflict holiday holidays activity activities relief crisis rape
    traffic light free launch toolkit trauma informed sleep food poverty debt benefit benefits
    employment unemployment knife knives gang gangs weapon weapons cyber digital media
    radicalisation extremism hate suicide self self-harm eating disorder disorders autism dementia
    falls pressure ulcer ulcers medication medicines discharge admission admissions bed beds
    waiting capacity consent respite placement placements residential unregulated unregistered
    supported accommodation tenancy eviction asylum refugee refugees migrant migrants labour
    forced marriage honour female genital mutilation witchcraft spirit possession guardianship
    guardian visits visiting return interview interviews runaway meals uniform taxi taxis driver
    drivers hotel hotels shop shops event events festival camp football swimming gym scouts
    guides cadets tuition tutoring childminder childminders nanny
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
    said says told spoke called rang phoned visited emailed passed referred sent
    mr mrs ms dr
    ring call phone contact visit refer speak ask tell see read
    point points future futures grow growing live lives living turning bright horizon horizons
    journey journeys voice voices connect connections inspire aspire empower thrive flourish
    compass anchor beacon lighthouse haven sunrise harbour first forward
    now lack exec focus briefing message options engagement sector user users analysis crime
    investigation hours authorities vulnerable principle re eg ie etc cannot didn't don't doesn't
    can't won't isn't wasn't hasn't haven't wouldn't couldn't shouldn't
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
    AE ED OT PA PS PT RE HB UC TA HA AP PP FM DJ WPC PCSO DSU ACC DCC HHJ
    AOB TBC TBA FYI ETA KPI SLA ISA PCN NICU SCBU PICU AMHP CMHT IAPT EIP ADHD EHCP SENCO VSH
    DHSC MOJ HMP NCA RSL ASB VRU SIO OIC CSA HBV VAWG DAPO DVPO DVPN CPIS SARC CAB CVS GRT
    UASC NRPF EAL FSM EET CWD LDD CHC DST ELT DMT TOR PEP PLO NRM CSPR LSCP SCP DPH DAS DASS
    ICPC RCPC MCA BIA IMCA IMHA LPA OPG LPS PIP ESA JSA NI NINO SATS GCSE IRA FTE WTE DDSL
    CQC NICE NSPCC OPCC HMIC ILACS SEF SIF EPO CAO NHSE MIND GDPR MISPER CHISVA VCSE SENDCO
    ICON NMC HCPC SWE BASW ADCS ADASS SCIE DOLS RIP ASAP NA NK TK
    """
) - {"TK"}


def _lower_set(*groups: set[str]) -> frozenset[str]:
    return frozenset(w.lower() for g in groups for w in g)


VOCAB = _lower_set(ORG_HEADS, ROLES, PLACES, TIME, TOPICS, COMMON, set(TITLES))
_TIME_WORDS = _lower_set(TIME)
ORG_HEADS_L = frozenset(ORG_HEADS)
ARTICLES = frozenset({"the", "a", "an", "our", "their", "its"})
PLACE_PREPOSITIONS = frozenset({"at", "in", "on", "onto", "into", "within", "near", "the", "a"})
# A capitalised word after one of these is a code name or a place, not a person:
# "Operation Jasmine", "Project Phoenix", "St Mary", "Princess Royal", "Lake Victoria".
NOT_BEFORE_A_NAME = frozenset(
    _words(
        """operation op project programme princess prince queen king duke duchess saint st lake
    mount port fort royal hmp hms rainbow"""
    )
)

# Place names built with an English place suffix (a word that ends so is a town, not a person,
# when it leads a pair: "Milton Keynes", "Newton Abbot", "Hampshire Police").
PLACE_SUFFIX = re.compile(
    r"(?:shire|shir|hampton|ton|bury|borough|brough|chester|caster|cester|mouth|pool|wich|"
    r"minster|port|stow|stoke|field|bridge|castle|combe|hurst|ington|land|wick|ford|sey|ney|"
    r"ham|wood|by|ley|leigh|gate|dale|moor|mere|ridge|stead|thorpe|worth|well)$"
)
# The suffixes that make the first word of a pair a place ("Milton Keynes", "Luton Airport"):
# given names rarely end so, unlike "-ley", "-by", "-ham", "-ford" (Ashley, Toby, Graham, Clifford).
PLACE_SUFFIX_STRONG = re.compile(
    r"(?:shire|hampton|ton|bury|borough|brough|chester|caster|cester|mouth|pool|wich|minster|"
    r"stow|combe|hurst|port)$"
)

# --- given names and word surnames (data files) -----------------------------------------------


@dataclass(frozen=True)
class _Names:
    given: frozenset[str]  # lower case
    wordlike: frozenset[str]  # also common English words: "will", "grace", "amber"
    placelike: frozenset[str]  # also places: "florence", "shirley", "devon"
    lone: frozenset[str]  # may be taken for a name alone: given, neither wordlike nor placelike
    surnames_that_are_words: frozenset[str]


def _load_names() -> _Names:
    data = files("challengelog.publishing").joinpath("data")
    given, wordlike, placelike = set(), set(), set()
    for line in data.joinpath("given_names.txt").read_text("utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        name = parts[0].lower()
        given.add(name)
        if "word" in parts[1:] or name in VOCAB:
            wordlike.add(name)
        if "place" in parts[1:]:
            placelike.add(name)
    surnames = {
        line.strip().lower()
        for line in data.joinpath("word_surnames.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    lone = given - wordlike - placelike
    return _Names(
        frozenset(given),
        frozenset(wordlike),
        frozenset(placelike),
        frozenset(lone),
        frozenset(surnames),
    )


NAMES = _load_names()

# --- patterns ---------------------------------------------------------------------------------

PARTICLES = "van|von|de|der|den|da|di|du|del|della|la|le|bin|ibn|al|el|ter|ten|ó|ní|mac|ap"
_TITLE_FORMS = "|".join(
    sorted(
        {t.capitalize() for t in TITLES}
        | {t.upper() for t in TITLES if len(t) <= 4}
        | set(RANK_ACRONYMS),
        key=len,
        reverse=True,
    )
)

# A title or rank, with what may stand before it and after it ("Det Supt", "Revd Canon",
# "PC 1234", "Dr.Lee"); the name words after it are read one by one.
TITLED = re.compile(
    f"(?=[A-Z])(?<![\\w'’\\-.])(?:(?:{RANK_MODIFIERS})\\s+){{0,2}}"
    f"(?:{_TITLE_FORMS})(?:\\.?\\s+(?:{_TITLE_FORMS}))?"
    f"(?:\\.\\s*|\\s+)(?:\\d{{2,6}}\\s+)?(?={U}|(?:{PARTICLES})\\s+{U})"
)
_AFTER_TITLE = re.compile(
    f"\\s*(?:(?:{PARTICLES})\\s+){{0,2}}"
    f"(?P<tok>{U}\\.(?=\\s)|(?:[OD]{APOS})?{U}[\\w'’\\-]*(?:{APOS}s)?|{U})"
)

# A run of capitalised tokens: words and single initials with or without a dot, joined by spaces
# or no-break spaces (and name particles), not by tabs, which part a table's cells. One regex
# finds every run in one pass. Like the other patterns that scan a whole text it begins with a
# character class and only then looks behind: one that begins with a look-behind is tried at
# every position of the text, several times slower.
_TOKEN_REST = f"(?:\\.(?=[ \\t\\u00a0]{U})|[\\w'’\\-]*\\w(?:{APOS}s?)?|(?![\\w'’]))"
_TOKEN = f"{U}{_TOKEN_REST}"
_SEP = f"(?:[ \\u00a0]+(?:(?:{PARTICLES})[ \\u00a0]+){{0,2}})"
RUN = re.compile(f"{U}(?<![\\w'’\\-.@]{U}){_TOKEN_REST}(?:{_SEP}{_TOKEN})*")
_TOKENS_IN_RUN = re.compile(_TOKEN)
_CAPITALISED = re.compile(r"[A-Z][A-Za-z]*")
_VERB_ENDING = re.compile(r"(?:ed|ing|ly)$")
_NEXT_WORD = re.compile(f"[ \\u00a0]+({U}{L}+)")

# "Okafor, Jane", "SMITHSON, John": a surname, a comma, a given name.
SURNAME_FIRST = re.compile(
    f"({U}(?<![\\w'’\\-.@]{U})[\\w'’\\-]*\\w),[ \\t]+({U}{L}+(?:-{U}{L}+)?)(?![\\w'’\\-@])"
)
# A lower-case word (names written in lower case in notes: "spoke to jane okafor").
LOWER_WORD = re.compile(f"{L}(?<![\\w'’\\-.@]{L})[{re.escape(_LO)}'’\\-]*(?![\\w@]|\\.\\w)")

_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\r•*–—]|\s-)[\s\"'“‘(\[]*$")

# Verbs after which a word-like given name at the start of a sentence is a person ("Grace agreed").
REPORTING = re.compile(
    r"\s+(?:has\s+|had\s+|have\s+)?(?:agreed|confirmed|reported|said|advised|asked|explained|"
    r"stated|noted|requested|raised|chased|emailed|updated|informed|attended|presented|chaired|"
    r"offered|suggested|queried|challenged|highlighted|clarified|proposed|summarised|thanked|"
    r"welcomed|spoke|wrote|circulated|shared|contacted|visited|phoned|rang|will\s+\w+|to\s+"
    r"(?:chase|contact|circulate|share|send|write|attend|provide|confirm|update|review|lead|"
    r"draft|speak|ask|arrange|meet|check|follow|liaise|present|report|email|raise))\b"
)
# Words before which a word-like given name mid-sentence is a person ("thanks to Holly").
PERSON_BEFORE = frozenset(
    _words(
        """to with from by cc thanks thank asked ask contact contacted emailed email informed inform
    invite invited chase chased per via told tell spoke called rang phoned met"""
    )
)

# Initials standing as a person.
_INI = "[A-Z]{2,3}"
_PERSON_VERBS = (
    "to|will|would|agreed|advised|asked|confirmed|reported|said|noted|explained|suggested|"
    "requested|raised|stated|offered|updated|informed|attended|presented|chaired|circulated|"
    "sent|shared|wrote|emailed|spoke|met|took|gave|fed|queried|challenged|proposed|highlighted|"
    "clarified|has|had|is|was|can|could|should|may|might|must|shall|declared|apologised|"
    "joined|left|leads|led|chairs|visited|contacted|called|phoned|emailed|drafted|summarised|"
    "chased|passed|rang|completed|reviewed|received|thanked|welcomed|needs|wants|and\\s+the"
)
INITIALS_SUBJECT = re.compile(
    f"(?<![\\w/&.'’\\-])({_INI})((?:\\s*(?:,|and|&)\\s*{_INI}){{0,4}})"
    f"(?=\\s+(?:{_PERSON_VERBS})\\b)"
)
_INITIALS_IN = re.compile(_INI)
INITIALS_AFTER_PREP = re.compile(
    f"(?i:\\b(?:with|by|from|cc|via|thanked|thank|ask|asked|contact|contacted|email|emailed|"
    f"inform|informed|invite|invited|chase|chased|per|w/))\\s+({_INI})"
    f"(?:\\s+(?:and|&)\\s+({_INI}))?"
    f"(?![\\w/&'’\\-])(?!\\s+(?:{U}|[a-z]+\\s+(?:{U}))\\w)"
)
# "passed to KM": after "to", only a pair of capitals ("refer to MASH" names a service).
INITIALS_AFTER_TO = re.compile(
    f"\\b(?:to|To)\\s+([A-Z]{{2}})(?:\\s+(?:and|&)\\s+([A-Z]{{2}}))?(?![\\w/&'’\\-])"
    f"(?!\\s+(?:{U}|[a-z]+\\s+(?:{U}))\\w)"
)
INITIALS_PAREN = re.compile(f"\\(({_INI})\\)")
INITIALS_SLASH = re.compile(f"(?<![\\w/&'’\\-])({_INI})/({_INI})(?:/({_INI}))?(?![\\w/&'’\\-])")
INITIALS_POSSESSIVE = re.compile(f"(?<![\\w/&.'’\\-])({_INI})(?={APOS}s\\b)")
# A list after a heading word: "Apologies: PW, SJ", "Owner: RW", "cc JT, HL".
INITIALS_LIST = re.compile(
    r"(?i:\b(?:apologies|present|attendees|attending|in attendance|attendance|cc|copy to|"
    r"circulation|action|actions|owner|owners|lead|leads|by|who|responsible|done|minutes)\b)"
    r"\s*:?\s*(?P<list>[^.\n;:]{0,160})"
)
_LIST_ITEM = re.compile(
    f"(?:^|(?<=[,/&(]))\\s*({_INI})\\s*(?=[,/&)]|$|\\s+and\\b)|\\band\\s+({_INI})\\s*$"
)
# Before these words capitals are an anonymised reference ("Child LH"), not initials.
ANONYMISED = re.compile(
    r"(?i:\b(?:child|children|family|adult|baby|sibling|mother|father|case|review|person|"
    r"young person|mr|mrs|ms|miss|patient|resident))\s+$"
)

_WORD_IN_TEXT = re.compile(f"{U}[\\w'’\\-]*")


@dataclass(frozen=True)
class _Known:
    words: frozenset[str]
    acronyms: frozenset[str]
    phrases: re.Pattern | None
    vocabulary: frozenset[str]  # VOCAB and the known terms' words
    blob: str  # the known terms in lower case, one a line: a quick test before the pattern


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
    blob = "\n".join(" ".join(p.split()).lower() for p in phrases)
    return _Known(frozenset(words), frozenset(acronyms), pattern, VOCAB | words, blob)


def _bare(token: str) -> str:
    if token[-1] in "s'’":
        token = _POSSESSIVE_SUFFIX.sub("", token)
    return token.rstrip(".") if token[-1:] == "." else token


def _is_vocab(word: str, known: _Known) -> bool:
    low = word.lower()
    if low in VOCAB or low in known.words:
        return True
    if "-" in low:
        parts = low.split("-")
        if all(part in NAMES.given for part in parts):
            return False  # "Ellie-May", "Mary-Jane"
        return any(part in VOCAB or part in known.words for part in parts)
    return False


def _is_caps_name(word: str, known: _Known) -> bool:
    """A word in capitals that may be a surname ("SMITHSON"), not an acronym or vocabulary."""
    return (
        len(word) > 1
        and bool(CAPS_WORD.fullmatch(word))
        and word not in ACRONYMS
        and word not in known.acronyms
        and not _is_vocab(word, known)
    )


def _given(word: str) -> bool:
    return (word.istitle() or word.isupper()) and word.lower() in NAMES.given


def _at_sentence_start(text: str, position: int) -> bool:
    return bool(_SENTENCE_END.search(text, max(0, position - 6), position))


def _initials_of(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’]*", text) if w[0].isupper())


# A title or rank is in every titled name (a modifier such as "Det" comes with one).
_TITLE_WORDS = frozenset(
    {t.capitalize() for t in TITLES} | {t.upper() for t in TITLES} | RANK_ACRONYMS
)
_COMMA_CAPITAL = re.compile(f",[ \\t]+({U}{L}+)")


def _titled_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []
    if _TITLE_WORDS.isdisjoint(_CAPITALISED.findall(text)):
        return found
    for m in TITLED.finditer(text):
        head = m.group().split()
        title = re.sub(r"[\d.]", "", head[-1] if head[-1][:1].isalpha() else head[-2]).lower()
        if title not in TITLES and title.upper() not in RANK_ACRONYMS:
            title = next((w.strip(".").lower() for w in head if w.strip(".").lower() in TITLES), "")
        strict = title.upper() in RANK_ACRONYMS or title in STRICT_TITLES
        proposal = TITLES.get(title, NAME_REMOVED)
        position, words, end, previous_given = m.end(), 0, None, False
        while words < 3:
            t = _AFTER_TITLE.match(text, position)
            if not t:
                break
            token = t.group("tok")
            bare = _bare(token)
            if len(bare) == 1:  # an initial: "Mr J. Thackeray", but "Mr A" alone is anonymised
                position = t.end()
                continue
            low = bare.lower()
            name_shaped = bool(NAME_WORD.fullmatch(bare)) or _is_caps_name(bare, known)
            if not name_shaped or low in TITLES or bare in RANK_ACRONYMS:
                break
            surname_word = low in NAMES.surnames_that_are_words
            if low in ORG_HEADS_L and not surname_word:
                break
            if _is_vocab(bare, known) and not surname_word and (words or strict):
                break
            if words and low in ORG_HEADS_L and not previous_given:
                break
            end = t.start("tok") + len(bare)
            words += 1
            previous_given = low in NAMES.given
            position = t.end()
            if token != bare and not token.endswith("."):
                break  # a possessive ends the name
        if (
            end is not None
            and words == 1
            and re.match(r"\s+\d", text[end : end + 3])
            and text[m.end() : end].lower() in ORG_HEADS_L
        ):
            end = None  # "Sister Ward 4", a ward, not a person
        after = _NEXT_WORD.match(text, end) if end is not None else None
        if after and after.group(1).lower() in ORG_HEADS_L:
            end = None  # "Sir John Cass School", a body named after a person
        if end is not None:
            found.append(Detection(text[m.start() : end], m.start(), end, "titled", proposal))
    return found


def _surname_first_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []
    if "," not in text or not any(g.lower() in NAMES.given for g in _COMMA_CAPITAL.findall(text)):
        return found
    for m in SURNAME_FIRST.finditer(text):
        surname, given = m.group(1), m.group(2)
        low = given.lower()
        if low not in NAMES.given or low in NAMES.placelike or given.lower() in known.words:
            continue
        caps = _is_caps_name(surname, known)
        if not caps:
            if not NAME_WORD.fullmatch(surname) or surname.lower() in known.words:
                continue
            if _is_vocab(surname, known) and surname.lower() not in NAMES.surnames_that_are_words:
                continue
            if PLACE_SUFFIX.search(surname.lower()) or surname.lower() in NAMES.placelike:
                continue
            if low in NAMES.wordlike:
                continue
        if surname.lower() in NAMES.given and not caps:
            # "Sarah, Tom and Priya" is a list of people; "Ahmed, Yasmin" alone is one person.
            before = text[max(0, m.start() - 3) : m.start()]
            after = text[m.end() : m.end() + 2]
            if not (
                re.search(r"(?:^|[:;(\n])\s*$", before) and re.match(r"\s*(?:[;)\n.]|$)", after)
            ):
                continue
        found.append(Detection(m.group(), m.start(), m.end(), "full_name", NAME_REMOVED))
    return found


def _lower_case_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []
    if NAMES.lone.isdisjoint(LOWER_WORD.findall(text)):
        return found
    words = list(LOWER_WORD.finditer(text))
    skip_until = -1
    for index, m in enumerate(words):
        if m.start() < skip_until:
            continue
        word = m.group()
        if word not in NAMES.lone or word in known.words:
            continue
        end = m.end()
        if index + 1 < len(words):
            nxt = words[index + 1]
            between = text[m.end() : nxt.start()]
            candidate = nxt.group()
            if (
                between in (" ", "\u00a0")
                and candidate not in VOCAB
                and candidate not in NAMES.wordlike
                and len(candidate) > 1
                and not _is_vocab(candidate, known)
            ):
                end = nxt.end()
                skip_until = end
        found.append(
            Detection(
                text[m.start() : end],
                m.start(),
                end,
                "first_name" if end == m.end() else "full_name",
                NAME_REMOVED,
            )
        )
    return found


@dataclass
class _Segment:
    """Consecutive capitalised tokens of a run that may be one name, with their surroundings."""

    text: str
    tokens: list[tuple[str, int]]  # the run's tokens and their offsets
    bares: list[str]  # the tokens without a possessive 's or a trailing dot
    i: int  # the segment is tokens[i:j]
    j: int
    prior: str  # the word before it, lower case
    lead_given: bool  # it begins with a given name that is also a word ("Will Hope")

    @property
    def start(self) -> int:
        return self.tokens[self.i][1]

    @property
    def end(self) -> int:
        return self.tokens[self.j - 1][1] + len(self.bares[self.j - 1])

    @property
    def possessive(self) -> bool:
        last = self.tokens[self.j - 1][0]
        return last != self.bares[self.j - 1] and not last.endswith(".")

    @property
    def follows(self) -> str:
        return self.bares[self.j] if self.j < len(self.tokens) else ""

    @property
    def words(self) -> int:
        return sum(1 for b in self.bares[self.i : self.j] if len(b) > 1)


def _run_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []
    for run in RUN.finditer(text):
        tokens = [
            (m.group(), run.start() + m.start()) for m in _TOKENS_IN_RUN.finditer(run.group())
        ]
        if not any(_may_matter(word, known) for word, _ in tokens):
            continue
        before = text[max(0, run.start() - 12) : run.start()].split()
        previous = before[-1].lower().strip(",;:()") if before else ""
        bares = [_bare(word) for word, _ in tokens]
        if (
            len(tokens) == 1
            and previous not in ROLE_BEFORE_NAME
            and tokens[0][0] == bares[0]
            and bares[0].lower() not in NAMES.given
        ):
            continue  # one unknown word, neither a given name nor a possessive
        i = 0
        while i < len(tokens):
            prior = bares[i - 1].lower() if i > 0 else previous
            end = _capitals_pair_end(tokens, bares, i, known)
            if end is not None:
                start = tokens[i][1]
                found.append(Detection(text[start:end], start, end, "full_name", NAME_REMOVED))
                i += 2
                continue
            low = bares[i].lower()
            if low not in NAMES.given and _VERB_ENDING.search(low):
                i += 1  # a verb or adverb in Title Case begins no name: "Rated Amber"
                continue
            j, lead_given = _segment_end(tokens, bares, i, known)
            if j == i:
                i += 1
                continue
            segment = _Segment(text, tokens, bares, i, j, prior, lead_given)
            if segment.words > 1:
                kind = _names_kind(segment, known)
            else:
                kind = None if lead_given else _single_word_kind(segment, known)
            if kind:
                start, end = segment.start, segment.end
                found.append(Detection(text[start:end], start, end, kind, NAME_REMOVED))
            i = j
    return found


def _capitals_pair_end(
    tokens: list[tuple[str, int]], bares: list[str], i: int, known: _Known
) -> int | None:
    """Where a name in capitals beside a given name ends: "John SMITHSON", "SMITHSON John",
    "JOHN SMITHSON"; None if tokens[i] begins none."""
    if i + 1 >= len(tokens) or not (tokens[i][0].isupper() or tokens[i + 1][0].isupper()):
        return None
    this, nxt = bares[i], bares[i + 1]
    low = this.lower()
    pair = (
        (_given(this) and low not in NAMES.placelike and _is_caps_name(nxt, known))
        or (_is_caps_name(this, known) and nxt.istitle() and _given(nxt))
        or (
            this.isupper()
            and _given(this)
            and low not in NAMES.wordlike
            and _is_caps_name(nxt, known)
        )
    )
    if pair and (this.isupper() or nxt.isupper()):
        return tokens[i + 1][1] + len(nxt)
    return None


def _segment_end(
    tokens: list[tuple[str, int]], bares: list[str], i: int, known: _Known
) -> tuple[int, bool]:
    """The end of the name words that begin at tokens[i], and whether they begin with a given
    name that is also a word ("Will Hope")."""
    j = i
    lead_given = False
    while j < len(tokens):
        word = bares[j]
        low = word.lower()
        if len(word) == 1 and j > i and j + 1 < len(tokens):
            j += 1  # a middle initial
            continue
        if not NAME_WORD.fullmatch(word) or low in TITLES:
            break
        if _is_vocab(word, known) or (j == i and low in known.words):
            if j == i and _begins_a_name(bares, j, known):
                lead_given = True
            elif not (
                j > i
                and low in NAMES.surnames_that_are_words
                and bares[j - 1].lower() in NAMES.given
            ):
                break  # ... unless a surname that is a word follows a given name: "Amy Ward"
        j += 1
        if tokens[j - 1][0] != word:
            break  # a possessive or a trailing dot closes the name
    while j > i and len(bares[j - 1]) == 1:
        j -= 1
    return j, lead_given


def _begins_a_name(bares: list[str], j: int, known: _Known) -> bool:
    """Whether a given name that is also a word ("Will", "May", "Bill") begins a name here:
    only with a surname after it ("Will Hope", "May Chen")."""
    low = bares[j].lower()
    if low not in NAMES.given or low in NAMES.placelike or j + 1 >= len(bares):
        return False
    nxt = bares[j + 1]
    return (
        bool(NAME_WORD.fullmatch(nxt))
        and (not _is_vocab(nxt, known) or nxt.lower() in NAMES.surnames_that_are_words)
        and not PLACE_SUFFIX_STRONG.search(nxt.lower())
    )


def _names_kind(segment: _Segment, known: _Known) -> str | None:
    """The kind of a segment of two words or more: a full name, or nothing."""
    first = segment.bares[segment.i].lower()
    last = segment.bares[segment.j - 1].lower()
    if (
        segment.words > 3
        or segment.prior in ARTICLES
        or PLACE_SUFFIX_STRONG.search(first)
        or (
            _fronts_an_organisation(segment.bares, segment.j, known)
            and not segment.possessive  # "Tomasz Nowak's NHS number"
        )
    ):
        return None
    if first in NAMES.placelike and (last in ORG_HEADS_L or last in PLACES):
        return None  # "Victoria Park", "Florence Ward"
    if _is_vocab(last, known):
        # A surname that is also a word: not in a heading in Title Case ("May Young People's
        # Forum"), before "of" or a year ("Sarah Head of Service", "Grace March 2016"), nor a
        # place after a preposition ("on Amy Ward" is a ward).
        text, end = segment.text, segment.end
        if segment.follows and _is_vocab(segment.follows, known):
            return None
        if re.match(r"\s*(?:of\b|\d)", text[end : end + 4]):
            return None
        if (last in ORG_HEADS_L or last in PLACES) and segment.prior in PLACE_PREPOSITIONS:
            return None
    return "full_name"


def _fronts_an_organisation(bares: list[str], j: int, known: _Known) -> bool:
    """Whether the words from bares[j] on end an organisation's name: "Trust", or vocabulary
    then a head word ("Elm Tree Primary School", "Oak Hill Community Trust")."""
    for word in bares[j : j + 4]:
        low = word.lower()
        if low in ORG_HEADS_L or low in known.words:
            return True
        if low not in known.vocabulary:
            return False
    return False


def _may_matter(word: str, known: _Known) -> bool:
    """Whether a token of a run could be part of a name: worth the rules' time."""
    if len(word) < 2:
        return False
    low = word.lower()
    if low not in known.vocabulary or low in NAMES.given or word[-1] in "s'’":
        return True
    return word.isupper() and word not in ACRONYMS and word not in known.acronyms


def _single_word_kind(segment: _Segment, known: _Known) -> str | None:
    """The kind of a one-word segment: a possessive ("Sarah's"), a name after a job ("Social
    Worker Okafor"), a given name alone, or nothing."""
    word = segment.bares[segment.i]
    low = word.lower()
    prior = segment.prior
    if (
        segment.follows
        or prior in ARTICLES
        or prior in NOT_BEFORE_A_NAME
        or _fronts_an_organisation(segment.bares, segment.j, known)
    ):
        return None
    token, token_start = segment.tokens[segment.i]
    rest = segment.text[token_start + len(token) :]
    if segment.possessive:
        if not PLACE_SUFFIX.search(low) and re.match(r"\s*(?:[a-z]|[,.;:)!?]|$)", rest):
            return "possessive"
        return None
    vocab = _is_vocab(word, known)
    placelike = low in NAMES.placelike or bool(PLACE_SUFFIX.search(low))
    if prior in ROLE_BEFORE_NAME and not vocab and not placelike:
        return "after_role"
    if low in NAMES.lone and low not in known.words:
        return "first_name"
    if low in NAMES.wordlike and low in NAMES.given and not vocab and low not in NAMES.placelike:
        # A given name that is also a word ("Grace", "Holly"): a person when a reporting verb
        # follows, or mid-sentence after "to", "with", "thanks" ...
        if REPORTING.match(rest):
            return "first_name"
        if prior in PERSON_BEFORE and not _at_sentence_start(segment.text, segment.start):
            return "first_name"
    return None


_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z]{2,3}(?![A-Za-z])")


def _initials_detections(text: str, known: _Known) -> list[Detection]:
    found: list[Detection] = []
    if all(c in ACRONYMS or c in known.acronyms for c in _CAPITALS.findall(text)):
        return found  # no pair or triple of capitals that could be a person's

    def person(code: str | None, start: int) -> bool:
        return (
            bool(code)
            and code not in ACRONYMS
            and code not in known.acronyms
            and not ANONYMISED.search(text, max(0, start - 16), start)
        )

    def add_span(s: int, e: int) -> None:
        if person(text[s:e], s):
            found.append(Detection(text[s:e], s, e, "initials", NAME_REMOVED))

    def add(match: re.Match, group: int) -> None:
        if match.group(group):
            add_span(*match.span(group))

    for m in INITIALS_SUBJECT.finditer(text):
        add(m, 1)
        offset = m.start(2)
        for extra in _INITIALS_IN.finditer(m.group(2)):
            add_span(offset + extra.start(), offset + extra.end())
    for pattern in (INITIALS_AFTER_PREP, INITIALS_AFTER_TO):
        for m in pattern.finditer(text):
            for g in range(1, (pattern.groups or 1) + 1):
                add(m, g)
    for m in INITIALS_POSSESSIVE.finditer(text):
        add(m, 1)
    for m in INITIALS_SLASH.finditer(text):
        codes = [c for c in m.groups() if c]
        if all(person(c, m.start()) for c in codes):
            for g in range(1, len(m.groups()) + 1):
                add(m, g)
    for m in INITIALS_PAREN.finditer(text):
        code = m.group(1)
        preceding = text[max(0, m.start() - 80) : m.start()]
        words = _initials_of(preceding)
        if not words.endswith(code) and preceding.rstrip()[-1:].isalpha():
            add(m, 1)
    if ":" in text or "cc" in text.lower() or "by" in text:
        for m in INITIALS_LIST.finditer(text):
            offset = m.start("list")
            for item in _LIST_ITEM.finditer(m.group("list")):
                g = 1 if item.group(1) else 2
                add_span(offset + item.start(g), offset + item.end(g))
    return found


def _resolve(candidates: list[Detection]) -> list[Detection]:
    candidates.sort(key=lambda d: (d.start, -(d.end - d.start)))
    result: list[Detection] = []
    for d in candidates:
        if result and d.start < result[-1].end:
            continue
        result.append(d)
    return result


def detect(text: str, known_terms: Iterable[str] = ()) -> list[Detection]:
    """Every piece of personal data found in text, in order, not overlapping."""
    if not text:
        return []
    known = _known(tuple(known_terms))
    spans = personal.find(text, VOCAB)
    names = (
        _titled_detections(text, known)
        + _run_detections(text, known)
        + _surname_first_detections(text, known)
        + _lower_case_detections(text, known)
        + _initials_detections(text, known)
    )
    if names:
        kept = []
        if any(d.text.split()[0].lower().rstrip("'’s") in _NATIONAL_WORDS for d in names):
            kept += [m.span() for m in NATIONAL_BODIES.finditer(text)]
        if known.phrases is not None and any(d.text.lower() in known.blob for d in names):
            kept += [m.span() for m in known.phrases.finditer(text)]
        if kept:
            keep = personal.Spans(kept)
            names = [d for d in names if not keep.contains(d.start, d.end)]
    if spans:
        taken = personal.Spans((s, e) for s, e, _ in spans)
        names = [d for d in names if not taken.overlaps(d.start, d.end)]
    names = _resolve(names)
    spans += personal.ages(text, [(d.start, d.end) for d in names] + _person_references(text))
    others = [Detection(text[s:e], s, e, kind, PROPOSALS[kind]) for s, e, kind in spans]
    if not others:
        return names
    return _resolve(_resolve(others) + names)


# National bodies named after people, kept whatever a partnership's lists hold.
NATIONAL_BODIES = re.compile(
    r"\b(?:Dr\.?\s+)?Barnardo(?:['’]?s)?|\bGuy['’]s\s+and\s+St\.?\s+Thomas['’]?|\bAlder\s+Hey|"
    r"\bGreat\s+Ormond\s+Street|\bKarma\s+Nirvana|\bComic\s+Relief|\bSue\s+Ryder|\bMarie\s+Curie|\bLeonard\s+Cheshire|"
    r"\bLucy\s+Faithfull|\bJoseph\s+Rowntree|\bAnthony\s+Nolan|\bRonald\s+McDonald|"
    r"\bMary\s+Seacole|\bFlorence\s+Nightingale|\bMacmillan|\bPeabody|\bCalvert\s+Trust"
)

_NATIONAL_WORDS = frozenset(
    _words(
        """dr barnardo sue marie leonard lucy joseph anthony ronald mary florence macmillan
    peabody calvert guy alder great karma comic"""
    )
)

_PERSON_REFERENCE = re.compile(r"\b(?:Child|Adult|Baby|Sibling|Mr|Mrs|Ms|Miss)\s+[A-Z]\b")


def _person_references(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PERSON_REFERENCE.finditer(text)]


def redact(text: str, replacements: Mapping[str, str], known_terms: Iterable[str] = ()) -> str:
    """text with each detection replaced: by replacements[text] when the detected text is in the
    mapping (a reviewer's decision; the value may equal the text itself to keep it), otherwise by
    its proposal. Anything nobody reviewed is therefore always removed."""
    pieces: list[str] = []
    position = 0
    for d in detect(text, known_terms):
        pieces.append(text[position : d.start])
        pieces.append(replacements.get(d.text, d.proposal))
        position = d.end
    pieces.append(text[position:])
    return "".join(pieces)


def second_look(text: str, known_terms: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Spans of capitalised words the detector left standing that a reviewer should look at
    again: not vocabulary, not a known term, not an acronym of a service, not inside a detection,
    and not at the start of a sentence unless the word is unknown there too (a given name, or
    a word without an English ending). Adjacent words make one span."""
    if not text:
        return []
    known = _known(tuple(known_terms))
    found = [(d.start, d.end) for d in detect(text, known_terms)]
    if known.phrases is not None:
        found += [m.span() for m in known.phrases.finditer(text)]
    taken = personal.Spans(found)
    spans: list[tuple[int, int]] = []
    for m in _WORD_IN_TEXT.finditer(text):
        start = m.start()
        word = _bare(m.group())
        if len(word) < 2 or not word.isalpha() or taken.overlaps(start, start + 1):
            continue
        if not _worth_a_look(word, _at_sentence_start(text, start), known):
            continue
        end = start + len(word)
        if spans and re.fullmatch(r"[ \t\u00a0]+", text[spans[-1][1] : start]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _worth_a_look(word: str, sentence_start: bool, known: _Known) -> bool:
    low = word.lower()
    acronym = word.upper()
    if acronym.endswith("S") and word[-1] == "s":
        acronym = acronym[:-1]  # "CYPs", "LSCBs"
    if acronym in ACRONYMS or acronym in known.acronyms:
        return False  # also "Mash", "Lscb"
    if word.isupper() or (sum(c.isupper() for c in word) > 1 and len(word) <= 4):
        # Initials a rule did not take ("UHS") are worth a look; a longer acronym or "DfE" not.
        return len(word) <= 3 or low in NAMES.given
    if low in NAMES.placelike or PLACE_SUFFIX_STRONG.search(low):
        return False
    if _is_vocab(word, known):
        # "by Will and ...": a given name that is also a word, capitalised mid-sentence.
        return low in NAMES.given and low not in _TIME_WORDS and not sentence_start
    return not (sentence_start and low not in NAMES.given and _ENGLISH_ENDING.search(low))


# Endings of English words rather than of names: at the start of a sentence a capitalised
# word so ending is read as a word ("Discrepancies", "Investigation").
_ENGLISH_ENDING = re.compile(
    r"(?:ing|ed|ion|ions|ly|ment|ments|ness|ity|ies|ive|ous|able|ible|al|ance|ence|ise|ize|"
    r"ised|ized|ful|less|ship|est|ics|ism|ist|ists|ary|ory|ate|ates)$"
)

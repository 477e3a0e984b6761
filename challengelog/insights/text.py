"""Words of a challenge reduced to the terms a reader would match on.

Shared by the theme rules and the search for recurring concerns. The phrases below are the
vocabulary of safeguarding boards in England (Section 11, the MASH, return interviews, elective
home education), not the names of any one partnership's agencies or meetings.
"""

from __future__ import annotations

import re

# Each phrase becomes one term, so "S11", "Section 11" and "section 11s" are the same thing.
PHRASES: list[tuple[str, str]] = [
    (r"\bs\.?\s?11s?\b|\bsection\s*11s?\b", "section11"),
    (r"\be[- ]?safety\b|\bonline safety\b|\binternet safety\b", "esafety"),
    (r"\b(?:elective )?home[- ]educat\w*|\behe\b", "homeeducation"),
    (r"\bchild(?:ren)? missing (?:from )?education\b|\bmissing from education\b|\bcme\b", "cme"),
    (r"\breturn (?:from missing )?(?:interviews?|visits?)\b|\breturn from missing\b", "returnint"),
    (
        r"\bgo(?:ing)? missing\b|\bmissing (?:young people|children|child|episodes|cyps?)\b"
        r"|\bmissing/absent\b",
        "missingchild",
    ),
    (r"\bchild sexual exploitation\b|\bcse\b|\bsexual exploitation\b", "cse"),
    (r"\bdomestic (?:violence|abuse)\b|\bdva?\b|\bdhrs?\b", "domesticabuse"),
    (r"\bdrugs? (?:and|&) alcohol\b|\bsubstance misuse\b|\bd ?& ?a\b", "substancemisuse"),
    (r"\b(?:child protection|cp) conferences?\b", "cpconference"),
    (r"\bvoluntary (?:sector|services?|organisations?)\b|\bthird sector\b", "voluntarysector"),
    (r"\bjob descriptions?\b", "jobdescription"),
    (r"\bmonitoring (?:and|&) evaluation\b|\bm ?& ?e\b", "mande"),
    (r"\bmental health\b|\bcamhs\b", "mentalhealth"),
    (r"\blooked after child(?:ren)?\b|\blac\b|\bchildren in care\b", "lookedafter"),
    (r"\bserious case reviews?\b|\bscrs?\b", "scr"),
    (r"\bfemale genital mutilation\b|\bfgm\b", "fgm"),
    (r"\bbudgets?\b|\bcuts\b|\bsavings\b|\bfunding\b|\bfunded\b", "budget"),
    (r"\b(?:school|pupil) (?:attendance|absence)\b|\babsence in school\b", "schoolattendance"),
    (r"\bnot attend\w*|\bnon[- ]?attendance\b|\battend\w*|\brepresentation\b", "attend"),
    (r"\bnon[- ]?engage\w*|\bengag\w*|\binvolvement\b|\binvolved\b", "engage"),
    (
        r"\bcommissioning\b|\bcommissioners?\b|\bcommissioned services\b|\bcontracted\b",
        "commissioning",
    ),
    (r"\bsupervision\b|\bsupervisions\b", "supervision"),
    (r"\btraining\b|\btrained\b|\be-?learning\b|\bcourses?\b", "training"),
]
# How a phrase's term is written on a page.
TERM_LABELS = {
    "section11": "Section 11",
    "esafety": "e-safety",
    "homeeducation": "home education",
    "cme": "children missing education",
    "missingchild": "missing children",
    "returnint": "return interviews",
    "cse": "CSE",
    "domesticabuse": "domestic abuse",
    "substancemisuse": "substance misuse",
    "cpconference": "child protection conferences",
    "voluntarysector": "voluntary sector",
    "jobdescription": "job descriptions",
    "mande": "M&E",
    "mentalhealth": "mental health",
    "lookedafter": "looked after children",
    "scr": "serious case reviews",
    "fgm": "FGM",
    "budget": "budgets",
    "attend": "attendance",
    "engage": "engagement",
    "commissioning": "commissioning",
    "supervision": "supervision",
    "schoolattendance": "school attendance",
    "training": "training",
}

_PHRASES = [(re.compile(pattern, re.IGNORECASE), term) for pattern, term in PHRASES]

# Words that every challenge log uses whatever the concern.
_STOPWORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each few for
from further had has have having he her here hers him his how i if in into is it its itself
just me more most my no nor not now of off on once only or other our out over own same she
should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you
your yet via per eg ie etc re regarding around towards within without across among challenge
challenged challenges challenging raised raise query queried concern concerns concerned lack
issue issues whether assurance assured assure seek sought sought request requested asked ask
agreed agree noted note lscb board boards group groups meeting meetings member members
partner partners agency agencies service services team rep reps representative chair
independent need needs ensure ensuring new current currently number numbers level levels
regard regular local authority council city children child young people
safeguarding made make provide provided currently further update updates include included
including question questions asking area longer provision complete completed receive
received report reports feedback response role highlight highlighted recent national
following follow
"""
STOPWORDS = frozenset(_STOPWORDS.split())

_WORD = re.compile(r"[a-z0-9]+")
PHRASE_TERMS = frozenset(term for _pattern, term in PHRASES)


def stem(word: str) -> str:
    """A light suffix stripper: enough to bring "policies"/"policy" and "returns"/"return"
    together without a stemming library."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def phrases(text: str) -> tuple[str, list[str]]:
    """The text with each known phrase replaced by its term, and the terms found."""
    found = []
    for pattern, term in _PHRASES:

        def sub(_match, term=term):
            found.append(term)
            return f" {term} "

        text = pattern.sub(sub, text)
    return text, found


def terms(text: str, *, drop: frozenset[str] = frozenset()) -> list[str]:
    """The text's terms in order: phrases as one term, stop words and ``drop`` left out."""
    text, _ = phrases(text.lower())
    out = []
    for word in _WORD.findall(text):
        if word in PHRASE_TERMS:
            out.append(word)
            continue
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        word = stem(word)
        if word in STOPWORDS or word in drop or word.isdigit():
            continue
        out.append(word)
    return out

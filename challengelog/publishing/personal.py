"""Personal data other than names in challenge-log text: e-mail addresses, UK phone numbers,
postcodes, street addresses, dates of birth, ages, NHS numbers and National Insurance numbers.

Each finder returns ``(start, end, kind)`` spans; ``redaction.detect`` turns them into detections
and gives them precedence over names (an e-mail address holds a name, a street may be named after
a person). Every pattern is bounded, so a hostile field costs time in proportion to its length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate

PROPOSALS = {
    "email": "[email removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
    "address": "[address removed]",
    "date_of_birth": "[date of birth removed]",
    "age": "[age removed]",
    "nhs_number": "[NHS number removed]",
    "ni_number": "[NI number removed]",
}

Span = tuple[int, int, str]


class Spans:
    """Spans of a text, asked whether they overlap or contain a range in logarithmic time (a
    field may hold thousands of detections)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))

    def __bool__(self) -> bool:
        return bool(self.starts)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start

    def contains(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end


# --- e-mail -------------------------------------------------------------------------------------
# Lengths are bounded so that a long word with no "@" near it is given up quickly.
EMAIL = re.compile(
    r"(?<![\w.+'’\-])[\w][\w.+'\-]{0,63}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}"
)

# --- phone numbers ------------------------------------------------------------------------------
# A candidate is a run of digit groups after a UK prefix; which groups belong to the number is
# decided by counting digits, so "07700 900123 12 March" keeps only the number.
PHONE = re.compile(
    r"[+(0](?<![\w+/.,][+(0])(?:(?<=\+)\s?44|(?<=\()0|(?<=0)(?:044)?)"
    r"(?:[ \-.\u00a0]?(?:\(0\)|\(|\))?[ \-.\u00a0]?\d{1,6}){1,6}"
)
_DIGIT_GROUP = re.compile(r"\d+")


def _phone_end(candidate: str) -> int | None:
    """The end offset within candidate of the longest prefix that is a whole UK number."""
    digits = ""
    best = None
    for group in _DIGIT_GROUP.finditer(candidate):
        digits += group.group()
        national = digits
        if national.startswith("0044"):
            national = national[2:]
        if national.startswith("44") and candidate.lstrip().startswith(("+", "00")):
            national = national[2:]
            national = national if national.startswith("0") else "0" + national
        if len(national) > 11:
            break
        if (
            national.startswith("0")
            and national[1:2] in {"1", "2", "3", "5", "7", "8"}
            and (len(national) == 11 or (len(national) == 10 and national[1] == "1"))
        ):
            best = group.end()
    return best


def _phones(text: str) -> list[Span]:
    found = []
    for m in PHONE.finditer(text):
        end = _phone_end(m.group())
        if end is not None:
            start = m.start()
            if text[start] == "(" and ")" not in m.group()[:end]:
                start += 1  # "(07700 900123, ...)": the bracket is the sentence's
            found.append((start, m.start() + end, "phone"))
    return found


# --- postcodes ----------------------------------------------------------------------------------
# The Royal Mail's shapes: the outward code's letters and the inward code's letters are each
# drawn from a narrower alphabet than A-Z, which keeps "S11" (section 11) and the like out.
# One pattern for both cases; a postcode is written all in capitals or (in notes) all in lower
# case with its space, and a lower-case one must not be an ordinal ("a1 2nd").
POSTCODE = re.compile(
    r"[A-PR-UWYZa-pr-uwyz](?<![\w\-/][A-PR-UWYZa-pr-uwyz])"
    r"(?:[A-HK-Ya-hk-y][0-9][A-Za-z0-9]?|[0-9][A-HJKPSTUWa-hjkpstuw0-9]?) ?"
    r"[0-9][ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![\w\-/])"
)
_ORDINAL = re.compile(r"[0-9](?:st|nd|rd|th)$")

# --- street addresses ---------------------------------------------------------------------------
_STRONG_STREETS = (
    "Road|Rd|Street|Avenue|Ave|Lane|Close|Drive|Crescent|Cres|Gardens|Gdns|Grove|Terrace|Mews|"
    "Boulevard|Parade|Wynd|Villas|Cottages"
)
_WEAK_STREETS = (
    "St|Way|Court|Place|Square|Hill|Park|Rise|View|Walk|Row|Green|Vale|Wharf|Quay|Yard|Gate|"
    "Meadow|Meadows|Croft|Fold|Chase|End|Approach|Heights|Bank|Circus|Embankment|Esplanade|"
    "Passage|Path|Promenade|Brow|Mount|Lea|Fields|Orchard|Paddock|Spinney|Grange|Buildings"
)
_STREET_WORD = r"(?:[A-Z][\w'’\-]*\.?)"
_BUILDING = (
    rf"(?:{_STREET_WORD}[ \t]+){{1,3}}(?:Court|House|Lodge|Mansions|Tower|Heights|Buildings|"
    rf"Point|Block|Hall|Villas|Cottages|Flats)"
)
# Found from the house number; a flat or a named building before it is looked for after.
ADDRESS = re.compile(
    rf"(?P<number>[0-9](?<![\w£$€.,/\-][0-9])[0-9]{{0,3}}[A-Za-z]?(?:-[0-9]{{1,4}}[A-Za-z]?)?),?"
    rf"[ \t]+(?P<words>(?:{_STREET_WORD}[ \t]+){{1,3}})"
    rf"(?P<type>{_STRONG_STREETS}|{_WEAK_STREETS})(?![\w'’])"
)
_ADDRESS_PREFIX = re.compile(
    rf"(?:(?<![\w])(?:Flat|Apartment|Apt|Unit|Room|Suite|Studio)\.?[ \t]+[0-9]{{1,4}}[A-Za-z]?,?"
    rf"[ \t]+)?(?:(?<![\w]){_BUILDING},?[ \t]+)?$"
)
_WEAK = frozenset(_WEAK_STREETS.split("|"))
# Numbers these words come before are counts or labels, not house numbers.
_NOT_A_HOUSE = re.compile(
    r"(?<![\w£])(?:section|sections|level|levels|stage|stages|tier|year|years|phase|item|items|page|pages|"
    r"para|paragraph|part|band|grade|key|no|number|ward|room|s|appendix|annex|table|figure|"
    r"recommendation|recommendations|action|actions|priority|q|quarter|£)"
    r"\.?\s*$",
    re.IGNORECASE,
)

# --- dates of birth -----------------------------------------------------------------------------
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{_MONTH},?[ \t]+\d{{4}}"
    rf"|{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}"
    rf"|{_MONTH}[ \t]+\d{{4}})"
)
DATE_OF_BIRTH = re.compile(
    rf"(?<![\w.])(?:date[ \t]+of[ \t]+birth|d\.?[ \t]?o\.?[ \t]?b\b\.?)[ \t]*[:\-]?[ \t]*\(?{_DATE}"
    rf"|(?<![\w.])born(?:[ \t]+(?:on|in))?[ \t]*[:\-]?[ \t]*{_DATE}"
    rf"|(?<![\w.])born[ \t]+in[ \t]+\d{{4}}(?!\d)",
    re.IGNORECASE,
)

# --- ages ---------------------------------------------------------------------------------------
AGE = re.compile(
    r"(?<![\w\-])(?:aged?[ \t]+\d{1,3}(?:[ \t]*(?:years?|yrs?)(?:[ \t]+old)?)?"
    r"|\d{1,3}(?:[ \t]*-[ \t]*|[ \t]+)(?:years?|yrs?|yr)(?:[ \t]*-[ \t]*|[ \t]+)old"
    r"|\d{1,3}[ \t]*(?:y/o|yo)(?![\w/]))"
    r"(?![\w\-])(?![ \t]*(?:-|–|to|and|or|\+)[ \t]*(?:\d|over|under|above|below|older))"
)
# Whose age it is: a person next to it, not a group ("children aged 0-5" is a range anyway).
_SINGULAR_PERSON = re.compile(
    r"\b(?:boy|girl|son|daughter|man|woman|lady|gentleman|child|baby|infant|toddler|teenager|"
    r"young person|pupil|student|resident|patient|tenant|mother|father|mum|dad|brother|sister|"
    r"sibling|grandmother|grandfather|grandson|granddaughter|aunt|uncle|cousin|nephew|niece|"
    r"carer|victim|he|she|him|her|his|who)\b"
    r"|\b(?:Child|Adult|Baby|Sibling|Mr|Mrs|Ms|Miss|Mx|Young Person|Person|Case)[ \t]+[A-Z]\b",
    re.IGNORECASE,
)
_PLURAL_PEOPLE = re.compile(
    r"\b(?:children|adults|people|pupils|students|residents|patients|victims|boys|girls|"
    r"women|men|those|all|cohort|young people|babies|infants|teenagers|carers|siblings)\b",
    re.IGNORECASE,
)

# --- NHS and National Insurance numbers ---------------------------------------------------------
NHS_NUMBER = re.compile(
    r"([0-9](?<![\w/.,£$\-][0-9])\d{2})([ \-]?)(\d{3})\2(\d{4})(?![\w/\-]|[.,]\d)"
)
_NHS_CONTEXT = re.compile(r"\bnhs\b|\bpatient\b|\bchi\b", re.IGNORECASE)
NI_NUMBER = re.compile(
    r"[A-Z](?<![\w\-][A-Z])[A-Z]( ?)\d{2}\1\d{2}\1\d{2}(?:\1(?P<suffix>[A-D]))?(?![\w\-])"
)
_NI_CONTEXT = re.compile(r"\bNI\b|\bNINO\b|National\s+Insurance", re.IGNORECASE)
_NI_NOT_PREFIX = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 over the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> list[Span]:
    found = []
    for m in NHS_NUMBER.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(4)
        context = _NHS_CONTEXT.search(text, max(0, m.start() - 30), m.start())
        # Where the text says it is an NHS number a wrong check digit is a typing slip, still
        # personal data; elsewhere only a valid check digit (and not a phone's leading 0) counts.
        if context or (nhs_check_digit_ok(digits) and digits[0] != "0"):
            found.append((m.start(), m.end(), "nhs_number"))
    return found


def _ni_numbers(text: str) -> list[Span]:
    found = []
    for m in NI_NUMBER.finditer(text):
        if m.group()[:2] in _NI_NOT_PREFIX:
            continue
        if m.group("suffix") or _NI_CONTEXT.search(text, max(0, m.start() - 30), m.start()):
            found.append((m.start(), m.end(), "ni_number"))
    return found


def _addresses(text: str, vocabulary: frozenset[str]) -> list[Span]:
    found = []
    for m in ADDRESS.finditer(text):
        prefix = _ADDRESS_PREFIX.search(text, max(0, m.start() - 80), m.start())
        start = prefix.start() if prefix and prefix.group() else m.start()
        if start == m.start():
            if _NOT_A_HOUSE.search(text, max(0, m.start() - 16), m.start()):
                continue
            if re.fullmatch(r"(?:19|20)\d\d", m.group("number")):
                continue  # a year: "in 2015 Green Park"
            words = m.group("words").split()
            if m.group("type") in _WEAK and all(w.strip(".").lower() in vocabulary for w in words):
                continue  # "3 Family Court hearings"
        found.append((start, m.end(), "address"))
    return found


def _ages(text: str, names: Iterable[tuple[int, int]]) -> list[Span]:
    found = []
    near = Spans(names)
    for m in AGE.finditer(text):
        start, end = m.span()
        before = text[max(0, start - 40) : start]
        after = text[end : end + 25]
        near_name = near.overlaps(max(0, start - 40), start) or near.overlaps(end, end + 25)
        person = _SINGULAR_PERSON.search(before) or _SINGULAR_PERSON.search(after)
        group = _PLURAL_PEOPLE.search(text[max(0, start - 25) : start])
        if near_name or (person and not group):
            found.append((start, end, "age"))
    return found


def find(text: str, vocabulary: frozenset[str]) -> list[Span]:
    """Every e-mail address, phone number, postcode, street address, date of birth and NHS and
    National Insurance number in text (not ages, which need the names: see ages())."""
    found: list[Span] = []
    if "@" in text:
        found += [(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    if not _HAS_DIGIT.search(text):
        return found
    found += _phones(text)
    for m in POSTCODE.finditer(text) if _INWARD.search(text) else ():
        code = m.group()
        if code.isupper() or (code.islower() and " " in code and not _ORDINAL.search(code)):
            found.append((m.start(), m.end(), "postcode"))
    found += _addresses(text, vocabulary)
    lower = text.lower()
    if "birth" in lower or "born" in lower or ("b" in lower and _DOB_HINT.search(lower)):
        found += [(m.start(), m.end(), "date_of_birth") for m in DATE_OF_BIRTH.finditer(text)]
    found += _nhs_numbers(text)
    found += _ni_numbers(text)
    return found


def ages(text: str, names: Iterable[tuple[int, int]]) -> list[Span]:
    """Ages given next to a name (names: the spans of the names found) or a person."""
    if not _HAS_DIGIT.search(text):
        return []
    lower = text.lower()
    if not ("age" in lower or "yr" in lower or "year" in lower or "yo" in lower or "y/o" in lower):
        return []
    return _ages(text, names)


_HAS_DIGIT = re.compile(r"[0-9]")
_INWARD = re.compile(r"[0-9][A-Za-z]{2}(?![\w\-/])")
_DOB_HINT = re.compile(r"d\.?[ \t]?o\.?[ \t]?b")

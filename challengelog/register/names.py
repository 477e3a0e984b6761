"""Name normalisation: cluster the spellings of one agency, forum or role to one canonical entry.

Nothing here knows any particular board. The method, in order:

1. Tokenise a spelling into words; "&" between letters stays inside an acronym ("M&E").
2. Expand acronyms from the log itself: "SCR" becomes "Serious Case Review" when some other
   name in the same log spells out words with those initials, and only when exactly one such
   phrase is found. "S11" reads as "Section 11".
3. Reduce to a key: lower case, possessives and plurals folded ("Children's Services" ->
   "children service"), joining words (and, of, the, ...) and generic words (group, meeting,
   members, service, board, ...) dropped, word order ignored.
4. Spellings with the same key are one entry. Entries whose keys differ only by extra words
   ("Adult Services" / "Adult Social Care": no; "Education Services" / "SCC Education
   Services": maybe) or by a typo are listed for review, never merged.

For the "To" column, a value naming several bodies is split on "/" always, and on "and", "&"
or "," only when every part is a name in its own right that the log already uses elsewhere
or an acronym, so "Children and Families Service" stays one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

JOINING = {"and", "&", "of", "for", "the", "a", "an", "in", "at", "to", "with", "on"}
GENERIC = {
    "group",
    "meeting",
    "member",
    "service",
    "board",
    "team",
    "sub",
    "subgroup",
    "panel",
}
# The partnership itself, as boards across England name it: a qualifier, not a distinction
# ("LSCB Monitoring and Evaluation Group" is the board's M&E group). Alone it still counts.
PARTNERSHIP_WORDS = {"lscb", "lsab", "lscp", "scp", "sab", "sscp", "mascp"}
ROLE_WORDS = {
    "head",
    "director",
    "chief",
    "executive",
    "manager",
    "officer",
    "lead",
    "chair",
    "rep",
    "representative",
    "coordinator",
    "co-ordinator",
    "principal",
}
ALL_PARTNERS = re.compile(
    r"^\s*(?:all\s+(?:the\s+)?(?:agencies|partners|partner\s+agencies|members|organisations)"
    r"|all\s+(?:\w+\s+){1,2}(?:members|partners|agencies)"
    r"|(?:\w+\s+)?(?:board|partnership)\s+(?:members|partners))\s*$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z]&[A-Za-z]|[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_ACRONYM = re.compile(r"^(?:[A-Z]{2,6}|[A-Z]&[A-Z])$")
_SECTION = re.compile(r"^[Ss](\d{1,3})$")
_PERSON_INITIALS = re.compile(r"\s*\(\s*[A-Z]{1,3}\s*\)\s*$")
_ROLE_PREFIX = re.compile(
    r"^(?:head|director|chief\s+executive|lead\s+officer|principal\s+officer|manager|"
    r"service\s+manager|chair)(?:\s*,|\s+(?:of|for|in)(?:\s+the)?)?\s+(?P<org>.+)$",
    re.IGNORECASE,
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def is_acronym(token: str) -> bool:
    return bool(_ACRONYM.match(token)) or bool(_SECTION.match(token))


def fold(word: str) -> str:
    """Lower case, possessive and plural folded: Children's -> children, Services -> service."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("s'"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def all_partners(spelling: str) -> bool:
    """True for a recipient meaning every member agency ("All agencies", "Board Members")."""
    return bool(ALL_PARTNERS.match(spelling or ""))


class Glossary:
    """Acronyms of one log and the phrases they stand for, found in the log's own names."""

    def __init__(self, names: Iterable[str]):
        found: dict[str, Counter] = defaultdict(Counter)
        # "(SM)" after a post is somebody's initials, not an acronym to expand. Each distinct
        # name is read once and counted as often as it occurs.
        name_counts = Counter(_PERSON_INITIALS.sub("", n) for n in names if n)
        words = {name: tokens(name) for name in name_counts}
        acronyms = {t for ws in words.values() for t in ws if _ACRONYM.match(t)}
        for acronym in acronyms:
            letters = acronym.replace("&", "").upper()
            for name, count in name_counts.items():
                if letters[0] not in {w[:1].upper() for w in words[name]}:
                    continue
                for phrase in _phrases_with_initials(words[name], letters):
                    found[acronym][phrase] += count
        self.expansions: dict[str, str] = {}
        for acronym, phrases in found.items():
            by_key: Counter = Counter()
            for phrase, n in phrases.items():
                by_key[tuple(sorted(_fold_words(phrase.split())))] += n
            ranked = by_key.most_common(2)
            # One phrase, or one that clearly dominates ("Learning and Development" seven
            # times, "Legal & Democratic" once): otherwise the acronym stays as it is.
            if len(ranked) == 1 or (ranked[0][1] >= 2 * ranked[1][1] and ranked[0][1] >= 2):
                best = ranked[0][0]
                self.expansions[acronym] = max(
                    (p for p in phrases if tuple(sorted(_fold_words(p.split()))) == best),
                    key=lambda p: (phrases[p], "&" not in p),
                )

    def expand(self, token: str) -> list[str]:
        section = _SECTION.match(token)
        if section:
            return ["Section", section.group(1)]
        if token in self.expansions:
            return self.expansions[token].split()
        return [token]


def _phrases_with_initials(words: list[str], letters: str) -> Iterable[str]:
    for start in range(len(words)):
        matched, phrase, i = 0, [], start
        while i < len(words) and matched < len(letters):
            word = words[i]
            if phrase and word.lower() in JOINING:
                phrase.append(word)
            elif (
                word[:1].isupper()
                and not is_acronym(word)
                and word.replace("'", "").replace("’", "").isalpha()
                and word[0].upper() == letters[matched]
            ):
                phrase.append(word)
                matched += 1
            else:
                break
            i += 1
        if matched == len(letters) and len(letters) > 1:
            yield " ".join(phrase)


def _fold_words(words: Iterable[str]) -> list[str]:
    return [fold(w) for w in words if w.lower() not in JOINING]


def key(spelling: str, glossary: Glossary | None = None) -> frozenset[str]:
    """The comparison key of a spelling: significant folded words, order ignored."""
    words: list[str] = []
    for token in tokens(spelling):
        words.extend(glossary.expand(token) if glossary else Glossary.expand_section(token))
    folded = _fold_words(words)
    # "LSCB & LSAB Independent Chairs" names two boards: there the words are distinctions.
    qualifier = PARTNERSHIP_WORDS if len(PARTNERSHIP_WORDS & set(folded)) == 1 else set()
    for dropped in (GENERIC | qualifier, GENERIC):
        significant = [w for w in folded if w not in dropped]
        if significant:
            return frozenset(significant)
    return frozenset(folded)


def _expand_section_only(token: str) -> list[str]:
    section = _SECTION.match(token)
    return ["Section", section.group(1)] if section else [token]


Glossary.expand_section = staticmethod(_expand_section_only)


def agency_core(spelling: str) -> str:
    """The organisation in a recipient that names a post ("Head of Education" -> "Education")."""
    text = _PERSON_INITIALS.sub("", spelling.strip())
    match = _ROLE_PREFIX.match(text)
    if match:
        text = match.group("org").strip()
    if " - " in text:
        left, right = text.rsplit(" - ", 1)
        if {fold(w) for w in tokens(left)} & ROLE_WORDS:
            text = right.strip()
    return text


def split_recipients(
    spelling: str, known_keys: set[frozenset[str]], glossary: Glossary
) -> list[str]:
    """The bodies a "To" value names: one, or several when it lists them."""
    text = spelling.strip()
    if not text:
        return []
    if "/" in text:
        parts = [p.strip() for p in text.split("/") if p.strip()]
        out: list[str] = []
        for part in parts:
            out.extend(split_recipients(part, known_keys, glossary))
        return out
    pieces = re.split(r"\s+(?:and|&)\s+|\s*,\s+", text)
    if len(pieces) < 2:
        return [text]
    best = _best_partition(
        pieces, re.findall(r"\s+(?:and|&)\s+|\s*,\s+", text), known_keys, glossary
    )
    return best or [text]


def _best_partition(pieces, joiners, known_keys, glossary) -> list[str] | None:
    """Split pieces into contiguous groups, each a name the log knows or an acronym.

    One group may instead be a single capitalised word ("Hospital and Local Authority
    Children's Services") when another group is known; two unknown groups never split, so
    "Children and Families Service" and "Drug and Alcohol Services" stay whole.
    """
    n = len(pieces)

    def join(i: int, j: int) -> str:
        out = pieces[i]
        for k in range(i + 1, j):
            out += joiners[k - 1] + pieces[k]
        return out

    def grade(segment: str) -> str | None:
        core = agency_core(segment)
        if key(core, glossary) in known_keys:
            return "known"
        words = tokens(core)
        if words and is_acronym(words[-1]) and words[-1][:1].isupper():
            return "acronym"
        if len(words) == 1 and words[0][:1].isupper():
            return "word"
        return None

    def solve(i: int, words_left: int) -> list[tuple[str, str]] | None:
        if i == n:
            return []
        for j in range(n, i, -1):
            if i == 0 and j == n:
                continue  # the whole value is not a split
            segment = join(i, j)
            kind = grade(segment)
            if kind is None or (kind == "word" and not words_left):
                continue
            rest = solve(j, words_left - (kind == "word"))
            if rest is not None:
                return [(segment, kind), *rest]
        return None

    parts = solve(0, 1)
    if not parts or not any(kind == "known" for _, kind in parts):
        return None
    return [segment for segment, _ in parts]


def known_recipient_keys(values: Iterable[str], glossary: Glossary) -> set[frozenset[str]]:
    """Keys of the bodies a "To" column names on their own, "/"-separated parts included."""
    known = set()
    for value in values:
        if not value or all_partners(value):
            continue
        for part in value.split("/"):
            if part.strip():
                known.add(key(agency_core(part.strip()), glossary))
    return known


FORUM_KINDS = [
    (re.compile(r"\baudit\b|\bs(?:ection\s*)?11\b", re.I), "audit"),
    (re.compile(r"\breport\b", re.I), "report"),
    (re.compile(r"\bdata\s*set\b", re.I), "dataset"),
    (re.compile(r"\bworkshop\b|\blearning\s+event\b", re.I), "workshop"),
]


def forum_kind(name: str) -> str:
    """What kind of source a Meeting value names, judged by its last words."""
    words = tokens(name)
    tail = " ".join(words[-2:]) if words else ""
    for pattern, kind in FORUM_KINDS:
        if pattern.search(tail):
            return kind
    return "meeting"


@dataclass
class Entry:
    """One canonical entry being built: its name, the spellings seen, how often each."""

    key: frozenset[str]
    spellings: Counter = field(default_factory=Counter)
    existing_name: str | None = None
    expanded: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        if self.existing_name:
            return self.existing_name

        # Spelt out over abbreviated, then the commonest, then "and" over "&", then the
        # shortest: a name people will recognise, chosen the same way every time.
        def rank(spelling: str):
            abbreviated = any(t in self.expanded for t in tokens(spelling))
            return (
                abbreviated,
                -self.spellings[spelling],
                "&" in spelling,
                not spelling[:1].isupper(),
                len(spelling),
                spelling,
            )

        return min(self.spellings, key=rank)


@dataclass
class Review:
    spelling: str
    candidate: str
    why: str


@dataclass
class Clustering:
    entries: list[Entry]
    by_spelling: dict[str, Entry]
    reviews: list[Review]

    def canonical(self, spelling: str) -> str:
        return self.by_spelling[spelling].name

    def merged(self) -> list[tuple[str, list[str]]]:
        out = []
        for entry in self.entries:
            others = sorted(s for s in entry.spellings if s != entry.name)
            if others:
                out.append((entry.name, others))
        return out


def cluster(
    spellings: Iterable[str],
    glossary: Glossary,
    existing: dict[str, list[str]] | None = None,
) -> Clustering:
    """Cluster spellings; `existing` maps canonical names already held to their aliases."""
    entries: dict[frozenset[str], Entry] = {}
    for name, aliases in (existing or {}).items():
        for spelling in [name, *aliases]:
            k = key(spelling, glossary)
            entries.setdefault(k, Entry(key=k, existing_name=name))
    counts = Counter(s for s in spellings if s)
    by_spelling: dict[str, Entry] = {}
    for spelling, n in counts.items():
        k = key(spelling, glossary)
        entry = entries.setdefault(k, Entry(key=k))
        entry.spellings[spelling] += n
        entry.expanded |= set(glossary.expansions)
        by_spelling[spelling] = entry
    used = [e for e in entries.values() if e.spellings]
    return Clustering(entries=used, by_spelling=by_spelling, reviews=_reviews(used))


def _reviews(entries: list[Entry]) -> list[Review]:
    reviews: list[Review] = []
    for a in entries:
        for b in entries:
            # A bare role ("Chair") beside "Chair of X" names different posts: no review.
            if a is b or not a.key or not b.key or a.key <= ROLE_WORDS:
                continue
            # A role beside a group ("Chair of X" and "X") is a different raiser, not a spelling.
            if a.key < b.key and len(b.key - a.key) <= 2 and not (b.key - a.key) & ROLE_WORDS:
                reviews.append(Review(a.name, b.name, "the same words, and more"))
            elif len(a.key) == len(b.key) and id(a) < id(b):
                score = fuzz.ratio(" ".join(sorted(a.key)), " ".join(sorted(b.key)))
                if score >= 88:
                    reviews.append(Review(a.name, b.name, f"spelt almost the same ({score:.0f}%)"))
    return reviews

"""Recurring concerns: challenges that raise the same concern again, to one agency or several.

The method, in the order it runs (the README says the same for readers):

1. Each challenge's text becomes a set of terms: safeguarding phrases as one term each ("S11"
   and "Section 11" are one), stop words and the partnership's own agency names left out, so
   that two challenges are alike because of what they say and not because of whom they are to.
2. Terms are weighted by how rare they are in the log (tf-idf): a word that appears in every
   other challenge says little; "return interviews" says a lot.
3. Two challenges are alike when the cosine of their weighted terms reaches ``LINK``; sharing an
   agency adds ``SAME_AGENCY`` to that score. Only challenges sharing at least one rare term are
   compared, which keeps the work close to linear in the size of the log.
4. Alike challenges are joined into groups from the most alike pair down, and two groups are
   joined only when their members are alike on average (average linkage), so a chain of
   loosely related challenges does not become one group.
5. A group is a recurring concern when it holds challenges raised on at least two different
   dates: several challenges from one meeting are one occasion, not a concern raised again.

Each group keeps the terms its members share most, which is how the page says why they belong
together.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from challengelog.insights.text import PHRASES, terms

LINK = 0.35  # cosine at which two challenges count as alike
AVERAGE = 0.25  # average likeness at which two groups are joined
SAME_AGENCY = 0.10  # added when they are addressed to an agency in common
MAX_POSTINGS = 400  # a term shared by more challenges than this is too common to compare on
EXACT_LIMIT = 5000  # beyond this many challenges, compare each only with likely neighbours
TOP_TERMS = 3
WINDOW = 20
CONCEPT_WEIGHT = 3.0  # a safeguarding phrase ("Section 11") counts this many times a word
JOIN = 0.15  # average likeness at which a challenge left alone joins its concern's group
MAX_GROUP = 60  # beyond this, a group is a topic, not a concern raised again


# The phrases that name a concern in themselves. The others ("M&E", "SCR", "training") name
# a meeting or a whole theme: they are normalised but weigh as ordinary words.
CONCERNS = frozenset(term for _pattern, term in PHRASES) - {"mande", "scr", "training", "engage"}
CONCEPT = dict.fromkeys(CONCERNS, CONCEPT_WEIGHT)


@dataclass
class Item:
    key: int
    reference: str
    date: dt.date | None
    text: str
    agencies: frozenset[int] = frozenset()
    # The names of the agencies it is addressed to and of the meeting that raised it: their
    # words say whom and where, not what.
    names: tuple[str, ...] = ()


@dataclass
class Group:
    members: list[Item]
    terms: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[int]:
        return [m.key for m in self.members]

    @property
    def references(self) -> list[str]:
        return [m.reference for m in self.members]


@lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(terms(name)) - CONCEPT.keys()


def _bag(item: Item) -> Counter:
    own = frozenset().union(*(_name_words(name) for name in item.names))
    return Counter(terms(item.text, drop=own))


def _vectors(items: list[Item]) -> list[dict[str, float]]:
    bags = [_bag(item) for item in items]
    df = Counter(term for bag in bags for term in bag)
    n = len(items)
    vectors = []
    for bag in bags:
        weights = {
            t: (1 + math.log(c)) * (1 + math.log((1 + n) / (1 + df[t]))) * CONCEPT.get(t, 1.0)
            for t, c in bag.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items() if w > 0})
    return vectors


def _candidates(items: list[Item], vectors: list[dict[str, float]]) -> set[tuple[int, int]]:
    """The pairs worth comparing. Up to ``EXACT_LIMIT`` challenges: every pair sharing a term
    that is not too common. Beyond it, to keep the work linear in the size of the log: each
    challenge's ``TOP_TERMS`` heaviest terms, each paired with the next ``WINDOW`` challenges
    raised with that term (a concern raised again is raised again later)."""
    pairs: set[tuple[int, int]] = set()
    postings: dict[str, list[int]] = defaultdict(list)
    exact = len(items) <= EXACT_LIMIT
    order = sorted(range(len(items)), key=lambda i: _order(items[i]))
    for i in order:
        vector = vectors[i]
        chosen = vector if exact else sorted(vector, key=vector.get, reverse=True)[:TOP_TERMS]
        for term in chosen:
            postings[term].append(i)
    for members in postings.values():
        if len(members) < 2:
            continue
        if exact:
            if len(members) > MAX_POSTINGS:
                continue
            for a_index, a in enumerate(members):
                for b in members[a_index + 1 :]:
                    pairs.add((a, b) if a < b else (b, a))
        else:
            for a_index, a in enumerate(members):
                for b in members[a_index + 1 : a_index + 1 + WINDOW]:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def _similarities(items: list[Item], vectors: list[dict[str, float]]) -> dict[tuple, float]:
    scores = {}
    for a, b in _candidates(items, vectors):
        score = _cosine(vectors[a], vectors[b])
        if items[a].agencies & items[b].agencies:
            score += SAME_AGENCY
        if score >= LINK:
            scores[(a, b)] = score
    return scores


def find(items: Iterable[Item]) -> list[Group]:
    """The recurring concerns among ``items``, largest first."""
    items = list(items)
    vectors = _vectors(items)
    scores = _similarities(items, vectors)

    cluster_of = list(range(len(items)))
    clusters: dict[int, list[int]] = {i: [i] for i in range(len(items))}
    # For each group, the sum of its likeness to each group it is alike with: two groups'
    # average likeness is one look-up, and joining them adds their sums.
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for (a, b), score in scores.items():
        links[a][b] = score
        links[b][a] = score

    for (a, b), _score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        ca, cb = cluster_of[a], cluster_of[b]
        if ca == cb:
            continue
        left, right = clusters[ca], clusters[cb]
        if len(left) + len(right) > MAX_GROUP:
            continue
        if links[ca].get(cb, 0.0) / (len(left) * len(right)) < AVERAGE:
            continue
        keep, gone = (ca, cb) if len(left) >= len(right) else (cb, ca)
        for member in clusters[gone]:
            cluster_of[member] = keep
        clusters[keep].extend(clusters.pop(gone))
        for other, weight in links.pop(gone).items():
            links[other].pop(gone, None)
            if other != keep:
                links[keep][other] = links[keep].get(other, 0.0) + weight
                links[other][keep] = links[other].get(keep, 0.0) + weight

    _by_concern(items, vectors, clusters, cluster_of)

    groups = []
    for indices in clusters.values():
        if len(indices) < 2:
            continue
        dates = {items[i].date for i in indices}
        if len(dates) < 2:
            continue
        members = sorted((items[i] for i in indices), key=_order)
        shared = Counter(t for i in indices for t in vectors[i])
        common = [t for t, c in shared.most_common() if c >= 2]
        groups.append(Group(members=members, terms=common[:5]))
    groups.sort(key=lambda g: (-len(g.members), _order(g.members[0])))
    return groups


def _cosine(va: dict[str, float], vb: dict[str, float]) -> float:
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(w * vb.get(t, 0.0) for t, w in va.items())


def _concern(vectors: list[dict[str, float]], indices: list[int]) -> str | None:
    """The concern phrase that weighs most across ``indices``, if they have one."""
    weight: Counter = Counter()
    for i in indices:
        for term, w in vectors[i].items():
            if term in CONCERNS:
                weight[term] += w
    shared = [t for t, _ in weight.most_common() if sum(t in vectors[i] for i in indices) >= 2]
    if len(indices) == 1:
        return weight.most_common(1)[0][0] if weight else None
    return shared[0] if shared else None


def _by_concern(items, vectors, clusters, cluster_of) -> None:
    """Join groups whose members share the same main concern phrase, and add a challenge left
    alone to the group of its main concern when it is alike the group on average."""
    named: dict[str, int] = {}
    for key in sorted(clusters, key=lambda k: -len(clusters[k])):
        if len(clusters[key]) < 2:
            continue
        concern = _concern(vectors, clusters[key])
        if concern is None:
            continue
        if concern in named and len(clusters[named[concern]]) + len(clusters[key]) <= MAX_GROUP:
            target = named[concern]
            for member in clusters.pop(key):
                clusters[target].append(member)
                cluster_of[member] = target
        else:
            named.setdefault(concern, key)
    for key in [k for k, members in clusters.items() if len(members) == 1]:
        (index,) = clusters[key]
        concern = _concern(vectors, [index])
        target = named.get(concern)
        if target is None or len(clusters[target]) >= MAX_GROUP:
            continue
        members = clusters[target]
        average = sum(_cosine(vectors[index], vectors[m]) for m in members) / len(members)
        if average >= JOIN:
            members.append(clusters.pop(key)[0])
            cluster_of[index] = target


def _order(item: Item) -> tuple:
    return (item.date or dt.date.min, item.reference)

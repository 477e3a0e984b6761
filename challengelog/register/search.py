"""Word search over a challenge's text, action and progress, with stemming, behind one
selector: SQLite FTS5 (porter stemmer) or PostgreSQL full-text search (english, GIN index).

Both indexes are kept in step with every write by database triggers (see migration
0002_search), so bulk imports and edits from any path are searchable at once.

A query is a list of alternatives, each a list of terms that must all appear; a term is a
word or a phrase (a hyphenated word such as "e-safety" is the phrase "e safety"). "Section 11"
also finds "S11", and "S11" finds "Section 11", as boards write both.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_SECTION = re.compile(r"\bs(?:ection)?\s*(\d{1,3})\b", re.IGNORECASE)
MAX_TERMS = 12


def parse(q: str) -> list[list[list[str]]]:
    """Alternatives -> terms -> words. Empty when the query holds no words."""
    q = (q or "")[:500]
    alternatives = [q]
    section = _SECTION.search(q)
    if section:
        number = section.group(1)
        for spelling in (f"section {number}", f"s{number}"):
            alternative = _SECTION.sub(spelling, q, count=1)
            if alternative not in alternatives:
                alternatives.append(alternative)
    out = []
    for text in alternatives:
        terms = [
            [w.lower() for w in re.split(r"[-'’]", token) if w]
            for token in _WORD.findall(text)[:MAX_TERMS]
        ]
        terms = [t for t in terms if t]
        if terms and terms not in out:
            out.append(terms)
    return out


def _fts5(alternatives) -> str:
    def term(words):
        return '"' + " ".join(words) + '"'

    return " OR ".join("(" + " AND ".join(term(t) for t in alt) + ")" for alt in alternatives)


def _tsquery(alternatives) -> str:
    def term(words):
        return "(" + " <-> ".join(words) + ")"

    return " | ".join("(" + " & ".join(term(t) for t in alt) + ")" for alt in alternatives)


def search(queryset: QuerySet, q: str) -> QuerySet:
    """The challenges of `queryset` matching the words of `q`; all of them when q is empty.
    Works for the register and for the published copy: each table has its own index,
    `<table>_fts` (SQLite) or `<table>_search` (PostgreSQL)."""
    alternatives = parse(q)
    if not alternatives:
        return queryset
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        sql = f"SELECT challenge_id FROM {table}_search WHERE document @@ to_tsquery('english', %s)"
        return queryset.filter(pk__in=RawSQL(sql, [_tsquery(alternatives)]))
    # The unary plus keeps SQLite walking the log's own index in page order, testing each row
    # against the (materialised) matches, so that a page stops after its fifty rows instead of
    # fetching and sorting every match of a common word.
    sql = f'+"{table}"."id" IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s)'
    return queryset.filter(RawSQL(sql, [_fts5(alternatives)], output_field=BooleanField()))

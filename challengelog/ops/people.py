"""Finding a person in the log, for a subject access request: every place a name (or any text)
appears in one partnership's challenges, their actions, progress and responses, evidence file
names, escalations, meeting notes, the published copies, and every earlier version in the
history. Matching ignores case; each hit says where it is and shows the words around it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from challengelog.register.models import (
    Action,
    Challenge,
    Evidence,
    Partnership,
    ProgressUpdate,
)

MIN_LENGTH = 3
CONTEXT = 80


@dataclass
class Hit:
    reference: str
    where: str
    field: str
    snippet: tuple[str, str, str]  # before, the match, after
    when: object = None  # a date or time, where the place has one
    current: bool = True  # False: an earlier version, or a published copy


def _snippet(text: str, term: str) -> tuple[str, str, str]:
    at = text.lower().find(term.lower())
    if at < 0:
        return (text[: CONTEXT * 2], "", "")
    start, end = max(0, at - CONTEXT), at + len(term)
    before = ("…" if start else "") + text[start:at]
    after = text[end : end + CONTEXT] + ("…" if end + CONTEXT < len(text) else "")
    return before, text[at:end], after


def _matching(queryset, fields, term):
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__icontains": term})
    return queryset.filter(query)


def _labels(model, fields):
    return {name: str(model._meta.get_field(name).verbose_name).capitalize() for name in fields}


def search(partnership: Partnership, term: str) -> list[Hit]:
    from challengelog.followup.models import AgendaItem, Escalation
    from challengelog.publishing.models import PublishedChallenge

    term = term.strip()
    hits: list[Hit] = []

    def collect(queryset, fields, reference, where, when=None, current=True):
        labels = _labels(queryset.model, fields)
        for row in _matching(queryset, fields, term):
            for name in fields:
                value = getattr(row, name) or ""
                if term.lower() in value.lower():
                    hits.append(
                        Hit(
                            reference=reference(row),
                            where=where(row),
                            field=labels[name],
                            snippet=_snippet(value, term),
                            when=when(row) if when else None,
                            current=current,
                        )
                    )

    challenge_fields = [
        "text",
        "action",
        "outcome",
        "to_as_recorded",
        "raised_by_as_recorded",
        "meeting_as_recorded",
    ]
    collect(
        Challenge.objects.filter(partnership=partnership),
        challenge_fields,
        lambda c: c.reference,
        lambda c: "The challenge",
        lambda c: c.date_raised,
    )
    collect(
        Action.objects.filter(challenge__partnership=partnership).select_related("challenge"),
        ["text", "lead"],
        lambda a: a.challenge.reference,
        lambda a: "An action",
        lambda a: a.due,
    )
    collect(
        ProgressUpdate.objects.filter(challenge__partnership=partnership).select_related(
            "challenge"
        ),
        ["text", "author_name", "on_behalf_of"],
        lambda u: u.challenge.reference,
        lambda u: f"The timeline: {u.get_kind_display().lower()}",
        lambda u: u.date,
    )
    collect(
        Evidence.objects.filter(update__challenge__partnership=partnership).select_related(
            "update__challenge"
        ),
        ["name"],
        lambda e: e.update.challenge.reference,
        lambda e: "Evidence file name",
        lambda e: e.created,
    )
    collect(
        Escalation.objects.filter(challenge__partnership=partnership).select_related("challenge"),
        ["reason", "by_name"],
        lambda e: e.challenge.reference,
        lambda e: "An escalation",
        lambda e: e.at if hasattr(e, "at") else None,
    )
    collect(
        AgendaItem.objects.filter(challenge__partnership=partnership).select_related(
            "challenge", "meeting__forum"
        ),
        ["note"],
        lambda i: i.challenge.reference,
        lambda i: f"Meeting papers: {i.meeting.forum.name}",
        lambda i: i.meeting.date,
    )
    # Earlier versions: the history keeps every version of each record.
    history = Challenge.history.model
    collect(
        history.objects.filter(partnership=partnership),
        challenge_fields,
        lambda h: h.reference,
        lambda h: "An earlier version of the challenge",
        lambda h: h.history_date,
        current=False,
    )
    references = dict(
        Challenge.objects.filter(partnership=partnership).values_list("pk", "reference")
    )
    for model, fields, where in (
        (Action.history.model, ["text", "lead"], "An earlier version of an action"),
        (
            ProgressUpdate.history.model,
            ["text", "author_name", "on_behalf_of"],
            "An earlier version of a timeline entry",
        ),
    ):
        collect(
            model.objects.filter(challenge_id__in=list(references)),
            fields,
            lambda h: references.get(h.challenge_id, "?"),
            lambda h, where=where: where,
            lambda h: h.history_date,
            current=False,
        )
    collect(
        PublishedChallenge.objects.filter(partnership=partnership),
        ["text", "action", "progress", "outcome", "to_as_recorded", "raised_by_as_recorded"],
        lambda p: p.reference,
        lambda p: "The published copy",
        current=False,
    )
    return _drop_repeats(hits)


def _drop_repeats(hits: list[Hit]) -> list[Hit]:
    """An earlier version that says what the record says now is not news: keep it only where
    its words differ from every current hit on the same challenge."""
    current = {(h.reference, h.field, h.snippet) for h in hits if h.current}
    seen = set()
    out = []
    for hit in hits:
        key = (hit.reference, hit.where, hit.field, hit.snippet)
        if key in seen or (not hit.current and (hit.reference, hit.field, hit.snippet) in current):
            continue
        seen.add(key)
        out.append(hit)

    def order(hit):
        try:
            number = int(hit.reference)
        except ValueError:
            number = 0
        return (-number, hit.reference, not hit.current)

    return sorted(out, key=order)

"""Writes of the insight pages: themes suggested and set, recurring concerns found again."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from challengelog.accounts.models import record_event
from challengelog.insights import recurring
from challengelog.insights.models import ChallengeTheme, RecurringGroup, RecurringRun, ThemeReview
from challengelog.insights.text import PHRASES, TERM_LABELS
from challengelog.insights.themes import BY_SLUG, suggest
from challengelog.register.models import Challenge, Forum, Partnership

# What a group's main phrase means, in words a board would use for the concern.
CONCERN_NAMES = {
    "section11": "Section 11 returns",
    "esafety": "E-safety policies",
    "homeeducation": "Elective home education",
    "cme": "Children missing education",
    "missingchild": "Children who go missing",
    "returnint": "Return interviews for missing children",
    "cse": "Child sexual exploitation",
    "domesticabuse": "Domestic abuse",
    "substancemisuse": "Substance misuse services",
    "cpconference": "Child protection conferences",
    "voluntarysector": "The voluntary sector",
    "jobdescription": "Safeguarding in job descriptions",
    "mentalhealth": "Mental health",
    "lookedafter": "Looked after children",
    "fgm": "Female genital mutilation",
    "budget": "Budgets and cuts",
    "attend": "Attendance at meetings",
    "commissioning": "Commissioned services",
    "supervision": "Supervision",
    "schoolattendance": "School attendance",
    "training": "Training",
    "scr": "Serious case reviews",
    "mande": "Monitoring and evaluation",
    "engage": "Engagement",
}
assert set(CONCERN_NAMES) >= {term for _pattern, term in PHRASES}
assert set(TERM_LABELS) >= {term for _pattern, term in PHRASES}


def concern_name(terms: list[str]) -> str:
    """A concern phrase names the group; failing that a meeting or theme phrase; failing that
    the words its challenges share."""
    for known in (recurring.CONCERNS, CONCERN_NAMES):
        for term in terms:
            if term in known:
                return CONCERN_NAMES[term]
    return "Shared words: " + ", ".join(terms[:3]) if terms else "Raised again"


# Themes


THEME_ROWS = 1000  # 4,000 parameters a statement: well within SQLite's limit


def suggest_themes(challenges: Iterable[Challenge], also: dict[int, str] | None = None) -> int:
    """Suggest themes for challenges whose themes staff have not set; returns how many
    themes were suggested. Earlier suggestions are replaced. ``also`` gives more text to read
    for a challenge (the agreed actions of one just raised)."""
    also = also or {}
    challenges = [c for c in challenges if c.pk]
    suggested = 0
    # In slices, so no statement carries more ids than SQLite accepts.
    for start in range(0, len(challenges), 2000):
        suggested += _suggest_slice(challenges[start : start + 2000], also)
    return suggested


def _suggest_slice(challenges: list[Challenge], also: dict[int, str]) -> int:
    if not challenges:
        return 0
    reviewed = set(
        ThemeReview.objects.filter(challenge__in=challenges).values_list("challenge_id", flat=True)
    )
    open_to = [c for c in challenges if c.pk not in reviewed]
    matched = ChallengeTheme._meta.get_field("matched")
    rows = []
    for challenge in open_to:
        action = f"{challenge.action}\n{also.get(challenge.pk, '')}"
        for slug, words in suggest(challenge.text, action).items():
            rows.append((challenge.pk, slug, True, matched.get_db_prep_save(words, connection)))
    with transaction.atomic():
        ChallengeTheme.objects.filter(challenge_id__in=[c.pk for c in open_to]).delete()
        # A thousand rows a statement, without model instances: an import suggests tens of
        # thousands, and building instances cost more than finding them; on PostgreSQL the
        # counts the database keeps are moved once per statement.
        with connection.cursor() as cursor:
            for start in range(0, len(rows), THEME_ROWS):
                chunk = rows[start : start + THEME_ROWS]
                cursor.execute(
                    f"INSERT INTO {ChallengeTheme._meta.db_table} "
                    "(challenge_id, theme, suggested, matched) VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(chunk)),
                    [value for row in chunk for value in row],
                )
    return len(rows)


class UnknownTheme(ValueError):
    pass


@transaction.atomic
def set_themes(*, challenge: Challenge, themes: list[str], user) -> None:
    """Staff set a challenge's themes: kept from now on, and the change is on record."""
    unknown = [t for t in themes if t not in BY_SLUG]
    if unknown:
        raise UnknownTheme(f"Unknown theme: {', '.join(unknown)}")
    before = sorted(challenge.themes.values_list("theme", flat=True))
    after = sorted(set(themes))
    challenge.themes.all().delete()
    ChallengeTheme.objects.bulk_create(
        [ChallengeTheme(challenge=challenge, theme=t, suggested=False) for t in after]
    )
    ThemeReview.objects.update_or_create(challenge=challenge, defaults={"reviewed_by": user})
    if before != after:
        record_event(
            "themes.changed",
            f"Themes of {challenge.reference} changed",
            user=user,
            partnership=challenge.partnership,
            reference=challenge.reference,
            before=before,
            after=after,
        )


# Recurring concerns


def _log_state(partnership: Partnership) -> dict:
    """How many challenges the log has (from the counts the database keeps) and when one last
    changed (from the index of changes): read without counting the log."""
    from django.db.models import Sum

    from challengelog.insights.models import Tally

    count = Tally.objects.filter(partnership_id=partnership.pk, kind="all").aggregate(n=Sum("n"))
    last = partnership.challenges.order_by().aggregate(last_change=Max("updated"))
    return {"count": count["n"] or 0, **last}


def refresh_recurring(partnership: Partnership, state: dict | None = None) -> list[RecurringGroup]:
    """Find the partnership's recurring concerns again and store them; ``state`` is the log's
    count and last change when the caller has just read them."""
    started = time.perf_counter()
    state = state or _log_state(partnership)
    challenges = partnership.challenges.only(
        "id",
        "reference",
        "date_raised",
        "text",
        "forum_id",
        "meeting_as_recorded",
        "to_as_recorded",
    ).prefetch_related("agencies")
    forums = dict(Forum.objects.filter(partnership=partnership).values_list("id", "name"))
    status_of = dict(partnership.challenges.order_by().values_list("pk", "status"))
    agency_names: dict[int, list[str]] = {}
    items = []
    for c in challenges.iterator(chunk_size=2000):
        agencies = list(c.agencies.all())
        agency_names[c.pk] = [a.name for a in agencies]
        names = (
            partnership.name,
            c.to_as_recorded,
            c.meeting_as_recorded,
            forums.get(c.forum_id, ""),
        )
        names += tuple(a.name for a in agencies)
        items.append(
            recurring.Item(
                key=c.pk,
                reference=c.reference,
                date=c.date_raised,
                text=c.text,
                agencies=frozenset(a.pk for a in agencies),
                names=names,
            )
        )
    found = recurring.find(items)
    now = timezone.now()
    with transaction.atomic():
        RecurringGroup.objects.filter(partnership=partnership).delete()
        groups = RecurringGroup.objects.bulk_create(
            [
                RecurringGroup(
                    partnership=partnership,
                    position=i,
                    concern=concern_name(group.terms),
                    terms=[TERM_LABELS.get(t, t) for t in group.terms],
                    size=len(group.members),
                    members=group.keys,
                    summary=_summary(group, status_of, agency_names),
                    computed_at=now,
                )
                for i, group in enumerate(found)
            ]
        )
        through = RecurringGroup.challenges.through
        through.objects.bulk_create(
            [
                through(recurringgroup_id=model.pk, challenge_id=key)
                for model, group in zip(groups, found, strict=True)
                for key in group.keys
            ],
            batch_size=2000,
        )
        RecurringRun.objects.update_or_create(
            partnership=partnership,
            defaults={
                "computed_at": now,
                "challenges": state["count"],
                "last_change": state["last_change"],
                "seconds": time.perf_counter() - started,
            },
        )
    return groups


def _summary(group: recurring.Group, status_of: dict, agency_names: dict) -> dict:
    dates = [m.date for m in group.members if m.date]
    counts: dict[str, int] = {}
    for m in group.members:
        for name in agency_names.get(m.key, []):
            counts[name] = counts.get(name, 0) + 1
    return {
        "references": group.references,
        "first_raised": min(dates).isoformat() if dates else None,
        "last_raised": max(dates).isoformat() if dates else None,
        "open": sum(status_of.get(m.key) == "open" for m in group.members),
        "agencies_more_than_once": sorted(n for n, k in counts.items() if k >= 2),
    }


# Up to this many challenges, a page that needs the recurring concerns finds them again itself
# when the log has changed (well under a second for a board's log); above it, pages show the
# last ones found and `challengelog insights` (run by cron) finds them again.
SYNC_LIMIT = 5000


def current_recurring(partnership: Partnership, *, sync_limit: int | None = None):
    """The run that found the stored recurring concerns: found again first when the log has
    changed since and is small enough. None when a large log's have never been found."""
    limit = SYNC_LIMIT if sync_limit is None else sync_limit
    run = RecurringRun.objects.filter(partnership=partnership).first()
    state = _log_state(partnership)
    stale = run is None or (run.challenges, run.last_change) != (
        state["count"],
        state["last_change"],
    )
    if stale and state["count"] <= limit:
        refresh_recurring(partnership, state)
        run = RecurringRun.objects.get(partnership=partnership)
        stale = False
    if run is not None:
        run.stale = stale
    return run


def recurring_for_agency(partnership: Partnership, agency, *, published: bool) -> list[dict]:
    """The recurring concerns raised with one agency more than once: for its page. With
    ``published``, only challenges in the public copy count, named by their public reference,
    and only concerns named by a phrase (not by words taken from unpublished text)."""
    from challengelog.insights.models import RecurringGroup

    groups = RecurringGroup.objects.filter(
        partnership=partnership, challenges__agencies=agency
    ).distinct()
    out = []
    for group in groups.prefetch_related("challenges"):
        members = group.challenges.filter(agencies=agency).order_by("sort_date", "reference_number")
        if published:
            if group.concern.startswith("Shared words"):
                continue
            members = members.filter(published__isnull=False)
        members = list(members.only("reference", "date_raised"))
        if len(members) < 2 or len({m.date_raised for m in members}) < 2:
            continue
        out.append({"concern": group.concern, "challenges": members, "group": group.pk})
    out.sort(key=lambda g: (-len(g["challenges"]), g["concern"]))
    return out

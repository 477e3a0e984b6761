"""Meetings as records: the forward plan, "by the next meeting" due dates, and the link between
a challenge and the meetings it was raised at and reviewed at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from challengelog.followup.models import AgendaItem, FollowupSettings, Meeting
from challengelog.followup.workingdays import subtract_working_days
from challengelog.register.models import Action, Challenge, Forum, Partnership


def settings_for(partnership: Partnership) -> FollowupSettings:
    found, _ = FollowupSettings.objects.get_or_create(partnership=partnership)
    return found


def papers_deadline(meeting: Meeting, papers_days: int) -> dt.date:
    """The day the papers for a meeting go out: what is due "by the meeting" is due then."""
    return subtract_working_days(meeting.date, papers_days)


def next_meeting(forum: Forum, today: dt.date, papers_days: int) -> Meeting | None:
    """The forum's next meeting whose papers have not yet gone out: an action given today
    "for the next meeting" can still make its papers."""
    for meeting in Meeting.objects.filter(forum=forum, cancelled=False, date__gte=today):
        if papers_deadline(meeting, papers_days) >= today:
            return meeting
    return None


def upcoming(partnership: Partnership, today: dt.date, limit: int | None = None):
    meetings = Meeting.objects.filter(
        partnership=partnership, date__gte=today, cancelled=False
    ).select_related("forum")
    return meetings[:limit] if limit else meetings


def forums_with_plan(partnership: Partnership, today: dt.date) -> list[Forum]:
    """Forums with a meeting ahead whose papers have not gone out: those an action can be
    due "by the next meeting" of."""
    papers_days = settings_for(partnership).papers_days
    ids = {
        m.forum_id for m in upcoming(partnership, today) if papers_deadline(m, papers_days) >= today
    }
    return list(Forum.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def move_actions(meeting: Meeting, papers_days: int) -> int:
    """Open actions due for a meeting follow it when it moves; when it is cancelled they keep
    the date they had. Returns how many moved."""
    if meeting.cancelled:
        return 0
    due = papers_deadline(meeting, papers_days)
    moved = 0
    for action in meeting.actions_due.filter(completed_on__isnull=True).exclude(due=due):
        action.due = due
        action._change_reason = f"Meeting moved to {meeting.date:%d/%m/%Y}"
        action.save()
        moved += 1
    return moved


def link_raised(challenges: Iterable[Challenge]) -> int:
    """Record each challenge as raised at the meeting of its forum on the day it was raised,
    making the meeting where the log names a meeting and none is on record yet."""
    wanted = [
        c for c in challenges if c.forum_id and c.date_raised and c.forum.kind == Forum.Kind.MEETING
    ]
    if not wanted:
        return 0
    keys = {(c.forum_id, c.date_raised) for c in wanted}
    forums = {c.forum_id: c.forum for c in wanted}
    existing = {
        (m.forum_id, m.date): m
        for m in Meeting.objects.filter(
            forum_id__in={f for f, _ in keys}, date__in={d for _, d in keys}
        )
    }
    missing = [
        Meeting(partnership_id=forums[f].partnership_id, forum_id=f, date=d)
        for f, d in sorted(keys - existing.keys())
    ]
    Meeting.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
    if missing:
        existing = {
            (m.forum_id, m.date): m
            for m in Meeting.objects.filter(
                forum_id__in={f for f, _ in keys}, date__in={d for _, d in keys}
            )
        }
    items = [
        AgendaItem(
            meeting=existing[(c.forum_id, c.date_raised)],
            challenge=c,
            role=AgendaItem.Role.RAISED,
        )
        for c in wanted
    ]
    AgendaItem.objects.bulk_create(items, batch_size=1000, ignore_conflicts=True)
    return len(items)


def link_raised_in(partnership: Partnership) -> None:
    """`link_raised` for every challenge of a partnership not yet linked, in two statements:
    an import of thousands of rows should not build thousands of objects for it."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO followup_meeting "
            "(partnership_id, forum_id, date, title, location, cancelled, created) "
            "SELECT DISTINCT c.partnership_id, c.forum_id, c.date_raised, '', '', %s, %s "
            "FROM register_challenge c JOIN register_forum f ON f.id = c.forum_id "
            "WHERE c.partnership_id = %s AND f.kind = %s AND c.date_raised IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM followup_meeting m "
            "WHERE m.forum_id = c.forum_id AND m.date = c.date_raised) "
            "ON CONFLICT DO NOTHING",
            [False, now, partnership.pk, Forum.Kind.MEETING],
        )
        cursor.execute(
            "INSERT INTO followup_agendaitem "
            "(meeting_id, challenge_id, role, outcome, note, recorded_by_id, recorded_at) "
            "SELECT m.id, c.id, %s, '', '', NULL, %s "
            "FROM register_challenge c JOIN register_forum f ON f.id = c.forum_id "
            "JOIN followup_meeting m ON m.forum_id = c.forum_id AND m.date = c.date_raised "
            "WHERE c.partnership_id = %s AND f.kind = %s "
            "AND NOT EXISTS (SELECT 1 FROM followup_agendaitem a "
            "WHERE a.challenge_id = c.id AND a.role = %s) "
            "ON CONFLICT DO NOTHING",
            [
                AgendaItem.Role.RAISED,
                now,
                partnership.pk,
                Forum.Kind.MEETING,
                AgendaItem.Role.RAISED,
            ],
        )


def resolve_due(action: Action, forum: Forum, today: dt.date, papers_days: int) -> bool:
    """Make `action` due by the next meeting of `forum`. False when none is planned."""
    meeting = next_meeting(forum, today, papers_days)
    if meeting is None:
        return False
    action.due_meeting = meeting
    action.due = papers_deadline(meeting, papers_days)
    return True


def next_papers(challenge: Challenge, today: dt.date) -> Meeting | None:
    """The next meeting whose papers will list this open challenge."""
    if challenge.status != Challenge.Status.OPEN:
        return None
    from challengelog.followup.models import EscalationStage

    forums = {challenge.forum_id} if challenge.forum_id else set()
    forums |= set(
        Action.objects.filter(
            challenge=challenge, completed_on__isnull=True, due_meeting__isnull=False
        ).values_list("due_meeting__forum_id", flat=True)
    )
    forums |= set(
        EscalationStage.objects.filter(
            partnership_id=challenge.partnership_id, number=challenge.stage, forum__isnull=False
        ).values_list("forum_id", flat=True)
    )
    return (
        Meeting.objects.filter(forum_id__in=forums, date__gte=today, cancelled=False)
        .exclude(items__challenge=challenge, items__role=AgendaItem.Role.REVIEWED)
        .select_related("forum")
        .first()
    )


def merge_meetings(source: Forum, target: Forum) -> None:
    """When two forums are merged, their meetings become the target's; a meeting of both on the
    same day becomes one, with everything raised, reviewed or due at either."""
    from challengelog.followup.models import EscalationStage

    EscalationStage.objects.filter(forum=source).update(forum=target)
    theirs = {m.date: m for m in Meeting.objects.filter(forum=target)}
    for meeting in Meeting.objects.filter(forum=source):
        same_day = theirs.get(meeting.date)
        if same_day is None:
            meeting.forum = target
            meeting.save()
            continue
        for item in meeting.items.all():
            if not AgendaItem.objects.filter(
                meeting=same_day, challenge=item.challenge, role=item.role
            ).exists():
                item.meeting = same_day
                item.save()
        meeting.actions_due.update(due_meeting=same_day)
        meeting.delete()

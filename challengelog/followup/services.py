"""Writes of follow-up: escalating, the forward plan, outcomes recorded after a meeting, and
the partnership's follow-up settings. Each is one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from challengelog.followup import notices
from challengelog.followup.meetings import move_actions, settings_for
from challengelog.followup.models import AgendaItem, Escalation, EscalationStage, Meeting
from challengelog.followup.stages import stages
from challengelog.register import services as register
from challengelog.register.models import Challenge, Forum, Partnership, ProgressUpdate


class CannotEscalate(Exception):
    """The step asked for is not possible: the message says why."""


@transaction.atomic
def escalate(
    *, challenge: Challenge, user, version: int, to_stage: int, reason: str, date: dt.date
) -> Escalation:
    """Move an open challenge up to `to_stage`: who, when and why are recorded, the clock for a
    response starts again, and the agency leads and chairs are told."""
    current = register.lock_current(challenge, version)
    if current.status != Challenge.Status.OPEN:
        raise CannotEscalate(f"Challenge {current.reference} is not open: it cannot be escalated")
    all_stages = {s.number: s for s in stages(current.partnership)}
    target = all_stages.get(to_stage)
    if target is None or to_stage <= current.stage:
        raise CannotEscalate(
            f"Challenge {current.reference} is at stage {current.stage}: choose a later stage"
            f" (the last is {max(all_stages)})"
        )
    escalation = Escalation.objects.create(
        challenge=current,
        from_stage=current.stage,
        to_stage=to_stage,
        stage_name=target.name,
        on=date,
        reason=reason,
        by=user,
        by_name=str(user),
    )
    current.stage = to_stage
    current.awaiting_since = date
    register.save_version(current, user, f"Escalated to stage {to_stage}")
    ProgressUpdate.objects.create(
        challenge=current,
        kind=ProgressUpdate.Kind.ESCALATION,
        date=date,
        author=user,
        author_name=str(user),
        text=f"Escalated from stage {escalation.from_stage} to stage {to_stage} "
        f"({target.name}). Reason: {reason}",
        position=register.next_position(current),
    )
    notices.escalated(escalation)
    return escalation


# The forward plan ----------------------------------------------------------------------------


@transaction.atomic
def plan_meeting(
    *, partnership: Partnership, forum: Forum, date: dt.date, title: str = "", location: str = ""
) -> Meeting:
    meeting = Meeting.objects.create(
        partnership=partnership, forum=forum, date=date, title=title, location=location
    )
    return meeting


@transaction.atomic
def change_meeting(
    *, meeting: Meeting, user, date: dt.date, title: str, location: str, cancelled: bool
) -> int:
    """Reschedule, rename or cancel a meeting. Open actions due for it follow a new date;
    returns how many moved."""
    meeting.date, meeting.title, meeting.location = date, title, location
    meeting.cancelled = cancelled
    meeting._history_user = user
    meeting.save()
    return move_actions(meeting, settings_for(meeting.partnership).papers_days)


# Outcomes recorded after a meeting ------------------------------------------------------------


@dataclass
class Outcome:
    challenge: Challenge
    version: int
    outcome: str  # an AgendaItem.Outcome value
    note: str


@transaction.atomic
def record_outcomes(*, meeting: Meeting, user, outcomes: list[Outcome]) -> list[AgendaItem]:
    """Record what a meeting decided for several challenges at once: all of them or, if any
    cannot be recorded (changed meanwhile, already closed), none."""
    done = []
    day = meeting.date
    where = f"{meeting.forum.name}, {day.day} {day:%B %Y}"
    for item in outcomes:
        challenge = item.challenge
        if item.outcome == AgendaItem.Outcome.ASSURED:
            register.assure(
                challenge=challenge, user=user, version=item.version, outcome=item.note, date=day
            )
        elif item.outcome == AgendaItem.Outcome.CLOSED:
            register.close(
                challenge=challenge,
                user=user,
                version=item.version,
                status=Challenge.Status.NOT_ASSURED,
                reason=item.note,
                date=day,
            )
        elif item.outcome == AgendaItem.Outcome.ESCALATED:
            escalate(
                challenge=challenge,
                user=user,
                version=item.version,
                to_stage=challenge.stage + 1,
                reason=f"{item.note} (at {where})",
                date=day,
            )
        else:
            register.lock_current(challenge, item.version)
            label = AgendaItem.Outcome(item.outcome).label
            text = f"Reviewed at {where}: {label.lower()}." + (f" {item.note}" if item.note else "")
            register.record_progress(
                challenge=challenge,
                user=user,
                text=text,
                date=day,
                answered=item.outcome == AgendaItem.Outcome.PROGRESS,
            )
        done.append(
            AgendaItem.objects.create(
                meeting=meeting,
                challenge=challenge,
                role=AgendaItem.Role.REVIEWED,
                outcome=item.outcome,
                note=item.note,
                recorded_by=user,
            )
        )
    return done


# Settings -----------------------------------------------------------------------------------


@dataclass
class StageInput:
    name: str
    days: int
    forum: Forum | None


class StageInUse(Exception):
    pass


@transaction.atomic
def save_settings(
    *, partnership: Partnership, user, stage_inputs: list[StageInput], **fields
) -> None:
    """The partnership's stages (in order) and follow-up settings. A stage that open
    challenges are at cannot be removed."""
    conf = settings_for(partnership)
    for name, value in fields.items():
        setattr(conf, name, value)
    conf._history_user = user
    conf.save()
    keep = len(stage_inputs)
    at_removed = Challenge.objects.filter(
        partnership=partnership, status=Challenge.Status.OPEN, stage__gt=keep
    ).count()
    if at_removed:
        raise StageInUse(
            f"{at_removed} open challenge{'s are' if at_removed != 1 else ' is'} at a stage "
            f"after stage {keep}: escalation stages cannot be removed while challenges are at "
            "them"
        )
    EscalationStage.objects.filter(partnership=partnership, number__gt=keep).delete()
    for number, given in enumerate(stage_inputs, start=1):
        stage, _ = EscalationStage.objects.get_or_create(
            partnership=partnership,
            number=number,
            defaults={"name": given.name, "days": given.days, "forum": given.forum},
        )
        stage.name, stage.days, stage.forum = given.name, given.days, given.forum
        stage._history_user = user
        stage.save()

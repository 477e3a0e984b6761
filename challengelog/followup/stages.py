"""The stages of a partnership's escalation procedure and where each challenge stands in it.

A challenge awaits a response from the day it is raised or escalated. When none comes within
its stage's timescale (in working days: weekends and bank holidays do not count), it is
flagged. A response or recorded progress stops the clock; escalating starts it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from challengelog.followup.models import EscalationStage
from challengelog.followup.workingdays import add_working_days, latest_start_past, overdue_by
from challengelog.register.models import Challenge, Partnership

DEFAULT_STAGES = [
    (1, "Business unit officer", 5),
    (2, "Subgroup chair", 5),
    (3, "Independent chair or scrutineer", 10),
    (4, "Partnership executive", 10),
]


def stages(partnership: Partnership) -> list[EscalationStage]:
    """The partnership's stages in order; the defaults are made the first time they are asked."""
    found = list(EscalationStage.objects.filter(partnership=partnership).select_related("forum"))
    if found:
        return found
    with transaction.atomic():
        for number, name, days in DEFAULT_STAGES:
            EscalationStage.objects.get_or_create(
                partnership=partnership, number=number, defaults={"name": name, "days": days}
            )
    return list(EscalationStage.objects.filter(partnership=partnership).select_related("forum"))


@dataclass
class Standing:
    """Where a challenge stands in the escalation procedure today."""

    stage: EscalationStage | None
    of: int
    awaiting_since: dt.date | None
    due: dt.date | None
    late_by: int

    @property
    def flagged(self) -> bool:
        return self.late_by > 0

    @property
    def last_stage(self) -> bool:
        return self.stage is not None and self.stage.number >= self.of


def standing(challenge: Challenge, all_stages: list[EscalationStage], today: dt.date) -> Standing:
    stage = next((s for s in all_stages if s.number == challenge.stage), None)
    if stage is None and all_stages:  # a stage since removed: the highest one left
        stage = all_stages[-1]
    since = challenge.awaiting_since if challenge.status == Challenge.Status.OPEN else None
    due = add_working_days(since, stage.days) if since and stage else None
    return Standing(
        stage=stage,
        of=len(all_stages),
        awaiting_since=since,
        due=due,
        late_by=overdue_by(due, today) if due else 0,
    )


def flagged(challenges: QuerySet, partnership: Partnership, today: dt.date) -> QuerySet:
    """The open challenges among `challenges` awaiting a response past their stage's timescale,
    found by the database: one date limit per stage."""
    limits = Q(pk__in=[])
    all_stages = stages(partnership)
    for stage in all_stages:
        number = Q(stage=stage.number)
        if stage is all_stages[-1]:
            number = Q(stage__gte=stage.number)
        limits |= number & Q(awaiting_since__lte=latest_start_past(today, stage.days))
    return challenges.filter(limits, status=Challenge.Status.OPEN, awaiting_since__isnull=False)

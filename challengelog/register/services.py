"""Writes to the register that are not an import: every write in one place, each one
transaction, each recorded in the history with who made it."""

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from challengelog.register import signals
from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    Evidence,
    Forum,
    Partnership,
    ProgressUpdate,
    Raiser,
)


def next_reference(partnership: Partnership) -> str:
    """The reference a new challenge takes: the highest number so far plus one, in its style
    ("148" -> "149", "CL-009" -> "CL-010")."""
    last = (
        Challenge.objects.filter(partnership=partnership)
        .order_by("-reference_number")
        .values_list("reference", "reference_number")
        .first()
    )
    if not last or not last[1]:
        return "1"
    reference, number = last
    match = re.match(r"^(.*?)(\d+)$", reference)
    prefix, digits = match.group(1), match.group(2)
    return f"{prefix}{str(number + 1).zfill(len(digits))}"


class Conflict(Exception):
    """Someone else saved the challenge since this form was opened."""

    def __init__(self, challenge: Challenge, changes: list[dict]):
        self.challenge = challenge
        self.changes = changes
        super().__init__(f"Challenge {challenge.reference} was changed meanwhile")


@dataclass
class ActionInput:
    text: str
    agency: Agency | None = None
    lead: str = ""
    due: dt.date | None = None
    # Due by the next meeting of this forum instead of on a date.
    due_forum: Forum | None = None


class NoMeetingPlanned(Exception):
    """An action is due "by the next meeting" of a forum with none in its forward plan."""


def _to_as_recorded(agencies: list[Agency], to_all: bool) -> str:
    names = [a.name for a in agencies]
    if to_all:
        names.insert(0, "All partners")
    return "; ".join(names)


def next_position(challenge: Challenge) -> int:
    last = challenge.updates.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def raise_challenge(
    *,
    partnership: Partnership,
    user,
    date_raised: dt.date,
    forum: Forum,
    raised_by: Raiser,
    agencies: list[Agency],
    to_all_partners: bool,
    text: str,
    risk: str,
    actions: list[ActionInput],
) -> Challenge:
    """Record a challenge raised at a meeting, with its actions. It takes the next number."""
    # Taking the partnership row first makes two people raising at once queue for numbers.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    challenge = Challenge.objects.create(
        partnership=partnership,
        reference=next_reference(partnership),
        date_raised=date_raised,
        forum=forum,
        meeting_as_recorded=forum.name,
        raised_by=raised_by,
        raised_by_as_recorded=raised_by.name,
        to_all_partners=to_all_partners,
        to_as_recorded=_to_as_recorded(agencies, to_all_partners),
        text=text,
        risk=risk,
        created_by=user,
        awaiting_since=date_raised,
    )
    challenge.agencies.set(agencies)
    today = timezone.localdate()
    for position, action in enumerate(actions, start=1):
        _make_action(challenge, action, position, f"Action {position}: ", today)
    signals.challenge_raised.send(
        sender=Challenge, challenge=challenge, actions_text=" ".join(a.text for a in actions)
    )
    return challenge


def _make_action(challenge, action: ActionInput, position, label, today, user=None):
    row = Action(
        challenge=challenge,
        text=action.text,
        agency=action.agency,
        lead=action.lead,
        due=action.due,
        position=position,
    )
    if action.due_forum and not _due_by_next_meeting(row, action.due_forum, today):
        message = (
            f"{label}no meeting of {action.due_forum.name} is planned whose "
            "papers have not yet gone out; add one to the forward plan or give a date"
        )
        raise NoMeetingPlanned(message[0].upper() + message[1:])
    if user is not None:
        row._history_user = user
    row.save()
    return row


def _due_by_next_meeting(action: Action, forum: Forum, today: dt.date) -> bool:
    answers = signals.due_by_next_meeting.send(
        sender=Action, action=action, forum=forum, today=today
    )
    return any(answer for _, answer in answers)


class NotOpen(Exception):
    """A challenge that is no longer open takes no new actions."""


@transaction.atomic
def add_action(*, challenge: Challenge, user, action: ActionInput) -> Action:
    """An action agreed after the challenge was raised (at a later meeting, say). It goes
    after the challenge's other actions; the challenge row is locked so that two added at
    once take different places."""
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.status != Challenge.Status.OPEN:
        raise NotOpen(
            f"Challenge {locked.reference} is {locked.get_status_display().lower()}: "
            "reopen it before adding an action"
        )
    position = (locked.actions.aggregate(m=Max("position"))["m"] or 0) + 1
    return _make_action(locked, action, position, "", timezone.localdate(), user=user)


def _changes_since(challenge: Challenge, version: int) -> list[dict]:
    """What others changed after `version`: who, when, which fields, before and after."""
    records = list(challenge.history.filter(version__gte=version).order_by("history_date"))
    if len(records) == 1:  # no record of the version the form was opened at: say who saved
        only = records[0]
        return [
            {"who": str(only.history_user or "someone"), "when": only.history_date, "fields": []}
        ]
    out = []
    for older, newer in itertools.pairwise(records):
        delta = newer.diff_against(older, excluded_fields=["version", "updated"])
        out.append(
            {
                "who": str(newer.history_user or "someone"),
                "when": newer.history_date,
                "fields": [
                    {
                        "field": Challenge._meta.get_field(c.field).verbose_name,
                        "old": c.old,
                        "new": c.new,
                    }
                    for c in delta.changes
                    if c.field != "agencies"
                ],
            }
        )
    return out


def lock_current(challenge: Challenge, version: int) -> Challenge:
    current = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if current.version != version:
        raise Conflict(current, _changes_since(current, version))
    return current


def save_version(challenge: Challenge, user, reason: str = "") -> None:
    challenge.version += 1
    challenge._history_user = user
    if reason:
        challenge._change_reason = reason[:100]
    challenge.save()


@transaction.atomic
def edit_challenge(
    *, challenge: Challenge, user, version: int, agencies=None, **fields
) -> Challenge:
    """Change a challenge's fields, refusing if it was saved by someone else meanwhile."""
    current = lock_current(challenge, version)
    for name, value in fields.items():
        setattr(current, name, value)
    if agencies is not None:
        current.to_as_recorded = _to_as_recorded(list(agencies), current.to_all_partners)
    save_version(current, user, "Edited")
    if agencies is not None:
        current.agencies.set(agencies)
    signals.challenge_edited.send(
        sender=Challenge, challenge=current, agencies_changed=agencies is not None
    )
    return current


def _answered(challenge: Challenge) -> None:
    # The clock of the escalation stage stops; not an edit, so the version is left alone.
    Challenge.objects.filter(pk=challenge.pk).update(awaiting_since=None)


@transaction.atomic
def record_progress(
    *, challenge: Challenge, user, text: str, date: dt.date, answered: bool = True
) -> ProgressUpdate:
    """Progress recorded by the board; unless told otherwise, it answers the challenge for its
    escalation stage (progress is often reported at the meeting rather than sent in)."""
    if answered:
        _answered(challenge)
    return ProgressUpdate.objects.create(
        challenge=challenge,
        kind=ProgressUpdate.Kind.PROGRESS,
        text=text,
        date=date,
        author=user,
        author_name=str(user),
        position=next_position(challenge),
    )


@transaction.atomic
def respond(
    *,
    challenge: Challenge,
    user,
    agency: Agency | None,
    text: str,
    files=(),
    on_behalf_of: str = "",
) -> ProgressUpdate:
    """An agency's response, with its evidence files (already checked by the form)."""
    _answered(challenge)
    update = ProgressUpdate.objects.create(
        challenge=challenge,
        kind=ProgressUpdate.Kind.RESPONSE,
        text=text,
        date=timezone.localdate(),
        author=user,
        author_name=str(user),
        agency=agency,
        on_behalf_of=on_behalf_of,
        position=next_position(challenge),
    )
    for upload in files:
        Evidence.objects.create(
            update=update,
            file=upload,
            name=upload.name[:255],
            content_type=upload.content_type or "",
            size=upload.size,
        )
    return update


def _change_status(challenge, user, version, *, status, resolved_on, note, date, **fields):
    """Set a challenge's status (refusing a stale version) and say so in its timeline."""
    current = lock_current(challenge, version)
    current.status = status
    current.date_resolved = resolved_on
    for name, value in fields.items():
        setattr(current, name, value)
    save_version(current, user, current.get_status_display())
    ProgressUpdate.objects.create(
        challenge=current,
        kind=ProgressUpdate.Kind.STATUS,
        date=date,
        author=user,
        author_name=str(user),
        text=note,
        position=next_position(current),
    )
    return current


@transaction.atomic
def assure(*, challenge: Challenge, user, version: int, outcome: str, date: dt.date) -> Challenge:
    """Agree the board is assured: the outcome and impact statement is required."""
    return _change_status(
        challenge,
        user,
        version,
        status=Challenge.Status.ASSURED,
        resolved_on=date,
        note=f"Assured. Outcome and impact: {outcome}",
        date=date,
        outcome=outcome,
    )


@transaction.atomic
def close(
    *, challenge: Challenge, user, version: int, status: str, reason: str, date: dt.date
) -> Challenge:
    """Close without assurance, or withdraw: a reason is always recorded."""
    label = Challenge.Status(status).label
    return _change_status(
        challenge,
        user,
        version,
        status=status,
        resolved_on=date,
        note=f"{label}: {reason}",
        date=date,
    )


@transaction.atomic
def reopen(*, challenge: Challenge, user, version: int, reason: str) -> Challenge:
    today = timezone.localdate()
    return _change_status(
        challenge,
        user,
        version,
        status=Challenge.Status.OPEN,
        resolved_on=None,
        note=f"Reopened: {reason}",
        date=today,
        awaiting_since=today,
    )


@transaction.atomic
def complete_action(*, action: Action, user, date: dt.date) -> Action:
    action.completed_on = date
    action._history_user = user
    action.save()
    return action


# The raise and edit forms' cleaned data, as the web pages and the API both send it --------


def action_from_data(data: dict) -> ActionInput:
    """One action form's cleaned data (the raise form's rows, the add-an-action page, the API)."""
    return ActionInput(
        text=data["text"].strip(),
        agency=data.get("agency"),
        lead=data.get("lead", ""),
        due=data.get("due"),
        due_forum=data.get("due_forum"),
    )


def actions_from_forms(formset) -> list[ActionInput]:
    return [
        action_from_data(f.cleaned_data)
        for f in formset.forms
        if (f.cleaned_data.get("text") or "").strip()
    ]


@transaction.atomic
def raise_from_form(*, partnership: Partnership, user, data: dict, actions) -> Challenge:
    """`raise_challenge` with a RaiseForm's cleaned data; a new raiser joins the list in the
    same transaction (nothing is left behind when the raise is refused)."""
    raiser = data["raised_by"]
    if raiser.pk is None:
        raiser.save()
    return raise_challenge(
        partnership=partnership,
        user=user,
        date_raised=data["date_raised"],
        forum=data["forum"],
        raised_by=raiser,
        agencies=list(data["agencies"]),
        to_all_partners=data["to_all_partners"],
        text=data["text"],
        risk=data["risk"],
        actions=actions,
    )


@transaction.atomic
def edit_from_form(*, challenge: Challenge, user, data: dict) -> Challenge:
    """`edit_challenge` with an EditForm's cleaned data: the names as recorded change only
    when the canonical entry does."""
    raiser = data["raised_by"]
    if raiser.pk is None:
        raiser.save()
    forum = data["forum"]
    return edit_challenge(
        challenge=challenge,
        user=user,
        version=data["version"],
        date_raised=data["date_raised"],
        forum=forum,
        meeting_as_recorded=forum.name
        if forum != challenge.forum
        else challenge.meeting_as_recorded,
        raised_by=raiser,
        raised_by_as_recorded=raiser.name
        if raiser != challenge.raised_by
        else challenge.raised_by_as_recorded,
        to_all_partners=data["to_all_partners"],
        text=data["text"],
        risk=data["risk"],
        agencies=list(data["agencies"]),
    )

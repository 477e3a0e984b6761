"""Follow-up's answers to the register's signals: a challenge raised is linked to its meeting
and its agency leads are told; an action due "by the next meeting" is given that meeting."""

from challengelog.followup import notices
from challengelog.followup.meetings import link_raised, resolve_due, settings_for
from challengelog.register.models import Challenge


def raised(sender, *, challenge, **kwargs) -> None:
    link_raised([challenge])
    notices.addressed(challenge)


def edited(sender, *, challenge, agencies_changed, **kwargs) -> None:
    # The leads of an agency added now are told; nobody is told twice.
    if agencies_changed and challenge.status == Challenge.Status.OPEN:
        notices.addressed(challenge)


def due_by_next_meeting(sender, *, action, forum, today, **kwargs) -> bool:
    papers_days = settings_for(action.challenge.partnership).papers_days
    return resolve_due(action, forum, today, papers_days)


def connect() -> None:
    from challengelog.register import signals

    signals.challenge_raised.connect(raised, dispatch_uid="followup-raised")
    signals.challenge_edited.connect(edited, dispatch_uid="followup-edited")
    signals.due_by_next_meeting.connect(due_by_next_meeting, dispatch_uid="followup-due")

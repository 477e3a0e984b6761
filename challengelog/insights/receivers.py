"""Insights' answers to the register's signals: themes are suggested for a challenge raised
or edited (never over the themes staff have set)."""

from challengelog.insights.services import suggest_themes


def raised(sender, *, challenge, actions_text="", **kwargs) -> None:
    suggest_themes([challenge], also={challenge.pk: actions_text})


def edited(sender, *, challenge, **kwargs) -> None:
    suggest_themes([challenge])


def connect() -> None:
    from challengelog.register import signals

    signals.challenge_raised.connect(raised, dispatch_uid="insights-raised")
    signals.challenge_edited.connect(edited, dispatch_uid="insights-edited")

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "challengelog.insights"
    label = "insights"
    verbose_name = "Insight"

    def ready(self):
        from django.db.models.signals import post_migrate

        from challengelog.insights import receivers, tally

        receivers.connect()
        _watch_for_figures()

        post_migrate.connect(tally.migrated, sender=self, dispatch_uid="challengelog-tally")


def _watch_for_figures() -> None:
    """The kept figures read the themes, recurring concerns and tallies too."""
    from challengelog.insights.models import (
        ChallengeTheme,
        RecurringGroup,
        RecurringRun,
        Tally,
        ThemeReview,
    )
    from challengelog.register import versions

    versions.watch(
        ChallengeTheme,
        ThemeReview,
        RecurringGroup,
        RecurringGroup.challenges.through,
        RecurringRun,
        Tally,
    )

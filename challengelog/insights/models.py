"""What the insight pages keep between requests: each challenge's themes, and the recurring
concerns found in a partnership's log."""

from django.conf import settings
from django.db import models

from challengelog.insights.themes import THEMES
from challengelog.register.models import Challenge, Partnership

THEME_CHOICES = [(rule.slug, rule.name) for rule in THEMES]


class ChallengeTheme(models.Model):
    """One theme of one challenge: suggested by the rules (with the words that matched) or
    set by staff."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=60, choices=THEME_CHOICES)
    suggested = models.BooleanField(default=True)
    matched = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["theme"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "theme"], name="one_theme_once")
        ]
        indexes = [models.Index(fields=["theme", "challenge"], name="theme_challenges")]

    def __str__(self) -> str:
        return self.get_theme_display()


class ThemeReview(models.Model):
    """Staff have set this challenge's themes: suggestions no longer replace them."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="theme_review"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"themes of {self.challenge.reference} reviewed"


class RecurringGroup(models.Model):
    """Challenges that raise the same concern again, as last found in the partnership's log."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="recurring_groups"
    )
    position = models.PositiveIntegerField(default=0)
    concern = models.CharField(max_length=200)
    terms = models.JSONField(default=list)
    challenges = models.ManyToManyField(Challenge, related_name="recurring_groups")
    size = models.PositiveIntegerField(default=0)
    # Its challenges' ids in order, read only when a page narrows the groups to a period or
    # to what a reader may see.
    members = models.JSONField(default=list)
    # What the pages show of it, as found: its references in order, when they were raised,
    # how many were open, and the agencies challenged more than once.
    summary = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["partnership", "position"], name="recurring_order")]

    def __str__(self) -> str:
        return self.concern


class RecurringRun(models.Model):
    """When the partnership's recurring concerns were last found, and from how many challenges:
    the groups are found again when the log has changed since."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="recurring_run"
    )
    computed_at = models.DateTimeField()
    challenges = models.PositiveIntegerField(default=0)
    last_change = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.partnership}: {self.computed_at:%d/%m/%Y %H:%M}"


class Tally(models.Model):
    """How many of a partnership's challenges, raised in one month and now in one status, have
    one value of one kind: all of them, a forum, a raiser, a risk, an agency, a theme, addressed
    to every partner, or (assured ones) a number of days from raised to assured. Kept by the
    database's own triggers on every write to the challenges, their agencies and their themes
    (``insights.tally``), so the dashboard adds these up instead of counting the log. A count
    is its merged row plus, on PostgreSQL, the deltas written since it was last merged."""

    # Not a foreign key: a partnership's challenges are deleted after its rows here would be,
    # and each deletion counts down a row of the partnership being deleted.
    partnership_id = models.IntegerField()
    month = models.IntegerField()  # year * 100 + month; 0 for no date recorded
    status = models.CharField(max_length=20)
    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=60, blank=True)
    n = models.IntegerField(default=0)
    merged = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership_id", "kind", "month", "status", "value"],
                condition=models.Q(merged=True),
                name="one_merged_tally",
            )
        ]
        indexes = [
            # The dashboard's read, in its grouping's order, from the index alone.
            models.Index(
                fields=["partnership_id", "kind", "value", "status", "month", "n"],
                name="tally_read",
            ),
            models.Index(
                fields=["partnership_id"], condition=models.Q(merged=False), name="tally_deltas"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.partnership_id} {self.month} {self.status} {self.kind}={self.value}: {self.n}"
        )

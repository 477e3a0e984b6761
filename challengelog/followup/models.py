"""Follow-up: the meetings of each forum, the stages of escalation, the notices sent by
e-mail, and each partnership's settings for them (timescales, the letter to an agency)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from challengelog.register.models import Challenge, Forum, Partnership

DEFAULT_LETTER_SUBJECT = "Challenge {{ reference }} from {{ partnership }}"
DEFAULT_LETTER_BODY = """Dear {{ lead }},

Challenge {{ reference }}, raised at {{ meeting }} on {{ date_raised }}

{{ partnership }} has raised the following challenge with {{ agency }}:

{{ challenge }}

The action agreed is:

{{ actions }}

Please send your response, with any evidence, by {{ due }}. The challenge is at stage \
{{ stage_number }} of our escalation procedure ({{ stage }}); without a response within \
{{ stage_days }} working days it will be escalated to the next stage.

Yours sincerely,

{{ signatory }}"""


class FollowupSettings(models.Model):
    """A partnership's choices for follow-up; made with the defaults when first needed."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="followup_settings"
    )
    papers_days = models.PositiveSmallIntegerField(
        "papers go out this many working days before a meeting",
        default=5,
        help_text="An action due “by the next meeting” is due on that day, so that its "
        "response can go in the papers.",
    )
    remind_days = models.PositiveSmallIntegerField(
        "remind this many working days before a due date", default=3
    )
    letter_subject = models.CharField(max_length=300, default=DEFAULT_LETTER_SUBJECT)
    letter_body = models.TextField(default=DEFAULT_LETTER_BODY)
    signatory = models.CharField(
        "letters are signed by",
        max_length=300,
        blank=True,
        help_text="For example: Independent Chair, Southampton Safeguarding Partnership",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Follow-up settings of {self.partnership}"


class EscalationStage(models.Model):
    """One stage of a partnership's escalation procedure, with its timescale for a response."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="escalation_stages"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    days = models.PositiveSmallIntegerField("timescale in working days")
    forum = models.ForeignKey(
        Forum,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting that reviews challenges at this stage, if any.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="stage_unique_number")
        ]

    def __str__(self) -> str:
        return f"Stage {self.number}: {self.name}"


class Escalation(models.Model):
    """A step up the escalation procedure: who took it, when, why, from which stage to which."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="escalations")
    from_stage = models.PositiveSmallIntegerField()
    to_stage = models.PositiveSmallIntegerField()
    stage_name = models.CharField("stage as named then", max_length=200)
    on = models.DateField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(max_length=254)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.challenge.reference}: stage {self.from_stage} to {self.to_stage}"


class Meeting(models.Model):
    """A meeting of a forum: past ones record what was raised and reviewed there, future ones
    make the forward plan that due dates and meeting papers are drawn from."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    forum = models.ForeignKey(Forum, on_delete=models.RESTRICT, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=300, blank=True)
    cancelled = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "forum__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "date"], name="meeting_unique_forum_date")
        ]
        indexes = [models.Index(fields=["partnership", "date"], name="meeting_plan")]

    def __str__(self) -> str:
        return self.title or f"{self.forum.name}, {self.date.day} {self.date:%B %Y}"


class AgendaItem(models.Model):
    """A challenge at a meeting: raised there, or reviewed there with the outcome recorded."""

    class Role(models.TextChoices):
        RAISED = "raised", "Raised"
        REVIEWED = "reviewed", "Reviewed"

    class Outcome(models.TextChoices):
        PROGRESS = "progress", "Progress noted"
        ASSURED = "assured", "Agreed as assured"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed without assurance"
        DEFERRED = "deferred", "Deferred to the next meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="agenda_items")
    role = models.CharField(max_length=20, choices=Role.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting__date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "challenge", "role"], name="agenda_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge.reference} {self.get_role_display().lower()} at {self.meeting}"


class Notice(models.Model):
    """An e-mail to one person, kept until it has been sent. Its key makes it once only: the
    same notice is never made twice, and one that failed to send is tried again."""

    class Kind(models.TextChoices):
        ADDRESSED = "addressed", "Challenge addressed to your agency"
        DUE_SOON = "due_soon", "Action due soon"
        OVERDUE = "overdue", "Action overdue"
        TIMESCALE = "timescale", "Response past its timescale"
        ESCALATED = "escalated", "Challenge escalated"
        DIGEST = "digest", "Weekly digest"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    # Set while one run is sending it, so that two runs at once do not both send it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="included"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once")]
        indexes = [models.Index(fields=["sent_at", "kind"], name="notice_unsent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user}: {self.subject}"

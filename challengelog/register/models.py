"""The register: partnerships, their canonical lists of names, challenges and their timelines.

Text as recorded is kept verbatim beside every canonical name and never replaced by it.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

# Top-level paths the product uses itself: a partnership may not take one as its slug.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "log",
        "static",
        "media",
        "accounts",
        "account",
        "staff",
        "login",
        "logout",
        "signin",
        "sign-in",
        "signout",
        "sign-out",
        "accessibility",
        "privacy",
        "cookies",
        "help",
        "about",
        "health",
        "healthz",
        "robots.txt",
        "favicon.ico",
        "search",
        "dashboard",
        "import",
        "export",
        "settings",
        "users",
        "me",
        "home",
        "work",
    }
)


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            f"“{value}” is used by the product itself; choose another short name.",
            code="reserved",
        )


class Partnership(models.Model):
    """A safeguarding board or partnership: every record belongs to one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lower-case letters, digits and hyphens."),
            validate_slug_not_reserved,
        ],
    )
    created = models.DateTimeField(auto_now_add=True)
    # Records management: closed challenges are deleted this many months after they closed
    # (ops.retention); empty keeps them.
    retention_months = models.PositiveSmallIntegerField(
        "keep closed challenges for (months)", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def name_from_slug(slug: str) -> str:
        return slug.replace("-", " ").title()

    def clean(self) -> None:
        if not self.slug:
            self.slug = slugify(self.name)


class CanonicalName(models.Model):
    """One entry of a canonical list, with every spelling seen for it (its aliases)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, help_text="Its short name in web addresses.")
    aliases = models.JSONField(default=list, blank=True)
    retired = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.free_slug()
        super().save(*args, **kwargs)

    def free_slug(self) -> str:
        """A slug from the name, unique within the partnership ("police", "police-2")."""
        base = slugify(self.name)[:100] or "entry"
        taken = set(
            type(self)
            .objects.filter(partnership_id=self.partnership_id, slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    @property
    def spellings(self) -> list[str]:
        return [self.name, *[a for a in self.aliases if a != self.name]]

    def add_alias(self, spelling: str) -> bool:
        if spelling and spelling != self.name and spelling not in self.aliases:
            self.aliases = [*self.aliases, spelling]
            return True
        return False


class Agency(CanonicalName):
    """A partner organisation (or a body of the partnership itself) that challenges go to."""

    is_member = models.BooleanField(
        "member agency",
        default=False,
        help_text="A member of the partnership: a challenge to all partners is tracked for it.",
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text="The body that took over its work (a CCG became an ICB).",
    )
    succeeded_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta(CanonicalName.Meta):
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_unique_name"),
            models.UniqueConstraint(fields=["partnership", "slug"], name="agency_unique_slug"),
        ]


class Forum(CanonicalName):
    """Where a challenge was raised: a meeting or group, or a source of another kind."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting or group"
        AUDIT = "audit", "Audit"
        REPORT = "report", "Report"
        DATASET = "dataset", "Dataset"
        WORKSHOP = "workshop", "Workshop or review"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEETING)
    history = HistoricalRecords()

    class Meta(CanonicalName.Meta):
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="forum_unique_name"),
            models.UniqueConstraint(fields=["partnership", "slug"], name="forum_unique_slug"),
        ]


class Raiser(CanonicalName):
    """Who raised a challenge: a role or a group ("Independent Chair", "M&E Group members")."""

    history = HistoricalRecords()

    class Meta(CanonicalName.Meta):
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="raiser_unique_name"),
            models.UniqueConstraint(fields=["partnership", "slug"], name="raiser_unique_slug"),
        ]


_REFERENCE_NUMBER = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def reference_sort_key(reference: str) -> int:
    """The number at the end of a reference ("148", "CL-007"), for ordering; 0 when none."""
    match = _REFERENCE_NUMBER.match(reference or "")
    # Capped at what an integer column holds: a longer number sorts last.
    return min(int(match.group("number")), 2_147_483_647) if match else 0


RISK_FLAGS = {"yes": True, "no": False}
# The sort date of a challenge with no date raised: it sorts as the oldest.
UNDATED = dt.date(1, 1, 1)


def dated(queryset):
    """The rows with a date raised, in a form that reads the log's index (partnership,
    sort date): a range on the sort date. SQLite, given only "date raised is not null", has
    chosen the status index and sorted every row."""
    return queryset.filter(sort_date__gt=UNDATED, date_raised__isnull=False)


class DerivedFlags:
    """What is derived from the stored status and risk, for a challenge and its published copy."""

    @property
    def resolved(self) -> bool:
        return self.status == "assured"

    @property
    def risk_flag(self) -> bool | None:
        return RISK_FLAGS.get(self.risk)


class Challenge(DerivedFlags, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ASSURED = "assured", "Assured"
        NOT_ASSURED = "not_assured", "Closed, not assured"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Risk(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_RECORDED = "not_recorded", "Not recorded"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="challenges"
    )
    reference = models.CharField(max_length=40)
    reference_number = models.PositiveIntegerField(default=0, editable=False)
    date_raised = models.DateField(null=True, blank=True)
    # The log's order, kept by the database: undated challenges sort as the oldest. Having no
    # NULLs lets one index serve "newest first" and its keyset pages on SQLite and PostgreSQL.
    sort_date = models.GeneratedField(
        expression=Coalesce("date_raised", models.Value(UNDATED)),
        output_field=models.DateField(),
        db_persist=True,
    )

    forum = models.ForeignKey(Forum, null=True, blank=True, on_delete=models.RESTRICT)
    meeting_as_recorded = models.CharField(max_length=500, blank=True)
    raised_by = models.ForeignKey(Raiser, null=True, blank=True, on_delete=models.RESTRICT)
    raised_by_as_recorded = models.CharField(max_length=500, blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="challenges")
    to_all_partners = models.BooleanField(
        default=False, help_text="Addressed to every member agency of the partnership."
    )
    to_as_recorded = models.CharField(max_length=500, blank=True)

    text = models.TextField("challenge")
    risk = models.CharField(max_length=20, choices=Risk.choices, default=Risk.NOT_RECORDED)
    risk_as_recorded = models.CharField(max_length=20, blank=True)
    action = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    date_resolved = models.DateField(null=True, blank=True)
    outcome = models.TextField(
        "outcome and impact",
        blank=True,
        help_text="What changed because of the challenge: recorded when it is assured.",
    )

    # Escalation: the stage the challenge is at, and since when a response has been awaited
    # (empty once answered). Past its stage's timescale without one, it is flagged.
    stage = models.PositiveSmallIntegerField("escalation stage", default=1)
    awaiting_since = models.DateField("awaiting a response since", null=True, blank=True)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Raised by one on every save: a form that saves from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[agencies], excluded_fields=["sort_date"])

    class Meta:
        ordering = ["-sort_date", "-reference_number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference"], name="challenge_unique_reference"
            )
        ]
        indexes = [
            models.Index(
                fields=["partnership", "-sort_date", "-reference_number", "-id"],
                name="challenge_log_order",
            ),
            models.Index(
                fields=["partnership", "status", "-sort_date", "-reference_number", "-id"],
                name="challenge_status_order",
            ),
            models.Index(
                fields=["partnership", "status", "awaiting_since", "stage"],
                name="challenge_awaiting",
            ),
            # The last change to a partnership's log, read without reading the log.
            models.Index(fields=["partnership", "updated"], name="challenge_updated"),
            # Covers the dashboard's counts (by status, meeting, raiser, risk and day) so each
            # reads this narrow index instead of the rows with their text.
            models.Index(
                fields=[
                    "partnership",
                    "status",
                    "forum",
                    "raised_by",
                    "risk",
                    "date_raised",
                    "to_all_partners",
                    "date_resolved",
                ],
                name="challenge_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.reference_number = reference_sort_key(self.reference)
        super().save(*args, **kwargs)


class Action(models.Model):
    """An agreed action: what is to be done, by which agency, by when."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField("action")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.RESTRICT, related_name="actions"
    )
    lead = models.CharField("named lead", max_length=200, blank=True)
    due = models.DateField("due date", null=True, blank=True)
    # Due "by the next meeting of" a forum: the date follows the meeting if it moves.
    due_meeting = models.ForeignKey(
        "followup.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_due",
    )
    completed_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["due", "completed_on"], name="action_due"),
            # The actions not yet done in due order: the longest overdue found first.
            models.Index(
                fields=["due", "id"],
                condition=models.Q(completed_on__isnull=True),
                name="action_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ProgressUpdate(models.Model):
    """One entry in a challenge's timeline: progress recorded by the board, a response from an
    agency, or a change of status. Imported progress has no date: it was never recorded."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress"
        RESPONSE = "response", "Response"
        STATUS = "status", "Status changed"
        ESCALATION = "escalation", "Escalated"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    date = models.DateField(null=True, blank=True, help_text="Empty when not recorded.")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        help_text="For a response: the agency answering.",
    )
    on_behalf_of = models.CharField(
        max_length=200,
        blank=True,
        help_text="A response recorded for a respondent without an account.",
    )
    imported = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.date or 'date not recorded'}: {self.text[:60]}"


def evidence_path(instance, filename: str) -> str:
    import uuid

    return f"evidence/{instance.update.challenge.partnership_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file sent with a response. Stored outside the web root under a random name and
    served only to those who may see its challenge."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField("file name as uploaded", max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ChallengeView(models.Model):
    """Who looked at a challenge, and when: its internal page or its record over the API.
    Repeated looks by one person within VIEW_WINDOW are one entry. Kept as long as the
    challenge is: deleting a challenge deletes its views."""

    class Via(models.TextChoices):
        PAGE = "page", "Its page"
        API = "api", "The API"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField("who (as they were known then)", max_length=254)
    at = models.DateTimeField()
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PAGE)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["challenge", "-at"], name="view_challenge"),
            models.Index(fields=["user", "-at"], name="view_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} viewed {self.challenge_id} at {self.at:%d/%m/%Y %H:%M}"


VIEW_WINDOW = dt.timedelta(minutes=10)


def record_view(challenge: Challenge, user, via: str = ChallengeView.Via.PAGE) -> None:
    from django.utils import timezone

    now = timezone.now()
    if ChallengeView.objects.filter(
        challenge=challenge, user=user, via=via, at__gte=now - VIEW_WINDOW
    ).exists():
        return
    ChallengeView.objects.create(
        challenge=challenge, user=user, user_label=user.email, at=now, via=via
    )


class DataVersion(models.Model):
    """One row whose number moves after every change to what the figures read (see
    ``register.versions``)."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.number}"

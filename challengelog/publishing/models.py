"""The public log: a separately approved copy of each challenge, never the internal record.

A PublishedChallenge carries the same field names as a Challenge, so the log's pages,
filters, search and keyset pages serve either; its text has been through redaction. Its
agencies, meeting and raiser are PublishedEntry rows: the canonical names as they were
published (redacted, with public slugs made from the redacted label), so nothing public is
read from the internal reference lists, and a rename there changes nothing public until the
next publish.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from challengelog.register.models import (
    Challenge,
    DerivedFlags,
    Partnership,
)


class Publication(models.Model):
    """One act of publishing: who, when, what, and the whole-log downloads built for it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="publications"
    )
    published_at = models.DateTimeField(auto_now_add=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_label = models.CharField(max_length=254, blank=True)
    count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    approvals = models.JSONField(
        default=list,
        blank=True,
        help_text="What was approved for this publication: reference, who and when, each.",
    )
    files = models.JSONField(default=dict, blank=True, help_text="format -> stored file path")

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return f"{self.partnership}: {self.count} published {self.published_at:%d/%m/%Y %H:%M}"


class PublishedEntry(models.Model):
    """An agency, meeting or raiser as the public copy names it: a snapshot made at publish.

    ``source_id`` is the internal entry's id, kept as a plain number so that a merge or a
    deletion in the reference lists changes nothing public. ``slug`` is made from the
    published label, never from the internal name; it is empty when the label is wholly
    redacted, and such an entry has no public page and is offered in no filter."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        FORUM = "forum", "Meeting or source"
        RAISER = "raiser", "Raised by"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="published_entries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.PositiveBigIntegerField()
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, blank=True)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "source_id"], name="published_entry_source"
            ),
            models.UniqueConstraint(
                fields=["partnership", "kind", "slug"],
                condition=~models.Q(slug=""),
                name="published_entry_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def retired(self) -> bool:
        return False


class PublishedChallenge(DerivedFlags, models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="published")
    source = models.OneToOneField(
        Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="published"
    )
    source_fingerprint = models.CharField(max_length=64)
    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="challenges"
    )

    reference = models.CharField(max_length=40)
    reference_number = models.PositiveIntegerField(default=0)
    date_raised = models.DateField(null=True, blank=True)
    sort_date = models.GeneratedField(
        expression=Coalesce("date_raised", models.Value(dt.date(1, 1, 1))),
        output_field=models.DateField(),
        db_persist=True,
    )
    forum = models.ForeignKey(
        PublishedEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_challenges",
        limit_choices_to={"kind": "forum"},
    )
    meeting_as_recorded = models.CharField(max_length=500, blank=True)
    raised_by = models.ForeignKey(
        PublishedEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raiser_challenges",
        limit_choices_to={"kind": "raiser"},
    )
    raised_by_as_recorded = models.CharField(max_length=500, blank=True)
    agencies = models.ManyToManyField(
        PublishedEntry,
        blank=True,
        related_name="agency_challenges",
        limit_choices_to={"kind": "agency"},
    )
    to_all_partners = models.BooleanField(default=False)
    to_as_recorded = models.CharField(max_length=500, blank=True)
    text = models.TextField("challenge")
    risk = models.CharField(max_length=20, choices=Challenge.Risk.choices)
    action = models.TextField(blank=True)
    progress = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Challenge.Status.choices)
    date_resolved = models.DateField(null=True, blank=True)
    outcome = models.TextField("outcome and impact", blank=True)

    class Meta:
        ordering = ["-sort_date", "-reference_number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference"], name="published_unique_reference"
            )
        ]
        indexes = [
            models.Index(
                fields=["partnership", "-sort_date", "-reference_number", "-id"],
                name="published_log_order",
            ),
            # A status filter (often with a year) walks this in the log's order, and counts
            # from it without reading the rows.
            models.Index(
                fields=["partnership", "status", "-sort_date", "-reference_number", "-id"],
                name="published_status_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} (published)"


class NameReview(models.Model):
    """A reviewer's decision on a person's name found in the log: replace it (with a role or
    "[name removed]") or keep it. A name nobody reviewed is never published."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="name_reviews"
    )
    name = models.CharField(max_length=200)
    replacement = models.CharField(
        max_length=200, help_text="What the public copy shows; the name itself to keep it."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_review_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.replacement}"

    @property
    def kept(self) -> bool:
        return self.replacement == self.name


# simple_history is needed by this model alone.


class SiteInformation(models.Model):
    """What a partnership's accessibility statement, privacy notice and cookies page say of
    it: who to contact, who controls the published information and under which law, how far
    its pages meet WCAG 2.2 AA. A text left empty gives the standard wording
    (publishing.site_information); a partnership without a row gets it throughout."""

    class Compliance(models.TextChoices):
        FULL = "full", "Fully compliant"
        PARTIAL = "partial", "Partially compliant"
        NOT = "not", "Not compliant"

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="site_information"
    )
    # The business unit: how the public reaches it.
    contact_email = models.EmailField("e-mail address", blank=True)
    contact_phone = models.CharField("telephone number", max_length=60, blank=True)
    contact_address = models.TextField("postal address", max_length=500, blank=True)
    reply_days = models.PositiveSmallIntegerField("reply within (working days)", default=10)
    # The privacy notice.
    controller = models.CharField("data controller", max_length=300, blank=True)
    dpo_contact = models.TextField("data protection officer", max_length=1000, blank=True)
    lawful_basis = models.TextField("statutory basis", max_length=3000, blank=True)
    # The accessibility statement.
    compliance = models.CharField(
        "compliance with WCAG 2.2 AA",
        max_length=10,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
    )
    non_compliance = models.TextField(
        "content that does not meet WCAG 2.2 AA", max_length=5000, blank=True
    )
    disproportionate_burden = models.TextField(
        "disproportionate burden", max_length=5000, blank=True
    )
    outside_scope = models.TextField(
        "content outside the scope of the regulations", max_length=5000, blank=True
    )
    testing = models.TextField("how the pages were tested", max_length=3000, blank=True)
    prepared_on = models.DateField("statement prepared on", null=True, blank=True)
    reviewed_on = models.DateField("statement last reviewed on", null=True, blank=True)
    # Raised by one on every save: a form opened at an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated"])

    def __str__(self) -> str:
        return f"Site information of {self.partnership}"


# Fields of a challenge whose public wording a reviewer may set, with their labels.
WORDING_FIELDS = {
    "text": "Challenge",
    "action": "Action",
    "progress": "Progress",
    "outcome": "Outcome and impact",
}


class PublicReview(models.Model):
    """A person's decision on the public copy of one challenge as it stands: approved for
    the next publish, or held back with a reason; with the public wording they set, where
    they changed it. The decision holds only for the internal record it was made on (its
    fingerprint): a challenge changed since (a new response, an edit) waits for a new one."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        HELD = "held", "Held back"
        DRAFT = "draft", "Public wording changed, not yet approved"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="public_reviews"
    )
    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="public_review"
    )
    fingerprint = models.CharField(max_length=64)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True, max_length=2000)
    wording = models.JSONField(
        default=dict, blank=True, help_text="field -> the public wording set by a person"
    )
    wording_by = models.CharField(max_length=254, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=254, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.challenge.reference}: {self.get_decision_display()}"


class PublishingSettings(models.Model):
    """How a partnership publishes. By default every new or changed challenge is approved by
    a person before it is public; a partnership may choose to publish without that step."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="publishing_settings"
    )
    without_review = models.BooleanField(
        "publish without review",
        default=False,
        help_text="Publish every challenge as the redaction leaves it, with nobody approving.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Publishing settings of {self.partnership}"

"""The public log: a separately approved copy of each challenge, never the internal record.

A PublishedChallenge carries the same field names as a Challenge, so the log's pages,
filters, search and keyset pages serve either; its text has been through redaction.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from challengelog.register.models import (
    Agency,
    Challenge,
    DerivedFlags,
    Forum,
    Partnership,
    Raiser,
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
    files = models.JSONField(default=dict, blank=True, help_text="format -> stored file path")

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return f"{self.partnership}: {self.count} published {self.published_at:%d/%m/%Y %H:%M}"


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
        Forum, null=True, blank=True, on_delete=models.SET_NULL, related_name="published_challenges"
    )
    meeting_as_recorded = models.CharField(max_length=500, blank=True)
    raised_by = models.ForeignKey(
        Raiser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="published_challenges",
    )
    raised_by_as_recorded = models.CharField(max_length=500, blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="published_challenges")
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

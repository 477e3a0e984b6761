"""The shapes the API answers with, for its OpenAPI description. The values come from the
product's own records (`ops.export.challenge_record`, `publishing.services.
published_record`): the API, the JSON export and the published JSON download agree."""

from rest_framework import serializers

from challengelog.register.models import Challenge


class PublishedChallenge(serializers.Serializer):
    reference = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text="Date raised")
    meeting = serializers.CharField(help_text="Meeting, as recorded")
    challenge = serializers.CharField()
    raised_by = serializers.CharField(help_text="From, as recorded")
    to = serializers.CharField(help_text="To, as recorded")
    risk = serializers.BooleanField(allow_null=True, help_text="Risk?: null when not recorded")
    action = serializers.CharField()
    progress = serializers.CharField(help_text="The latest progress")
    resolved = serializers.BooleanField()
    status = serializers.ChoiceField(choices=Challenge.Status.choices)
    forum = serializers.CharField(allow_null=True, help_text="Meeting, canonical name")
    agencies = serializers.ListField(child=serializers.CharField(), help_text="Canonical names")


class Update(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    text = serializers.CharField()
    author = serializers.CharField()
    imported = serializers.BooleanField()


class Action(serializers.Serializer):
    id = serializers.IntegerField(help_text="For /actions/{id}/")
    text = serializers.CharField()
    agency = serializers.CharField(allow_null=True)
    lead = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)


class InternalChallenge(PublishedChallenge):
    date_resolved = serializers.DateField(allow_null=True)
    raised_by_canonical = serializers.CharField(allow_null=True)
    to_all_partners = serializers.BooleanField()
    risk_as_recorded = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back with a change")
    stage = serializers.IntegerField(help_text="Escalation stage")
    awaiting_since = serializers.DateField(allow_null=True)
    actions = Action(many=True)
    updates = Update(many=True)


class Page(serializers.Serializer):
    count = serializers.IntegerField(help_text="Matches, counted up to 10,000")
    count_capped = serializers.BooleanField(help_text="More matches than `count`")
    next = serializers.URLField(allow_null=True, help_text="The next page (newest first)")
    previous = serializers.URLField(allow_null=True)


class PublishedPage(Page):
    results = PublishedChallenge(many=True)


class InternalPage(Page):
    results = InternalChallenge(many=True)


class Entry(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    retired = serializers.BooleanField()


class Partnership(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    published = serializers.URLField()


class Error(serializers.Serializer):
    error = serializers.CharField()
    status = serializers.IntegerField()


# What the API takes: validated by the web pages' own forms, so the rules and the messages
# are the same; these shapes describe it for the schema.


class ActionInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    agency = serializers.CharField(required=False, allow_blank=True, help_text="An agency's slug")
    lead = serializers.CharField(required=False, allow_blank=True, max_length=200)
    due = serializers.DateField(required=False, allow_null=True)
    due_forum = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Or due by the next meeting of this forum (its slug), not with `due`",
    )


class RaiseInput(serializers.Serializer):
    date_raised = serializers.DateField()
    forum = serializers.CharField(help_text="The meeting: a name or spelling from its list")
    raised_by = serializers.CharField(help_text="A role or group; a new one joins the list")
    agencies = serializers.ListField(child=serializers.CharField(), required=False)
    to_all_partners = serializers.BooleanField(required=False, default=False)
    text = serializers.CharField(max_length=20_000)
    risk = serializers.ChoiceField(choices=["yes", "no", "not_recorded"])
    actions = ActionInput(many=True)


class EditInput(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version read: a change made since is refused")
    date_raised = serializers.DateField(required=False)
    forum = serializers.CharField(required=False)
    raised_by = serializers.CharField(required=False)
    agencies = serializers.ListField(child=serializers.CharField(), required=False)
    to_all_partners = serializers.BooleanField(required=False)
    text = serializers.CharField(required=False, max_length=20_000)
    risk = serializers.ChoiceField(choices=["yes", "no", "not_recorded"], required=False)


class ProgressInput(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
    date = serializers.DateField(required=False, help_text="Today when left out")


class ResponseInput(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
    agency = serializers.CharField(help_text="The slug of the agency answering")


class Conflict(Error):
    changes = serializers.ListField(child=serializers.DictField())


class DueMeeting(serializers.Serializer):
    forum = serializers.CharField()
    date = serializers.DateField()


class ActionRecord(serializers.Serializer):
    id = serializers.IntegerField()
    challenge = serializers.CharField(help_text="The challenge's reference")
    challenge_url = serializers.URLField()
    challenge_status = serializers.ChoiceField(choices=Challenge.Status.choices)
    text = serializers.CharField()
    agency = serializers.CharField(allow_null=True, help_text="The owning agency")
    agency_slug = serializers.CharField(allow_null=True)
    lead = serializers.CharField(help_text="The named lead, if any")
    due = serializers.DateField(allow_null=True)
    due_meeting = DueMeeting(allow_null=True, help_text="Due by the papers of this meeting")
    completed_on = serializers.DateField(allow_null=True)
    overdue_by = serializers.IntegerField(help_text="Working days past due; 0 when not late")


class ActionPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page (soonest due first)")
    results = ActionRecord(many=True)


class ActionDone(serializers.Serializer):
    completed_on = serializers.DateField(help_text="The day it was done: not in the future")

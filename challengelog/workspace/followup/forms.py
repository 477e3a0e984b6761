"""Forms of follow-up. Each error names the problem in words for the person."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from challengelog.accounts.models import User
from challengelog.followup.letters import PLACEHOLDERS, unknown_placeholders
from challengelog.followup.models import AgendaItem, FollowupSettings
from challengelog.register.forms import GovukForm, UKDateField
from challengelog.register.models import Forum


class EscalateForm(GovukForm):
    to_stage = forms.TypedChoiceField(label="Escalate to", coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why is it escalated?",
        widget=forms.Textarea,
        max_length=5000,
        help_text="The agency and the chair of the next stage will read this.",
    )
    date = UKDateField(label="Date")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, challenge, stages, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        later = [s for s in stages if s.number > challenge.stage]
        if later:
            kwargs["initial"].setdefault("to_stage", later[0].number)
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (s.number, f"Stage {s.number}: {s.name} ({s.days} working days)") for s in later
        ]
        self.fields["to_stage"].error_messages["required"] = "Choose the stage to escalate to"
        self.fields["reason"].error_messages["required"] = "Enter why the challenge is escalated"


class MeetingForm(GovukForm):
    forum = forms.ModelChoiceField(
        label="Forum", queryset=Forum.objects.none(), empty_label="Choose a forum"
    )
    date = UKDateField(label="Date", future_allowed=True, help_text="For example, 06/06/2027")
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="For example: Extraordinary meeting",
    )
    location = forms.CharField(label="Where (optional)", required=False, max_length=300)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["forum"].queryset = Forum.objects.filter(
            partnership=partnership, retired=False, kind=Forum.Kind.MEETING
        )

    def clean(self):
        data = super().clean()
        forum, date = data.get("forum"), data.get("date")
        if forum and date:
            clash = forum.meetings.filter(date=date)
            if getattr(self, "meeting", None):
                clash = clash.exclude(pk=self.meeting.pk)
            if clash.exists():
                self.add_error("date", f"{forum.name} already meets on {date:%d/%m/%Y}")
        return data


class MeetingChangeForm(MeetingForm):
    cancelled = forms.BooleanField(label="The meeting is cancelled", required=False)

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, partnership=meeting.partnership, **kwargs)
        self.fields["forum"].disabled = True


NEEDS_NOTE = {
    AgendaItem.Outcome.ASSURED: "Enter the outcome and impact for challenge {ref}",
    AgendaItem.Outcome.ESCALATED: "Enter why challenge {ref} is escalated",
    AgendaItem.Outcome.CLOSED: "Enter why challenge {ref} is closed without assurance",
}


NOTHING = "none"


class OutcomeForm(GovukForm):
    """What the meeting decided for one challenge; left empty, nothing is recorded for it."""

    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        widget=forms.RadioSelect,
        choices=[(NOTHING, "Not discussed: record nothing"), *AgendaItem.Outcome.choices],
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        help_text="Required when it is assured (the outcome and impact), escalated or closed.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, challenge, last_stage: bool, **kwargs):
        self.challenge = challenge
        self.last_stage = last_stage
        kwargs.setdefault("initial", {}).setdefault("outcome", NOTHING)
        super().__init__(*args, **kwargs)
        ref = challenge.reference
        self.fields["outcome"].label = f"Outcome for challenge {ref}"
        self.fields["note"].label = f"Note on challenge {ref}"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == NOTHING:
            data["outcome"] = ""
        outcome = data.get("outcome")
        ref = self.challenge.reference
        if outcome in NEEDS_NOTE and not (data.get("note") or "").strip():
            self.add_error("note", NEEDS_NOTE[outcome].format(ref=ref))
        if outcome == AgendaItem.Outcome.ESCALATED and self.last_stage:
            self.add_error(
                "outcome", f"Challenge {ref} is at the last stage: it cannot be escalated further"
            )
        return data


class SettingsForm(forms.ModelForm, GovukForm):
    class Meta:
        model = FollowupSettings
        fields = ["papers_days", "remind_days", "signatory", "letter_subject", "letter_body"]
        labels = {
            "papers_days": "Papers go out this many working days before a meeting",
            "remind_days": "Remind agency leads this many working days before a due date",
            "letter_subject": "Subject of the letter",
            "letter_body": "Wording of the letter",
        }
        widgets = {"letter_body": forms.Textarea(attrs={"rows": 16})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["papers_days"].max_value = 30
        self.fields["remind_days"].max_value = 30
        self.fields["letter_body"].help_text = "Placeholders: " + ", ".join(
            "{{ " + name + " }}" for name in PLACEHOLDERS
        )

    def _placeholders(self, name):
        text = self.cleaned_data.get(name, "")
        unknown = unknown_placeholders(text)
        if unknown:
            names = ", ".join("{{ " + u + " }}" for u in unknown)
            raise forms.ValidationError(
                f"{names} {'is not a placeholder' if len(unknown) == 1 else 'are not placeholders'}"
                ": use only those listed"
            )
        return text

    def clean_letter_subject(self):
        return self._placeholders("letter_subject")

    def clean_letter_body(self):
        return self._placeholders("letter_body")

    def clean_papers_days(self):
        value = self.cleaned_data["papers_days"]
        if value > 30:
            raise forms.ValidationError("Papers go out at most 30 working days before")
        return value

    def clean_remind_days(self):
        value = self.cleaned_data["remind_days"]
        if value > 30:
            raise forms.ValidationError("Reminders go at most 30 working days before")
        return value


class StageForm(GovukForm):
    name = forms.CharField(label="Stage", required=False, max_length=200)
    days = forms.IntegerField(
        label="Timescale in working days", required=False, min_value=1, max_value=60
    )
    forum = forms.ModelChoiceField(
        label="Reviewed at (optional)",
        queryset=Forum.objects.none(),
        required=False,
        empty_label="No meeting",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = Forum.objects.filter(
            partnership=partnership, retired=False, kind=Forum.Kind.MEETING
        )

    def clean(self):
        data = super().clean()
        if (data.get("name") or "").strip() and not data.get("days"):
            self.add_error("days", f"Enter the timescale of stage “{data['name']}”")
        if data.get("days") and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the name of the stage, or clear its timescale")
        return data


class BaseStageFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        names = [(f.cleaned_data.get("name") or "").strip() for f in self.forms]
        while names and not names[-1]:
            names.pop()
        if not names:
            raise forms.ValidationError("Keep at least one escalation stage")
        if "" in names:
            raise forms.ValidationError(
                "Stages are in order: remove a stage from the end, or fill the gap"
            )


StageFormSet = forms.formset_factory(
    StageForm, formset=BaseStageFormSet, extra=1, max_num=8, validate_max=True
)


class NoticesForm(GovukForm):
    notices = forms.ChoiceField(
        label="How would you like e-mail notices?",
        choices=User.Notices.choices,
        widget=forms.RadioSelect,
    )

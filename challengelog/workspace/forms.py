"""Forms of the staff workspace (and the API's writes, which check input the same way). Each
error names the problem in words for the person."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from challengelog.register.forms import GovukForm, UKDateField
from challengelog.register.models import Agency, Challenge, Forum, Raiser
from challengelog.register.names import Glossary, key


def _match(model, partnership, text: str):
    """The canonical entry a typed name means: by name, alias or normalised spelling."""
    text = " ".join((text or "").split())
    if not text:
        return None
    entries = list(model.objects.filter(partnership=partnership, retired=False))
    lowered = text.lower()
    for entry in entries:
        if lowered in {s.lower() for s in entry.spellings}:
            return entry
    glossary = Glossary([s for e in entries for s in e.spellings] + [text])
    wanted = key(text, glossary)
    for entry in entries:
        if any(key(s, glossary) == wanted for s in entry.spellings):
            return entry
    return None


class ChallengeFieldsMixin:
    """The fields a challenge is raised or edited with."""

    def setup(self, partnership):
        self.partnership = partnership
        agencies = Agency.objects.filter(partnership=partnership, retired=False)
        self.fields["agencies"].queryset = agencies
        self.forum_names = list(
            Forum.objects.filter(partnership=partnership, retired=False).values_list(
                "name", flat=True
            )
        )
        self.raiser_names = list(
            Raiser.objects.filter(partnership=partnership, retired=False).values_list(
                "name", flat=True
            )
        )

    def clean_forum(self):
        forum = _match(Forum, self.partnership, self.cleaned_data["forum"])
        if forum is None:
            raise forms.ValidationError(
                "Choose a meeting from the list; an administrator can add a new one"
            )
        return forum

    def clean_raised_by(self):
        text = " ".join(self.cleaned_data["raised_by"].split())
        found = _match(Raiser, self.partnership, text)
        if found is None:
            # A new role: it joins the canonical list.
            found = Raiser(partnership=self.partnership, name=text)
        return found

    def clean(self):
        data = super().clean()
        if not data.get("agencies") and not data.get("to_all_partners"):
            self.add_error("agencies", "Choose the agencies challenged, or “All partners”")
        return data


RISK_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_recorded", "Not recorded")]


class RaiseForm(ChallengeFieldsMixin, GovukForm):
    date_raised = UKDateField(label="Date raised", help_text="For example, 06/06/2026")
    forum = forms.CharField(
        label="Meeting",
        max_length=300,
        help_text="Start typing to choose from the partnership's meetings",
    )
    raised_by = forms.CharField(
        label="Raised by", max_length=300, help_text="A role or group, not a person's name"
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies challenged",
        queryset=Agency.objects.none(),
        required=False,
        help_text="Hold Ctrl (or Cmd) to choose several",
    )
    to_all_partners = forms.BooleanField(label="All partners", required=False)
    text = forms.CharField(
        label="The challenge",
        widget=forms.Textarea,
        max_length=20_000,
        error_messages={"required": "Enter the challenge"},
    )
    risk = forms.ChoiceField(label="Is there a risk to children or adults?", choices=RISK_CHOICES)

    def __init__(self, *args, partnership, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date_raised", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.setup(partnership)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter the challenge")
        return text


class EditForm(RaiseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionForm(GovukForm):
    text = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    agency = forms.ModelChoiceField(
        label="Owning agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
    )
    lead = forms.CharField(label="Named lead (optional)", required=False, max_length=200)
    due = UKDateField(label="Due date (optional)", required=False, future_allowed=True)
    due_forum = forms.ModelChoiceField(
        label="Or due by the next meeting of (optional)",
        queryset=Forum.objects.none(),
        required=False,
        empty_label="No meeting",
        help_text="Due on the day that meeting's papers go out; it follows the meeting if "
        "the meeting moves.",
    )

    def __init__(self, *args, partnership, **kwargs):
        from challengelog.followup.meetings import forums_with_plan

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            partnership=partnership, retired=False
        )
        planned = forums_with_plan(partnership, timezone.localdate())
        self.fields["due_forum"].queryset = Forum.objects.filter(pk__in=[f.pk for f in planned])
        if not planned:
            del self.fields["due_forum"]

    def clean(self):
        data = super().clean()
        filled = any(data.get(f) for f in ("agency", "lead", "due", "due_forum"))
        if filled and not self.fields["text"].required and not (data.get("text") or "").strip():
            self.add_error("text", "Enter the action, or clear its other boxes")
        if data.get("due") and data.get("due_forum"):
            self.add_error("due_forum", "Give a due date or a meeting, not both: clear one of them")
        return data


class NewActionForm(ActionForm):
    """One action agreed after the challenge was raised."""

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, partnership=partnership, **kwargs)
        self.fields["text"].required = True
        self.fields["text"].error_messages["required"] = "Enter the action"


class BaseActionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any((f.cleaned_data.get("text") or "").strip() for f in self.forms):
            raise forms.ValidationError("Enter at least one action")


ActionFormSet = forms.formset_factory(
    ActionForm, formset=BaseActionFormSet, extra=0, min_num=1, max_num=20, validate_max=True
)


class ProgressForm(GovukForm):
    text = forms.CharField(label="Progress", widget=forms.Textarea, max_length=20_000)
    date = UKDateField(label="Date", help_text="For example, 06/06/2026")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


EVIDENCE_TYPES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
}
MAX_FILES = 5


class EvidenceField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Attach at most {MAX_FILES} files")
        for upload in files:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in EVIDENCE_TYPES:
                raise forms.ValidationError(
                    f"“{upload.name}” is not a PDF, Word, Excel or image file"
                )
            if upload.size == 0:
                raise forms.ValidationError(f"“{upload.name}” is empty")
            if upload.size > settings.EVIDENCE_MAX_BYTES:
                limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
                raise forms.ValidationError(f"“{upload.name}” is larger than {limit} MB")
            head = upload.read(8)
            upload.seek(0)
            if not head.startswith(EVIDENCE_TYPES[suffix]):
                raise forms.ValidationError(
                    f"“{upload.name}” is not really a {suffix[1:].upper()} file"
                )
        return files


class RespondForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Responding for", queryset=Agency.objects.none(), empty_label=None
    )
    on_behalf_of = forms.CharField(
        label="Recorded on behalf of (optional)",
        required=False,
        max_length=200,
        help_text="For a respondent without an account: another board, a government department",
    )
    text = forms.CharField(label="Response", widget=forms.Textarea, max_length=20_000)
    evidence = EvidenceField(
        label="Evidence (optional)",
        required=False,
        help_text="PDF, Word, Excel or images; up to 5 files of 10 MB",
    )

    def __init__(self, *args, agencies, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if not on_behalf:
            del self.fields["on_behalf_of"]


class AssureForm(GovukForm):
    outcome = forms.CharField(
        label="Outcome and impact",
        widget=forms.Textarea,
        max_length=20_000,
        help_text="What changed for children or adults because of this challenge",
    )
    date = UKDateField(label="Date assured")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class CloseForm(GovukForm):
    status = forms.ChoiceField(
        label="How is it closed?",
        choices=[
            (Challenge.Status.NOT_ASSURED, "Closed without assurance"),
            (Challenge.Status.WITHDRAWN, "Withdrawn"),
        ],
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=5000)
    date = UKDateField(label="Date")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReopenForm(GovukForm):
    reason = forms.CharField(label="Why is it reopened?", widget=forms.Textarea, max_length=5000)
    version = forms.IntegerField(widget=forms.HiddenInput)

"""The forms of the reference-list pages. Each knows the id of the input for each of its fields,
so that the error summary can link to it."""

import datetime as dt

from django import forms


class ListForm(forms.Form):
    anchors: dict[str, str] = {}

    def summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary."""
        first = next(iter(self.anchors.values()), "")
        return [
            (self.anchors.get(name, first), message)
            for name, messages in self.errors.items()
            for message in messages
        ]


class RenameForm(ListForm):
    anchors = {"name": "rename-name"}
    name = forms.CharField(
        max_length=300,
        error_messages={
            "required": "Enter the new name",
            "max_length": "Enter a name of 300 characters or fewer",
        },
    )


class _EntryChoice(ListForm):
    """Chooses another entry of the same list by its short name."""

    def __init__(self, *args, entries, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {e.slug: e for e in entries}
        self.current = current
        self.choices = [(e.slug, e.name) for e in entries if e.pk != current.pk]

    def _entry(self, slug: str, *, itself: str, missing: str):
        if slug == self.current.slug:
            raise forms.ValidationError(itself)
        if slug not in self.entries:
            raise forms.ValidationError(missing)
        return self.entries[slug]


class MergeForm(_EntryChoice):
    anchors = {"target": "merge-target"}
    target = forms.CharField(
        required=True, error_messages={"required": "Choose the entry to merge into"}
    )

    def clean_target(self):
        return self._entry(
            self.cleaned_data["target"],
            itself="An entry cannot be merged into itself: choose another entry",
            missing="Choose the entry to merge into: that one no longer exists",
        )


class SuccessionForm(_EntryChoice):
    anchors = {"successor": "succession-successor", "day": "succession-day"}
    successor = forms.CharField(required=False)
    day = forms.CharField(required=False)
    month = forms.CharField(required=False)
    year = forms.CharField(required=False)

    def clean_successor(self):
        slug = self.cleaned_data["successor"]
        if not slug:
            return None
        return self._entry(
            slug,
            itself="An agency cannot succeed itself: choose another agency",
            missing="Choose the agency that took over: that one no longer exists",
        )

    def clean(self):
        data = super().clean()
        parts = [(data.get(n) or "").strip() for n in ("day", "month", "year")]
        data["succeeded_on"] = None
        if not any(parts):
            if data.get("successor"):
                self.add_error("day", "Enter the date it took over")
            return data
        if not all(p.isdigit() for p in parts):
            self.add_error(
                "day", "The date it took over must be a real date, with a day, month and year"
            )
            return data
        if not data.get("successor") and "successor" not in self.errors:
            self.add_error("successor", "Choose the agency that took over, or leave the date empty")
            return data
        day, month, year = (int(p) for p in parts)
        if year < 1000:
            self.add_error("day", "The year must include 4 numbers")
            return data
        try:
            data["succeeded_on"] = dt.date(year, month, day)
        except ValueError:
            self.add_error("day", "The date it took over must be a real date")
        return data


class ReviewForm(forms.Form):
    list = forms.CharField()
    spelling = forms.CharField(strip=False)
    candidate = forms.CharField(strip=False)
    decision = forms.CharField()

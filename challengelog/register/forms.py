"""The form vocabulary every interface shares: GOV.UK-style required messages and the date
field that reads dates as people type them in the UK."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from challengelog.register.dates import DateError, parse_date


class GovukForm(forms.Form):
    """Required-field messages in the GOV.UK style: "Enter the challenge", "Choose a risk"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.error_messages.get("required") != default:
                continue
            label = (field.label or "").lower().rstrip("?")
            choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
            verb = "Choose" if choosing else "Enter"
            field.error_messages["required"] = f"{verb} {label}"


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 28 February for a 29th in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class UKDateField(forms.CharField):
    """A date typed as people do in the UK: 06/06/2017, 6 June 2017."""

    def __init__(self, *args, future_allowed=False, **kwargs):
        self.future_allowed = future_allowed
        super().__init__(*args, **kwargs)
        self.widget.attrs["maxlength"] = "40"

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        today = timezone.localdate()
        horizon = _years_after(today, 5) if self.future_allowed else today
        try:
            return parse_date(value, today=horizon)
        except DateError as exc:
            raise forms.ValidationError(
                f"Enter a real date, for example 06/06/2026: {exc}"
            ) from None

    def prepare_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return value

"""The form of a partnership's accessibility statement, privacy notice and cookies page. Each
error names the field and the problem in words for the person."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from challengelog.publishing.models import SiteInformation
from challengelog.register.forms import GovukForm

STANDARD = "Clear it to go back to the standard wording."
# Day, month and year typed in three boxes: (field name, how the messages name the date).
DATES = (
    ("prepared_on", "the date the statement was prepared"),
    ("reviewed_on", "the date the statement was last reviewed"),
)


def _text(label, *, max_length, rows=5, help_text="", required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SiteInformationForm(GovukForm):
    contact_email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="Of the business unit: where people ask for the log in another format, report "
        "an accessibility problem, or ask about their information.",
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.org"
        },
    )
    contact_phone = forms.CharField(
        label="Telephone number (optional)", required=False, max_length=60
    )
    contact_address = _text("Postal address (optional)", max_length=500, rows=4)
    reply_days = forms.IntegerField(
        label="Reply within (working days)",
        min_value=1,
        max_value=60,
        help_text="The statement says you will reply to a request within this many working days.",
        error_messages={
            "invalid": "Enter the number of working days as a whole number, like 10",
            "min_value": "The number of working days must be 1 or more",
            "max_value": "The number of working days must be 60 or fewer",
            "required": "Enter the number of working days within which you reply",
        },
    )
    controller = forms.CharField(
        label="Data controller",
        required=False,
        max_length=300,
        help_text="The organisation that decides how the published information is used, for "
        "example the local authority hosting the business unit. " + STANDARD,
    )
    dpo_contact = _text(
        "Data protection officer",
        max_length=1000,
        rows=4,
        help_text="Their name or title, and how to reach them. " + STANDARD,
    )
    lawful_basis = _text(
        "The law that gives the partnership its task",
        max_length=3000,
        rows=8,
        help_text="The notice gives the lawful basis as public task (UK GDPR Article 6(1)(e)) "
        "and quotes this as the law that sets the task. " + STANDARD,
    )
    compliance = forms.ChoiceField(
        label="How far the pages meet WCAG 2.2 AA",
        choices=SiteInformation.Compliance.choices,
        widget=forms.RadioSelect,
        help_text="Fully compliant only when nothing fails. Partially compliant when some "
        "content fails: list it below.",
    )
    non_compliance = _text(
        "Content that does not meet WCAG 2.2 AA",
        max_length=5000,
        rows=6,
        help_text="A paragraph for each problem: what it is, which success criterion it fails, "
        "and when you plan to fix it. Not shown when the pages are fully compliant. " + STANDARD,
    )
    disproportionate_burden = _text(
        "Disproportionate burden",
        max_length=5000,
        rows=4,
        help_text="Content you will not fix because the cost would be out of proportion to "
        "the benefit, and why. " + STANDARD,
    )
    outside_scope = _text(
        "Content outside the scope of the regulations",
        max_length=5000,
        rows=4,
        help_text="For example, documents published before 23 September 2018 that nobody "
        "needs for a service. " + STANDARD,
    )
    testing = _text(
        "How you tested the pages (optional)",
        max_length=3000,
        rows=3,
        help_text="Shown after the product's own checks, for example: “We last tested these "
        "pages on 1 December 2026; the test was carried out by our web team.”",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compliance"].error_messages["required"] = (
            "Choose how far the pages meet WCAG 2.2 AA"
        )
        for name, _ in DATES:
            for part, size in (("day", 2), ("month", 2), ("year", 4)):
                self.fields[f"{name}_{part}"] = forms.CharField(
                    label="", required=False, max_length=size + 2
                )
        initial = self.initial
        for name, _ in DATES:
            day = initial.get(name)
            if isinstance(day, dt.date):
                initial.setdefault(f"{name}_day", str(day.day))
                initial.setdefault(f"{name}_month", str(day.month))
                initial.setdefault(f"{name}_year", str(day.year))

    def date_parts(self, name: str) -> dict:
        """What the template needs for one date: its three boxes' values and its errors."""
        return {
            "name": name,
            "day": self[f"{name}_day"].value() or "",
            "month": self[f"{name}_month"].value() or "",
            "year": self[f"{name}_year"].value() or "",
            "errors": self.errors.get(f"{name}_day", []),
        }

    def _date(self, name: str, said: str) -> dt.date | None:
        parts = {
            p: (self.cleaned_data.get(f"{name}_{p}") or "").strip()
            for p in ("day", "month", "year")
        }
        missing = [p for p, v in parts.items() if not v]
        if len(missing) == 3:
            self.add_error(f"{name}_day", f"Enter {said}")
            return None
        if missing:
            self.add_error(
                f"{name}_day", f"{said.capitalize()} must include a {' and a '.join(missing)}"
            )
            return None
        if not all(v.isdigit() for v in parts.values()):
            self.add_error(f"{name}_day", f"{said.capitalize()} must be a real date")
            return None
        if len(parts["year"]) != 4:
            self.add_error(f"{name}_day", "Year must include 4 numbers")
            return None
        try:
            day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error(f"{name}_day", f"{said.capitalize()} must be a real date")
            return None
        if day > timezone.localdate():
            self.add_error(f"{name}_day", f"{said.capitalize()} must be today or in the past")
            return None
        return day

    def clean(self):
        data = super().clean()
        for name, said in DATES:
            data[name] = self._date(name, said)
        prepared, reviewed = data.get("prepared_on"), data.get("reviewed_on")
        if prepared and reviewed and reviewed < prepared:
            self.add_error(
                "reviewed_on_day",
                "The date the statement was last reviewed must be the same as or after the "
                "date it was prepared",
            )
        return data

    def values(self) -> dict:
        """The cleaned values as the model names them."""
        names = [f.name for f in SiteInformation._meta.get_fields() if hasattr(f, "attname")]
        keep = set(names) - {"id", "partnership", "version", "updated"}
        return {k: v for k, v in self.cleaned_data.items() if k in keep}

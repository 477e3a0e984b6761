"""The log's filters: read from the query string, checked, and shown back as removable
choices. Every combination is a plain shareable URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from challengelog.register import models
from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser
from challengelog.register.search import search

ALL_PARTNERS = "all-partners"


def entries_of(model, name: str, partnership: Partnership) -> QuerySet:
    """The agencies, meetings or raisers (``name``) a log of ``model`` can be filtered by: the
    reference list for the internal log; for a copy that keeps its own entries (the published
    log's), those of the right kind that have a page of their own (a slug)."""
    field = model._meta.get_field("agencies" if name == "agency" else name)
    queryset = field.related_model.objects.filter(
        partnership=partnership, **field.remote_field.limit_choices_to
    )
    return queryset.exclude(slug="") if queryset.model not in (Agency, Forum, Raiser) else queryset


class LogFilters(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    agency = forms.ChoiceField(required=False, label="Agency challenged")
    forum = forms.ChoiceField(required=False, label="Meeting or source")
    raised_by = forms.ChoiceField(required=False, label="Raised by")
    status = forms.ChoiceField(required=False, label="Status")
    year = forms.ChoiceField(required=False, label="Year raised")
    ryear = forms.ChoiceField(required=False, label="Reporting year raised")
    risk = forms.ChoiceField(required=False, label="Risk")
    raised_from = forms.DateField(
        required=False,
        label="Raised on or after",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2016-04-01"},
    )
    raised_to = forms.DateField(
        required=False,
        label="Raised on or before",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2017-03-31"},
    )

    def __init__(self, data, *, partnership: Partnership, model=Challenge):
        super().__init__(data)
        self.partnership = partnership
        self.model = model
        self.entries = {
            name: list(entries_of(model, name, partnership).only("name", "slug"))
            for name in ("agency", "forum", "raised_by")
        }
        for name, entries in self.entries.items():
            choices = [("", "Any")]
            if name == "agency":
                choices.append((ALL_PARTNERS, "All partners (addressed to every agency)"))
            choices += [(e.slug, e.name) for e in entries]
            self.fields[name].choices = choices
        self.fields["status"].choices = [("", "Any"), *Challenge.Status.choices]
        self.fields["risk"].choices = [("", "Any"), *Challenge.Risk.choices]
        # Two ordered look-ups, each one step along the log's index.
        dated = models.dated(model.objects.filter(partnership=partnership))
        first = dated.order_by("sort_date").values_list("sort_date", flat=True).first()
        last = dated.order_by("-sort_date").values_list("sort_date", flat=True).first()
        years = range(last.year, first.year - 1, -1) if first else range(0)
        self.fields["year"].choices = [("", "Any"), *[(str(y), str(y)) for y in years]]
        self.fields["year"].error_messages["invalid_choice"] = (
            "Choose a year in which the log has challenges"
        )
        # Reporting years run April to March: named by the year they start in.
        ryears = range(last.year, first.year - 2, -1) if first else range(0)
        self.fields["ryear"].choices = [("", "Any")] + [
            (str(y), f"April {y} to March {y + 1}") for y in ryears
        ]
        self.fields["ryear"].error_messages["invalid_choice"] = (
            "Choose a reporting year in which the log has challenges"
        )
        for name in ("agency", "forum", "raised_by", "status", "risk"):
            label = self.fields[name].label.lower()
            self.fields[name].error_messages["invalid_choice"] = f"Choose a {label} from the list"

    def values(self) -> dict[str, str]:
        """The valid filters given, in field order; invalid ones are left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in self.errors and self.cleaned_data.get(name)
        }

    def label(self, name: str, value) -> str:
        if isinstance(value, dt.date):
            return f"{value.day} {value:%B %Y}"
        return dict(self.fields[name].choices).get(value, value)


@dataclass
class ActiveFilter:
    name: str
    label: str
    value: str
    remove_url: str


def active_filters(form: LogFilters, values: dict[str, str]) -> list[ActiveFilter]:
    out = []
    for name, value in values.items():
        rest = {k: v for k, v in values.items() if k != name}
        display = value if name == "q" else form.label(name, value)
        out.append(
            ActiveFilter(
                name, form.fields[name].label, display, "?" + urlencode(rest) if rest else "?"
            )
        )
    return out


def apply(queryset: QuerySet, form: LogFilters, values: dict[str, str]) -> QuerySet:
    slugs = {name: {e.slug: e.pk for e in entries} for name, entries in form.entries.items()}
    if "agency" in values:
        if values["agency"] == ALL_PARTNERS:
            queryset = queryset.filter(to_all_partners=True)
        else:
            # As in search: walk the log in page order and test each row, so a page of a
            # much-challenged agency stops after fifty rows rather than sorting them all.
            m2m = queryset.model._meta.get_field("agencies")
            sql = (
                f'+"{queryset.model._meta.db_table}"."id" IN (SELECT {m2m.m2m_column_name()} '
                f"FROM {m2m.m2m_db_table()} WHERE {m2m.m2m_reverse_name()} = %s)"
            )
            agency_id = slugs["agency"][values["agency"]]
            queryset = queryset.filter(RawSQL(sql, [agency_id], output_field=BooleanField()))
    if "forum" in values:
        queryset = queryset.filter(forum_id=slugs["forum"][values["forum"]])
    if "raised_by" in values:
        queryset = queryset.filter(raised_by_id=slugs["raised_by"][values["raised_by"]])
    if "status" in values:
        queryset = queryset.filter(status=values["status"])
    if "risk" in values:
        queryset = queryset.filter(risk=values["risk"])
    if "year" in values:
        year = int(values["year"])
        queryset = queryset.filter(sort_date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if "ryear" in values:
        year = int(values["ryear"])
        queryset = queryset.filter(sort_date__range=(dt.date(year, 4, 1), dt.date(year + 1, 3, 31)))
    if "raised_from" in values:
        queryset = queryset.filter(date_raised__gte=values["raised_from"])
    if "raised_to" in values:
        queryset = queryset.filter(date_raised__lte=values["raised_to"])
    if "q" in values:
        queryset = search(queryset, values["q"])
    return queryset


def query_string(values: dict[str, str], **extra) -> str:
    return urlencode({**values, **{k: v for k, v in extra.items() if v}})

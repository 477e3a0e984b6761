"""The internal log's filters: the public ones (`register.filters`), plus themes, recurring
concerns, who owns an open action and when actions fall due."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from challengelog.followup.workingdays import add_working_days
from challengelog.insights.models import RecurringGroup
from challengelog.insights.themes import THEMES
from challengelog.register.filters import LogFilters, apply
from challengelog.register.models import Action, Challenge, Partnership


class StaffLogFilters(LogFilters):
    """The internal log's filters: the public ones, plus who owns an open action and when
    actions fall due."""

    owner = forms.ChoiceField(required=False, label="Action owned by")
    due = forms.ChoiceField(
        required=False,
        label="Actions due",
        choices=[("", "Any"), ("overdue", "Overdue"), ("soon", "Due in the next 10 working days")],
    )

    theme = forms.ChoiceField(required=False, label="Theme")
    group = forms.ChoiceField(required=False, label="Recurring concern")

    def __init__(self, data, *, partnership: Partnership, model=Challenge):
        super().__init__(data, partnership=partnership, model=model)
        self.fields["theme"].choices = [("", "Any")] + [(t.slug, t.name) for t in THEMES]
        self.fields["theme"].error_messages["invalid_choice"] = "Choose a theme from the list"
        groups = RecurringGroup.objects.filter(partnership=partnership).values_list("pk", "concern")
        self.fields["group"].choices = [("", "Any")] + [
            (str(pk), f"{concern} (group {i})") for i, (pk, concern) in enumerate(groups, 1)
        ]
        self.fields["group"].error_messages["invalid_choice"] = (
            "Choose a recurring concern from the list: the concerns may have been found again"
        )
        self.fields["owner"].choices = [("", "Any")] + [
            (e.slug, e.name) for e in self.entries["agency"]
        ]
        self.fields["owner"].error_messages["invalid_choice"] = "Choose an agency from the list"
        self.fields["due"].error_messages["invalid_choice"] = "Choose overdue or due soon"


def apply_staff(queryset: QuerySet, form: LogFilters, values: dict[str, str]) -> QuerySet:
    queryset = apply(queryset, form, values)
    if "theme" in values:
        queryset = queryset.filter(themes__theme=values["theme"])
    if "group" in values:
        queryset = queryset.filter(recurring_groups__pk=int(values["group"]))
    actions = Action.objects.filter(completed_on__isnull=True)
    if "owner" in values:
        agency = {e.slug: e.pk for e in form.entries["agency"]}[values["owner"]]
        actions = actions.filter(agency_id=agency)
    if "due" in values:
        today = timezone.localdate()
        if values["due"] == "overdue":
            actions = actions.filter(due__lt=today)
        else:
            actions = actions.filter(due__gte=today, due__lte=add_working_days(today, 10))
    if "owner" in values or "due" in values:
        queryset = queryset.filter(
            status=Challenge.Status.OPEN, pk__in=actions.values("challenge_id")
        )
    return queryset

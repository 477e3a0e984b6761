"""Actions over the API: the open actions across the log with the internal log's `owner` and
`due` filters (what a business unit chases before a meeting), one action, an action added to
an open challenge, and an action marked done. The same rules as the web pages: anyone with a
role sees the actions of the challenges they may see; chairs and the business unit add
actions and mark them done."""

from __future__ import annotations

import datetime as dt

from django import forms as django_forms
from django.db.models import F, Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from challengelog.accounts.rules import visible_challenges
from challengelog.api import serializers as shapes
from challengelog.api.views import ERRORS, StaffView
from challengelog.api.writes import _action_data, _body, _challenge, _form_errors, _query
from challengelog.followup.workingdays import add_working_days, overdue_by
from challengelog.register import services
from challengelog.register.forms import UKDateField
from challengelog.register.models import Action, Agency, Challenge
from challengelog.workspace import forms

PAGE_SIZE = 100


def action_record(action: Action, request, today: dt.date) -> dict:
    challenge = action.challenge
    late = 0 if action.completed_on or challenge.status != "open" else overdue_by(action.due, today)
    return {
        "id": action.pk,
        "challenge": challenge.reference,
        "challenge_url": request.build_absolute_uri(
            f"/api/partnerships/{challenge.partnership.slug}/challenges/{challenge.reference}/"
        ),
        "challenge_status": challenge.status,
        "text": action.text,
        "agency": action.agency.name if action.agency else None,
        "agency_slug": action.agency.slug if action.agency else None,
        "lead": action.lead,
        "due": action.due.isoformat() if action.due else None,
        "due_meeting": (
            {"forum": action.due_meeting.forum.name, "date": action.due_meeting.date.isoformat()}
            if action.due_meeting
            else None
        ),
        "completed_on": action.completed_on.isoformat() if action.completed_on else None,
        "overdue_by": late or 0,
    }


class ActionFilters(django_forms.Form):
    owner = django_forms.ChoiceField(required=False)
    due = django_forms.ChoiceField(required=False, choices=[("overdue", ""), ("soon", "")])
    state = django_forms.ChoiceField(
        required=False, choices=[("open", ""), ("done", ""), ("all", "")]
    )
    challenge = django_forms.CharField(required=False, max_length=50)
    after = django_forms.RegexField(required=False, regex=r"^(\d{4}-\d{2}-\d{2}|-)\.\d{1,18}$")

    def __init__(self, data, *, partnership):
        super().__init__(data)
        agencies = Agency.objects.filter(partnership=partnership).values_list("slug", flat=True)
        self.fields["owner"].choices = [(slug, slug) for slug in agencies]
        self.fields["owner"].error_messages["invalid_choice"] = (
            "No agency “%(value)s” in this partnership: see the agencies list"
        )
        self.fields["due"].error_messages["invalid_choice"] = "Choose overdue or soon"
        self.fields["state"].error_messages["invalid_choice"] = "Choose open, done or all"
        self.fields["after"].error_messages["invalid"] = (
            "That page cursor could not be read: use a `next` value"
        )


def _after(cursor: str) -> Q:
    """Keyset paging by (due date, first undated last; id)."""
    day, pk = cursor.split(".")
    pk = int(pk)
    if day == "-":
        return Q(due__isnull=True, pk__gt=pk)
    day = dt.date.fromisoformat(day)
    return Q(due__gt=day) | Q(due=day, pk__gt=pk) | Q(due__isnull=True)


class ActionList(StaffView):
    @extend_schema(
        parameters=[
            OpenApiParameter("owner", str, description="The owning agency's slug"),
            OpenApiParameter(
                "due",
                str,
                enum=["overdue", "soon"],
                description="soon: in the next 10 working days",
            ),
            OpenApiParameter(
                "state",
                str,
                enum=["open", "done", "all"],
                description="open (the default): not done, on an open challenge",
            ),
            OpenApiParameter("challenge", str, description="One challenge's reference"),
            OpenApiParameter("after", str, description="The `next` cursor of a page"),
        ],
        responses={200: shapes.ActionPage, **ERRORS},
        summary="Actions",
        operation_id="actions_list",
    )
    def get(self, request, slug):
        partnership = self.partnership(request, slug)
        form = ActionFilters(request.query_params, partnership=partnership)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        values = form.cleaned_data
        challenges = visible_challenges(request.user, partnership)
        actions = Action.objects.filter(challenge__in=challenges.values("pk"))
        state = values["state"] or "open"
        if state == "open":
            actions = actions.filter(
                completed_on__isnull=True, challenge__status=Challenge.Status.OPEN
            )
        elif state == "done":
            actions = actions.filter(completed_on__isnull=False)
        if values["owner"]:
            actions = actions.filter(agency__slug=values["owner"])
        today = timezone.localdate()
        if values["due"] == "overdue":
            actions = actions.filter(due__lt=today, completed_on__isnull=True)
        elif values["due"] == "soon":
            actions = actions.filter(
                due__gte=today, due__lte=add_working_days(today, 10), completed_on__isnull=True
            )
        if values["challenge"]:
            actions = actions.filter(challenge__reference=values["challenge"])
        if values["after"]:
            actions = actions.filter(_after(values["after"]))
        rows = list(
            actions.select_related(
                "challenge__partnership", "agency", "due_meeting__forum"
            ).order_by(F("due").asc(nulls_last=True), "pk")[: PAGE_SIZE + 1]
        )
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        next_link = None
        if more:
            last = rows[-1]
            query = request.query_params.copy()
            query["after"] = f"{last.due.isoformat() if last.due else '-'}.{last.pk}"
            next_link = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response(
            {"next": next_link, "results": [action_record(a, request, today) for a in rows]}
        )


def _visible_action(view, request, slug, pk, permission=None):
    partnership = view.partnership(request, slug)
    action = (
        Action.objects.select_related("challenge__partnership", "agency", "due_meeting__forum")
        .filter(challenge__partnership=partnership, pk=pk)
        .first()
    )
    if action is None or not request.user.has_perm("log.view_challenge", action.challenge):
        raise exceptions.NotFound(f"No action {pk}")
    if permission and not request.user.has_perm(permission, action.challenge):
        raise exceptions.PermissionDenied("Only chairs and the business unit mark actions done")
    return partnership, action


class DoneForm(django_forms.Form):
    completed_on = UKDateField(label="Done on", required=True)


class ActionDetail(StaffView):
    @extend_schema(
        responses={200: shapes.ActionRecord, **ERRORS},
        summary="An action",
        operation_id="actions_read",
    )
    def get(self, request, slug, pk):
        _, action = _visible_action(self, request, slug, pk)
        return Response(action_record(action, request, timezone.localdate()))

    @extend_schema(
        request=shapes.ActionDone,
        responses={200: shapes.ActionRecord, **ERRORS},
        summary="Mark an action done",
        operation_id="actions_update",
    )
    def patch(self, request, slug, pk):
        _, action = _visible_action(self, request, slug, pk, "log.record_progress")
        data = dict(_body(request))
        unknown = set(data) - {"completed_on"}
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [
                        "Only `completed_on` can be changed: an action's wording is agreed "
                        "at a meeting"
                    ]
                    for name in sorted(unknown)
                }
            )
        form = DoneForm(_query(data))
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        done = form.cleaned_data["completed_on"]
        if action.completed_on:
            raise exceptions.ValidationError(
                {"completed_on": [f"This action was marked done on {action.completed_on}"]}
            )
        if action.challenge.date_raised and done < action.challenge.date_raised:
            raise exceptions.ValidationError(
                {
                    "completed_on": [
                        "That is before the challenge was raised "
                        f"({action.challenge.date_raised}): check the date"
                    ]
                }
            )
        services.complete_action(action=action, user=request.user, date=done)
        return Response(action_record(action, request, timezone.localdate()))


class AddAction(StaffView):
    @extend_schema(
        request=shapes.ActionInput,
        responses={201: shapes.ActionRecord, **ERRORS},
        summary="Add an action to an open challenge",
        operation_id="actions_create",
    )
    def post(self, request, slug, reference):
        partnership, challenge = _challenge(self, request, slug, reference, "log.edit_challenge")
        data = _action_data(partnership, _body(request))
        form = forms.NewActionForm(_query(data), partnership=partnership)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        try:
            action = services.add_action(
                challenge=challenge,
                user=request.user,
                action=services.action_from_data(form.cleaned_data),
            )
        except (services.NotOpen, services.NoMeetingPlanned) as exc:
            raise exceptions.ValidationError({"body": [str(exc)]}) from None
        _, action = _visible_action(self, request, slug, action.pk)
        return Response(
            action_record(action, request, timezone.localdate()), status=status.HTTP_201_CREATED
        )

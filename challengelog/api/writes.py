"""The API's writes: raise, edit (refused when the challenge changed since the version read,
as the web form is), record progress, respond. The web pages' forms check the input, so the
rules and the messages are the same; the services write, so the history says who."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from challengelog.accounts import rules as access
from challengelog.api import serializers as shapes
from challengelog.api.views import ERRORS, ChallengeDetail, ChallengeList, StaffView, _internal
from challengelog.register import selectors, services
from challengelog.register.models import Agency, Forum
from challengelog.workspace import forms


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"body": ["Send a JSON object"]})
    return request.data


def _agency_ids(partnership, slugs, field="agencies") -> list[str]:
    if not isinstance(slugs, list):
        raise exceptions.ValidationError({field: ["Send a list of agency slugs"]})
    found = dict(
        Agency.objects.filter(
            partnership=partnership, slug__in=[str(s) for s in slugs]
        ).values_list("slug", "pk")
    )
    unknown = [s for s in slugs if str(s) not in found]
    if unknown:
        raise exceptions.ValidationError(
            {field: [f"No agency “{s}” in this partnership" for s in unknown]}
        )
    return [str(found[str(s)]) for s in slugs]


def _action_data(partnership, action: dict, prefix: str = "") -> dict:
    """An action as the API sends it (agency and forum by slug), as the form reads it."""
    action = dict(action)
    if action.get("agency"):
        action["agency"] = _agency_ids(partnership, [action["agency"]], f"{prefix}agency")[0]
    if action.get("due_forum"):
        pk = (
            Forum.objects.filter(partnership=partnership, slug=str(action["due_forum"]))
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            raise exceptions.ValidationError(
                {
                    f"{prefix}due_forum": [
                        f"No meeting or source “{action['due_forum']}” in this partnership"
                    ]
                }
            )
        from challengelog.followup.meetings import forums_with_plan

        if pk not in {f.pk for f in forums_with_plan(partnership, timezone.localdate())}:
            raise exceptions.ValidationError(
                {
                    f"{prefix}due_forum": [
                        f"No meeting of “{action['due_forum']}” is planned whose papers have "
                        "not yet gone out: add one to the forward plan, or give a due date"
                    ]
                }
            )
        action["due_forum"] = str(pk)
    return action


def _form_errors(*forms_) -> dict:
    out = {}
    for form in forms_:
        for error in getattr(form, "non_form_errors", list)():
            out.setdefault("actions", []).append(str(error))
        for n, sub in enumerate(getattr(form, "forms", [form])):
            prefix = f"actions[{n}]." if hasattr(form, "forms") else ""
            for name, errors in sub.errors.items():
                key = "body" if name == "__all__" else prefix + name
                out.setdefault(key, []).extend(str(e) for e in errors)
    return out


def _query(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in data.items():
        if isinstance(value, list):
            query.setlist(name, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                query[name] = "on"
        elif value is not None:
            query[name] = str(value)
    return query


def _challenge(view, request, slug, reference, permission):
    partnership = view.partnership(request, slug)
    try:
        challenge = selectors.staff_challenge(partnership, reference)
    except Exception:
        challenge = None
    if challenge is None or not request.user.has_perm("log.view_challenge", challenge):
        raise exceptions.NotFound(f"No challenge {reference}")
    if not request.user.has_perm(permission, challenge):
        raise exceptions.PermissionDenied("You may not do that with this challenge")
    return partnership, challenge


def _conflict(conflict: services.Conflict) -> Response:
    return Response(
        {
            "error": f"Challenge {conflict.challenge.reference} was changed by someone else "
            "since the version you read: nothing was saved. Read it again, then send your "
            f"change with version {conflict.challenge.version}.",
            "status": 409,
            "version": conflict.challenge.version,
            "changes": [
                {
                    "who": c["who"],
                    "when": c["when"].isoformat(),
                    "fields": [f["field"] for f in c["fields"]],
                }
                for c in conflict.changes
            ],
        },
        status=409,
    )


class Raise(ChallengeList):
    @extend_schema(
        request=shapes.RaiseInput,
        responses={201: shapes.InternalChallenge, **ERRORS},
        summary="Raise a challenge",
        operation_id="challenges_create",
    )
    def post(self, request, slug):
        partnership = self.partnership(request, slug)
        if not request.user.has_perm("log.raise", partnership):
            raise exceptions.PermissionDenied("Only chairs and the business unit raise challenges")
        data = dict(_body(request))
        actions = data.pop("actions", [])
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            raise exceptions.ValidationError({"actions": ["Send a list of actions (objects)"]})
        data["agencies"] = _agency_ids(partnership, data.get("agencies", []))
        form = forms.RaiseForm(_query(data), partnership=partnership)
        rows = QueryDict(mutable=True)
        rows.update(
            {
                "actions-TOTAL_FORMS": str(len(actions)),
                "actions-INITIAL_FORMS": "0",
                "actions-MIN_NUM_FORMS": "1",
                "actions-MAX_NUM_FORMS": "20",
            }
        )
        for n, action in enumerate(actions):
            action = _action_data(partnership, action, f"actions[{n}].")
            for name, value in _query(action).items():
                rows[f"actions-{n}-{name}"] = value
        formset = forms.ActionFormSet(
            rows, prefix="actions", form_kwargs={"partnership": partnership}
        )
        if not (form.is_valid() & formset.is_valid()):
            raise exceptions.ValidationError(_form_errors(form, formset))
        try:
            challenge = services.raise_from_form(
                partnership=partnership,
                user=request.user,
                data=form.cleaned_data,
                actions=services.actions_from_forms(formset),
            )
        except services.NoMeetingPlanned as exc:
            raise exceptions.ValidationError({"actions": [str(exc)]}) from None
        fresh = selectors.staff_challenge(partnership, challenge.reference)
        return Response(_internal(fresh), status=status.HTTP_201_CREATED)


class Change(ChallengeDetail):
    @extend_schema(
        request=shapes.EditInput,
        responses={200: shapes.InternalChallenge, 409: shapes.Conflict, **ERRORS},
        summary="Change a challenge",
        operation_id="challenges_update",
    )
    def patch(self, request, slug, reference):
        partnership, challenge = _challenge(self, request, slug, reference, "log.edit_challenge")
        data = dict(_body(request))
        current = {
            "date_raised": challenge.date_raised.isoformat() if challenge.date_raised else "",
            "forum": challenge.forum.name if challenge.forum else "",
            "raised_by": challenge.raised_by.name if challenge.raised_by else "",
            "agencies": [a.slug for a in challenge.agencies.all()],
            "to_all_partners": challenge.to_all_partners,
            "text": challenge.text,
            "risk": challenge.risk,
        }
        unknown = set(data) - set(current) - {"version"}
        if unknown:
            raise exceptions.ValidationError(
                {name: ["This field cannot be changed here"] for name in sorted(unknown)}
            )
        if "version" not in data:
            raise exceptions.ValidationError(
                {"version": ["Send the version you read, so that a change made since is not lost"]}
            )
        merged = {**current, **data}
        merged["agencies"] = _agency_ids(partnership, merged["agencies"])
        form = forms.EditForm(_query(merged), partnership=partnership)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        try:
            services.edit_from_form(challenge=challenge, user=request.user, data=form.cleaned_data)
        except services.Conflict as conflict:
            return _conflict(conflict)
        return Response(_internal(selectors.staff_challenge(partnership, reference)))


class Progress(StaffView):
    @extend_schema(
        request=shapes.ProgressInput,
        responses={201: shapes.InternalChallenge, **ERRORS},
        summary="Record progress",
        operation_id="progress_create",
    )
    def post(self, request, slug, reference):
        partnership, challenge = _challenge(self, request, slug, reference, "log.record_progress")
        data = dict(_body(request))
        data.setdefault("date", timezone.localdate().isoformat())
        form = forms.ProgressForm(_query(data))
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        services.record_progress(
            challenge=challenge,
            user=request.user,
            text=form.cleaned_data["text"],
            date=form.cleaned_data["date"],
        )
        fresh = selectors.staff_challenge(partnership, reference)
        return Response(_internal(fresh), status=status.HTTP_201_CREATED)


class Respond(StaffView):
    @extend_schema(
        request=shapes.ResponseInput,
        responses={201: shapes.InternalChallenge, **ERRORS},
        summary="Respond for an agency",
        operation_id="responses_create",
    )
    def post(self, request, slug, reference):
        partnership, challenge = _challenge(self, request, slug, reference, "log.respond")
        data = dict(_body(request))
        if access.role(request.user, partnership) == access.ADMIN:
            allowed = Agency.objects.filter(partnership=partnership, retired=False)
        else:
            allowed = Agency.objects.filter(
                pk__in=access.lead_agency_ids(request.user, partnership)
            )
            if not challenge.to_all_partners:
                allowed = allowed.filter(pk__in=[a.pk for a in challenge.agencies.all()])
        if data.get("agency") is not None:
            data["agency"] = _agency_ids(partnership, [data["agency"]], "agency")[0]
        form = forms.RespondForm(_query(data), agencies=allowed)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        services.respond(
            challenge=challenge,
            user=request.user,
            agency=form.cleaned_data["agency"],
            text=form.cleaned_data["text"],
        )
        fresh = selectors.staff_challenge(partnership, reference)
        return Response(_internal(fresh), status=status.HTTP_201_CREATED)

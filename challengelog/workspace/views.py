"""The staff workspace: the internal log, raising and following challenges, their history.
Thin views: permissions from accounts.rules, reads from selectors, writes from services."""

from __future__ import annotations

import mimetypes

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from challengelog.accounts import rules as access
from challengelog.accounts.access import require, staff_page
from challengelog.accounts.models import AuditEvent, Membership, record_event
from challengelog.accounts.rules import visible_challenges
from challengelog.followup.meetings import next_papers, upcoming
from challengelog.followup.stages import flagged, stages, standing
from challengelog.followup.workingdays import add_working_days, overdue_by
from challengelog.ops import export
from challengelog.ops.marking import filename
from challengelog.publishing.services import changed_since_publication
from challengelog.register import selectors, services
from challengelog.register.listing import listing
from challengelog.register.models import (
    Action,
    Agency,
    Challenge,
    Evidence,
    Partnership,
    record_view,
)
from challengelog.workspace import filters, forms


def _challenge(request, partnership: Partnership, reference: str) -> Challenge:
    try:
        challenge = selectors.staff_challenge(partnership, reference)
    except Challenge.DoesNotExist:
        raise Http404(f"No challenge {reference}") from None
    # One answer for "not there" and "not yours": an agency lead learns nothing by guessing.
    if not request.user.has_perm("log.view_challenge", challenge):
        raise Http404(f"No challenge {reference}")
    return challenge


def _errors(*forms_) -> list[tuple[str, str, str]]:
    """(label, field id, message) for a GOV.UK error summary, in the order of the page."""
    out = []
    for form in forms_:
        if form is None:
            continue
        for error in form.non_form_errors() if hasattr(form, "non_form_errors") else []:
            out.append(("", "", error))
        subforms = form.forms if hasattr(form, "forms") else [form]
        for sub in subforms:
            for name, errors in sub.errors.items():
                field_id = (
                    (sub[name].id_for_label or sub[name].auto_id) if name in sub.fields else ""
                )
                label = sub.fields[name].label if name in sub.fields else ""
                for error in errors:
                    out.append((label, field_id, error))
    return out


@login_required
def my_work(request):
    """Each person's home page: what is addressed to them, due, raised by them, changed."""
    user = request.user
    if user.is_superuser:
        partnerships = list(Partnership.objects.all())
    else:
        partnerships = [m.partnership for m in user.memberships.select_related("partnership")]
    today = timezone.localdate()
    sections = []
    for partnership in partnerships:
        visible = visible_challenges(user, partnership)
        mine = access.lead_agency_ids(user, partnership)
        membership = Membership.objects.filter(user=user, partnership=partnership).first()
        since = membership.last_seen if membership else None
        actions = list(selectors.open_actions(visible)[:200])
        for action in actions:
            action.late_by = overdue_by(action.due, today)
        soon = add_working_days(today, 10)
        sections.append(
            {
                "partnership": partnership,
                "role": access.role(user, partnership),
                "addressed": list(
                    visible.filter(status=Challenge.Status.OPEN, agencies__in=mine).distinct()[:50]
                )
                if mine
                else [],
                "overdue": [a for a in actions if a.late_by > 0],
                "due_soon": [a for a in actions if a.due and today <= a.due <= soon],
                "raised": list(visible.filter(created_by=user)[:20]),
                "changed": list(
                    visible.filter(Q(updated__gt=since) | Q(updates__created__gt=since)).distinct()[
                        :20
                    ]
                )
                if since
                else [],
                "since": since,
                "meetings": list(upcoming(partnership, today, limit=5))
                if access.is_board(user, partnership)
                else [],
                "flagged": list(
                    flagged(visible, partnership, today)
                    .filter(
                        Q(agencies__in=mine) | Q(to_all_partners=True)
                        if mine
                        else Q(pk__isnull=False)
                    )
                    .distinct()[:20]
                )
                if mine or access.is_chair(user, partnership)
                else [],
                "escalated": list(
                    visible.filter(status=Challenge.Status.OPEN, stage__gt=1, agencies__in=mine)
                    .distinct()
                    .order_by("-stage")[:20]
                )
                if mine
                else [],
                "can_plan": user.has_perm("log.plan_meetings", partnership),
            }
        )
        if membership:
            Membership.objects.filter(pk=membership.pk).update(
                previous_seen=membership.last_seen, last_seen=timezone.now()
            )
    return render(request, "staff/my_work.html", {"sections": sections, "today": today})


@staff_page("log.view_internal")
def staff_log(request, partnership):
    base = visible_challenges(request.user, partnership)
    context = listing(
        request,
        partnership,
        base,
        form_class=filters.StaffLogFilters,
        apply=filters.apply_staff,
        challenge_url="staff-challenge",
    )
    context["can_raise"] = request.user.has_perm("log.raise", partnership)
    return render(request, "staff/log.html", context)


@staff_page("log.view_internal")
def staff_export(request, partnership, fmt):
    writer = export.WRITERS.get(fmt)
    if writer is None:
        raise Http404
    visible = visible_challenges(request.user, partnership)
    data = writer(partnership, visible)
    record_event(
        AuditEvent.Kind.EXPORT,
        f"Internal log exported as {fmt.upper()}",
        user=request.user,
        partnership=partnership,
        request=request,
        rows=visible.count(),
    )
    types = {
        "json": "application/json",
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(data, content_type=types[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{filename(f"{partnership.slug}-internal-log-{stamp}.{fmt}")}"'
    )
    return response


@staff_page("log.view_internal")
def staff_challenge(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    record_view(challenge, request.user)
    today = timezone.localdate()
    actions = list(challenge.actions.select_related("agency", "due_meeting__forum"))
    for action in actions:
        action.late_by = 0 if action.completed_on else overdue_by(action.due, today)
    user = request.user
    where = standing(challenge, stages(partnership), today)
    # The canonical names, when they say more than the "To" as recorded.
    canonical = [a.name for a in challenge.agencies.all()]
    recorded = {n.strip() for n in challenge.to_as_recorded.split(";")} - {"All partners"}
    return render(
        request,
        "staff/challenge.html",
        {
            "challenge": challenge,
            "canonical_to": canonical if set(canonical) != recorded else [],
            "standing": where,
            "escalations": list(challenge.escalations.all()),
            "agenda": list(challenge.agenda_items.select_related("meeting__forum")),
            "next_papers": next_papers(challenge, today),
            "can_escalate": user.has_perm("log.escalate", challenge)
            and challenge.status == Challenge.Status.OPEN
            and not where.last_stage,
            "can_letter": user.has_perm("log.letter", challenge),
            "can_papers": user.has_perm("log.papers", partnership),
            "actions": actions,
            "updates": list(challenge.updates.all()),
            "tracking": selectors.member_tracking(challenge),
            "can_edit": user.has_perm("log.edit_challenge", challenge),
            "can_progress": user.has_perm("log.record_progress", challenge),
            "can_respond": user.has_perm("log.respond", challenge),
            "can_decide": user.has_perm("log.decide", challenge),
            "can_see_views": user.has_perm("log.read_audit", partnership),
            "unpublished_changes": changed_since_publication(challenge),
            "themes": list(challenge.themes.all()),
            "recurring": [
                (
                    group,
                    sorted(
                        (c for c in group.challenges.all() if c.pk != challenge.pk),
                        key=lambda c: (c.sort_date, c.reference_number),
                    ),
                )
                for group in challenge.recurring_groups.prefetch_related("challenges")
            ],
        },
    )


def _action_formset(request, partnership, data=None):
    return forms.ActionFormSet(data, prefix="actions", form_kwargs={"partnership": partnership})


@staff_page("log.raise")
def raise_challenge(request, partnership):
    if request.method == "POST":
        form = forms.RaiseForm(request.POST, partnership=partnership)
        data = request.POST.copy()
        if "add_action" in request.POST:
            # "Add another action" without JavaScript: the same form, one more action row.
            total = int(data.get("actions-TOTAL_FORMS", "1") or 1)
            data["actions-TOTAL_FORMS"] = str(min(total + 1, 20))
            form = forms.RaiseForm(data, partnership=partnership)
            formset = _action_formset(request, partnership, data)
            return render(
                request, "staff/raise.html", {"form": form, "formset": formset, "errors": []}
            )
        formset = _action_formset(request, partnership, data)
        if form.is_valid() and formset.is_valid():
            try:
                challenge = services.raise_from_form(
                    partnership=partnership,
                    user=request.user,
                    data=form.cleaned_data,
                    actions=services.actions_from_forms(formset),
                )
            except services.NoMeetingPlanned as exc:
                errors = [("", "", str(exc))]
            else:
                messages.success(request, f"Challenge {challenge.reference} recorded")
                return redirect("staff-challenge", partnership.slug, challenge.reference)
        else:
            errors = _errors(form, formset)
    else:
        form = forms.RaiseForm(partnership=partnership)
        formset = _action_formset(request, partnership)
        errors = []
    return render(request, "staff/raise.html", {"form": form, "formset": formset, "errors": errors})


def _conflict_page(request, template, context, conflict):
    context["conflict"] = conflict
    context["errors"] = [
        (
            "",
            "",
            f"Challenge {conflict.challenge.reference} was changed by "
            "someone else while you were working on it. Nothing you "
            "entered was saved: check their changes below, then save "
            "again if yours still apply.",
        )
    ]
    return render(request, template, context, status=409)


@staff_page("log.view_internal")
def edit_challenge(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    require(request, "log.edit_challenge", challenge)
    initial = {
        "date_raised": challenge.date_raised,
        "forum": challenge.forum.name if challenge.forum else "",
        "raised_by": challenge.raised_by.name if challenge.raised_by else "",
        "agencies": list(challenge.agencies.all()),
        "to_all_partners": challenge.to_all_partners,
        "text": challenge.text,
        "risk": challenge.risk,
        "version": challenge.version,
    }
    form = forms.EditForm(request.POST or None, initial=initial, partnership=partnership)
    context = {"challenge": challenge, "form": form, "errors": []}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_from_form(
                    challenge=challenge, user=request.user, data=form.cleaned_data
                )
            except services.Conflict as conflict:
                fresh = request.POST.copy()
                fresh["version"] = conflict.challenge.version
                context["form"] = forms.EditForm(fresh, partnership=partnership)
                context["form"].is_valid()
                return _conflict_page(request, "staff/edit.html", context, conflict)
            messages.success(request, f"Challenge {challenge.reference} saved")
            return redirect("staff-challenge", partnership.slug, challenge.reference)
        context["errors"] = _errors(form)
    return render(request, "staff/edit.html", context)


def _simple_form(
    request, partnership, reference, *, permission, form_class, template, save, initial=None, title
):
    challenge = _challenge(request, partnership, reference)
    require(request, permission, challenge)
    initial = {"version": challenge.version, **(initial or {})}
    form = form_class(request.POST or None, initial=initial)
    context = {"challenge": challenge, "form": form, "errors": [], "title": title}
    if request.method == "POST":
        if form.is_valid():
            try:
                message = save(challenge, form.cleaned_data)
            except services.Conflict as conflict:
                fresh = request.POST.copy()
                fresh["version"] = conflict.challenge.version
                context["form"] = form_class(fresh, initial=initial)
                context["form"].is_valid()
                return _conflict_page(request, template, context, conflict)
            messages.success(request, message)
            return redirect("staff-challenge", partnership.slug, challenge.reference)
        context["errors"] = _errors(form)
    return render(request, template, context)


@staff_page("log.view_internal")
def record_progress(request, partnership, reference):
    def save(challenge, data):
        services.record_progress(
            challenge=challenge, user=request.user, text=data["text"], date=data["date"]
        )
        return "Progress recorded"

    return _simple_form(
        request,
        partnership,
        reference,
        permission="log.record_progress",
        form_class=forms.ProgressForm,
        template="staff/form.html",
        save=save,
        title="Record progress",
    )


@staff_page("log.view_internal")
def respond(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    require(request, "log.respond", challenge)
    user = request.user
    is_admin = access.role(user, partnership) == access.ADMIN
    if is_admin:
        agencies = Agency.objects.filter(partnership=partnership, retired=False)
    else:
        mine = access.lead_agency_ids(user, partnership)
        agencies = Agency.objects.filter(pk__in=mine)
        if not challenge.to_all_partners:
            agencies = agencies.filter(pk__in=[a.pk for a in challenge.agencies.all()])
    form = forms.RespondForm(
        request.POST or None, request.FILES or None, agencies=agencies, on_behalf=is_admin
    )
    if request.method == "POST" and form.is_valid():
        services.respond(
            challenge=challenge,
            user=user,
            agency=form.cleaned_data["agency"],
            text=form.cleaned_data["text"],
            files=form.cleaned_data.get("evidence") or [],
            on_behalf_of=form.cleaned_data.get("on_behalf_of", ""),
        )
        messages.success(request, "Response recorded")
        return redirect("staff-challenge", partnership.slug, challenge.reference)
    return render(
        request,
        "staff/form.html",
        {
            "challenge": challenge,
            "form": form,
            "errors": _errors(form) if form.is_bound else [],
            "title": "Respond to the challenge",
            "multipart": True,
        },
    )


def _decision(service, permission, title, done, *, check=None):
    """A view for one decision on a challenge: a form, then `service` with its fields."""

    @staff_page("log.view_internal")
    def view(request, partnership, reference):
        def save(challenge, data):
            if check and (message := check(challenge)):
                return message
            service(challenge=challenge, user=request.user, **data)
            return done.format(reference=challenge.reference)

        form_class = {
            services.assure: forms.AssureForm,
            services.close: forms.CloseForm,
            services.reopen: forms.ReopenForm,
        }[service]
        return _simple_form(
            request,
            partnership,
            reference,
            permission=permission,
            form_class=form_class,
            template="staff/form.html",
            save=save,
            title=title,
        )

    return view


assure = _decision(
    services.assure, "log.decide", "Mark as assured", "Challenge {reference} marked assured"
)
close = _decision(
    services.close, "log.decide", "Close without assurance", "Challenge {reference} closed"
)
reopen = _decision(
    services.reopen,
    "log.decide",
    "Reopen the challenge",
    "Challenge {reference} reopened",
    check=lambda c: (
        f"Challenge {c.reference} is already open" if c.status == Challenge.Status.OPEN else None
    ),
)


@require_POST
@staff_page("log.view_internal")
def complete_action(request, partnership, reference, action_id):
    challenge = _challenge(request, partnership, reference)
    require(request, "log.record_progress", challenge)
    action = get_object_or_404(Action, pk=action_id, challenge=challenge)
    if action.completed_on is None:
        services.complete_action(action=action, user=request.user, date=timezone.localdate())
        messages.success(request, "Action marked done")
    return redirect("staff-challenge", partnership.slug, challenge.reference)


@staff_page("log.view_internal")
def add_action(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    require(request, "log.edit_challenge", challenge)
    form = forms.NewActionForm(request.POST or None, partnership=partnership)
    errors = []
    if challenge.status != Challenge.Status.OPEN:
        errors = [("", "", f"Challenge {challenge.reference} is no longer open: reopen it first")]
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.add_action(
                    challenge=challenge,
                    user=request.user,
                    action=services.action_from_data(form.cleaned_data),
                )
            except (services.NoMeetingPlanned, services.NotOpen) as exc:
                errors = [("", "", str(exc))]
            else:
                messages.success(request, "Action added")
                return redirect("staff-challenge", partnership.slug, challenge.reference)
        else:
            errors = _errors(form)
    return render(
        request,
        "staff/form.html",
        {"challenge": challenge, "form": form, "errors": errors, "title": "Add an action"},
    )


@staff_page("log.view_internal")
def history(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    return render(
        request,
        "staff/history.html",
        {
            "challenge": challenge,
            "entries": selectors.history_entries(challenge),
        },
    )


@staff_page("log.view_internal")
def evidence(request, partnership, evidence_id):
    item = get_object_or_404(
        Evidence.objects.select_related("update__challenge"),
        pk=evidence_id,
        update__challenge__partnership=partnership,
    )
    if not request.user.has_perm("log.view_challenge", item.update.challenge):
        raise Http404("No such file")
    record_event(
        AuditEvent.Kind.EVIDENCE,
        f"Downloaded {item.name} of challenge {item.update.challenge.reference}",
        user=request.user,
        partnership=partnership,
        request=request,
    )
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=content_type
    )


@staff_page("log.read_audit")
def audit(request, partnership):
    events = AuditEvent.objects.filter(partnership=partnership).select_related("user")
    kind = request.GET.get("kind", "")
    if kind in AuditEvent.Kind.values:
        events = events.filter(kind=kind)
    who = request.GET.get("user", "").strip()
    if who:
        events = events.filter(user_label__icontains=who)
    return render(
        request,
        "staff/audit.html",
        {
            "events": events[:500],
            "kinds": AuditEvent.Kind.choices,
            "kind": kind,
            "who": who,
        },
    )


@staff_page("log.read_audit")
def viewed(request, partnership, reference):
    """Who has looked at this challenge: administrators only."""
    challenge = _challenge(request, partnership, reference)
    return render(
        request,
        "staff/viewed.html",
        {"challenge": challenge, "views": challenge.views.all()[:1000]},
    )


@staff_page("log.read_audit")
def person_search(request, partnership):
    """Every place a name appears, for a subject access request: administrators only, and the
    search itself goes in the audit log."""
    from challengelog.ops import people

    term = request.GET.get("name", "").strip()
    hits, error = None, ""
    if "name" in request.GET:
        if len(term) < people.MIN_LENGTH:
            error = f"Enter at least {people.MIN_LENGTH} letters of the name"
        elif "\x00" in term:
            error = "The name cannot contain a NUL character"
        else:
            hits = people.search(partnership, term)
            record_event(
                AuditEvent.Kind.PERSON_SEARCH,
                f"Searched the log for “{term[:200]}”: {len(hits)} place(s)",
                user=request.user,
                partnership=partnership,
                request=request,
            )
    return render(
        request,
        "staff/person_search.html",
        {
            "term": term,
            "hits": hits,
            "challenges": len({h.reference for h in hits or []}),
            "errors": [("Name", "person-name", error)] if error else [],
        },
    )


class RetentionForm(forms.GovukForm):
    months = django_forms.IntegerField(
        label="Keep closed challenges for (months)",
        required=False,
        min_value=1,
        max_value=1200,
        help_text="Leave it empty to keep them for ever. Counted from the day a challenge was "
        "assured, closed or withdrawn.",
        error_messages={
            "invalid": "Enter a whole number of months, or leave it empty",
            "min_value": "Enter at least 1 month, or leave it empty to keep them for ever",
            "max_value": "Enter at most 1200 months (100 years)",
        },
    )


@staff_page("log.read_audit")
def records(request, partnership):
    """Records management: the retention rule, what it would delete now, and applying it."""
    from challengelog.ops import retention

    today = timezone.localdate()
    form = RetentionForm(
        request.POST if "save" in request.POST else None,
        initial={"months": partnership.retention_months},
    )
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        months = form.cleaned_data["months"]
        Partnership.objects.filter(pk=partnership.pk).update(retention_months=months)
        record_event(
            AuditEvent.Kind.RETENTION,
            f"Set the retention rule to {months} months"
            if months
            else "Removed the retention rule",
            user=request.user,
            partnership=partnership,
            request=request,
        )
        messages.success(request, "Retention rule saved")
        return redirect("staff-records", partnership.slug)
    if request.method == "POST" and "apply" in request.POST:
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm the deletion: nothing was deleted")
        else:
            done = retention.apply(partnership, today, user=request.user, request=request)
            messages.success(
                request,
                f"Deleted {len(done.references)} closed challenge"
                f"{'s' if len(done.references) != 1 else ''} and {done.files} evidence file"
                f"{'s' if done.files != 1 else ''}",
            )
        return redirect("staff-records", partnership.slug)
    due = retention.due(partnership, today)
    return render(
        request,
        "staff/records.html",
        {
            "form": form,
            "errors": _errors(form) if form.is_bound else [],
            "before": retention.cutoff(partnership, today),
            "due": due.count(),
            "due_references": list(
                due.order_by("sort_date").values_list("reference", flat=True)[:50]
            ),
            "undated": retention.undated(partnership),
        },
    )


def forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        from challengelog.accounts.access import json_error

        return json_error(403, str(exception or "") or "You may not do that")
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


__all__ = ["PermissionDenied"]

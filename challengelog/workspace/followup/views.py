"""Follow-up pages: the forward plan and meeting papers, outcomes after a meeting, escalating,
the letter to an agency, the partnership's follow-up settings and each person's notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from challengelog.accounts.access import require, staff_page
from challengelog.accounts.models import AuditEvent, record_event
from challengelog.followup import letters, papers, services
from challengelog.followup.meetings import papers_deadline, settings_for
from challengelog.followup.models import Meeting
from challengelog.followup.stages import stages, standing
from challengelog.register import services as register
from challengelog.register.models import Agency
from challengelog.workspace.followup import forms
from challengelog.workspace.views import _challenge, _conflict_page, _errors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES = {"pdf": "application/pdf", "docx": DOCX}


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# The forward plan and meeting papers ----------------------------------------------------------


@staff_page("log.papers")
def meetings(request, partnership):
    today = timezone.localdate()
    can_plan = request.user.has_perm("log.plan_meetings", partnership)
    form = forms.MeetingForm(request.POST or None, partnership=partnership)
    if request.method == "POST":
        require(request, "log.plan_meetings", partnership)
        if form.is_valid():
            meeting = services.plan_meeting(partnership=partnership, **form.cleaned_data)
            messages.success(request, f"Meeting added: {meeting}")
            return redirect("followup-meetings", partnership.slug)
    papers_days = settings_for(partnership).papers_days
    ahead = list(
        Meeting.objects.filter(partnership=partnership, date__gte=today).select_related("forum")
    )
    for meeting in ahead:
        meeting.deadline = papers_deadline(meeting, papers_days)
    past = list(
        Meeting.objects.filter(partnership=partnership, date__lt=today)
        .select_related("forum")
        .order_by("-date", "forum__name")[:30]
    )
    return render(
        request,
        "followup/meetings.html",
        {
            "ahead": ahead,
            "past": past,
            "form": form,
            "can_plan": can_plan,
            "errors": _errors(form) if form.is_bound else [],
            "papers_days": papers_days,
        },
    )


def _meeting(partnership, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("forum", "partnership"), pk=pk, partnership=partnership
    )


@staff_page("log.papers")
def meeting(request, partnership, pk):
    found = _meeting(partnership, pk)
    context = papers.build(found, timezone.localdate())
    context["can_record"] = request.user.has_perm("log.decide", partnership) and (
        found.date <= timezone.localdate()
    )
    context["can_plan"] = request.user.has_perm("log.plan_meetings", partnership)
    context["can_decide"] = request.user.has_perm("log.decide", partnership)
    return render(request, "followup/papers.html", context)


@staff_page("log.papers")
def meeting_download(request, partnership, pk, fmt):
    if fmt not in TYPES:
        raise Http404
    found = _meeting(partnership, pk)
    context = papers.build(found, timezone.localdate())
    data = papers.to_pdf(context) if fmt == "pdf" else papers.to_docx(context)
    record_event(
        AuditEvent.Kind.EXPORT,
        f"Meeting papers for {found} downloaded as {fmt.upper()}",
        user=request.user,
        partnership=partnership,
        request=request,
        rows=len(context["items"]),
    )
    return _download(data, fmt, papers.filename(found))


@staff_page("log.plan_meetings")
def meeting_edit(request, partnership, pk):
    found = _meeting(partnership, pk)
    initial = {
        "forum": found.forum,
        "date": found.date,
        "title": found.title,
        "location": found.location,
        "cancelled": found.cancelled,
    }
    form = forms.MeetingChangeForm(request.POST or None, initial=initial, meeting=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = services.change_meeting(
            meeting=found,
            user=request.user,
            date=data["date"],
            title=data["title"],
            location=data["location"],
            cancelled=data["cancelled"],
        )
        note = (
            f"; {moved} action{'s' if moved != 1 else ''} due for it moved with it" if moved else ""
        )
        messages.success(request, f"Meeting saved{note}")
        return redirect("followup-meeting", partnership.slug, found.pk)
    return render(
        request,
        "followup/meeting_edit.html",
        {"meeting": found, "form": form, "errors": _errors(form) if form.is_bound else []},
    )


@staff_page("log.decide")
def outcomes(request, partnership, pk):
    """After the meeting: what it decided for each challenge on its papers, in one go."""
    found = _meeting(partnership, pk)
    today = timezone.localdate()
    context = papers.build(found, today)
    if found.date > today:
        messages.error(
            request,
            f"This meeting is on {found.date:%d/%m/%Y}: its outcomes can be recorded from "
            "that day.",
        )
        return redirect("followup-meeting", partnership.slug, found.pk)
    rows = [entry for entry in context["items"] if entry["reviewed"] is None]
    data = request.POST if request.method == "POST" else None
    for entry in rows:
        challenge = entry["challenge"]
        entry["form"] = forms.OutcomeForm(
            data,
            prefix=f"c{challenge.pk}",
            initial={"version": challenge.version},
            challenge=challenge,
            last_stage=entry["standing"].last_stage,
        )
    context.update(rows=rows, errors=[])
    if request.method == "POST":
        if all(entry["form"].is_valid() for entry in rows):
            chosen = [
                services.Outcome(
                    challenge=entry["challenge"],
                    version=entry["form"].cleaned_data["version"],
                    outcome=entry["form"].cleaned_data["outcome"],
                    note=entry["form"].cleaned_data["note"].strip(),
                )
                for entry in rows
                if entry["form"].cleaned_data["outcome"]
            ]
            if not chosen:
                context["errors"] = [("", "", "Choose an outcome for at least one challenge")]
                return render(request, "followup/outcomes.html", context)
            try:
                done = services.record_outcomes(meeting=found, user=request.user, outcomes=chosen)
            except register.Conflict as conflict:
                context["errors"] = [
                    (
                        "",
                        "",
                        f"Challenge {conflict.challenge.reference} was changed by someone else "
                        "while you were recording: nothing was saved. Reload the page to see "
                        "the change, then record the outcomes again.",
                    )
                ]
                return render(request, "followup/outcomes.html", context, status=409)
            except services.CannotEscalate as exc:
                context["errors"] = [("", "", f"{exc}: nothing was saved.")]
                return render(request, "followup/outcomes.html", context, status=409)
            refs = ", ".join(item.challenge.reference for item in done)
            messages.success(
                request,
                f"Outcomes recorded for {len(done)} challenge{'s' if len(done) != 1 else ''}: "
                f"{refs}",
            )
            return redirect("followup-meeting", partnership.slug, found.pk)
        context["errors"] = _errors(*[entry["form"] for entry in rows])
    return render(request, "followup/outcomes.html", context)


# Escalating and the letter --------------------------------------------------------------------


@staff_page("log.view_internal")
def escalate(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    require(request, "log.escalate", challenge)
    all_stages = stages(partnership)
    where = standing(challenge, all_stages, timezone.localdate())
    form = forms.EscalateForm(
        request.POST or None,
        initial={"version": challenge.version},
        challenge=challenge,
        stages=all_stages,
    )
    context = {
        "challenge": challenge,
        "form": form,
        "errors": [],
        "standing": where,
        "title": "Escalate the challenge",
    }
    if challenge.status != challenge.Status.OPEN or where.last_stage:
        reason = (
            "is not open"
            if challenge.status != challenge.Status.OPEN
            else ("is at the last stage of the escalation procedure")
        )
        messages.error(request, f"Challenge {challenge.reference} {reason}: it cannot be escalated")
        return redirect("staff-challenge", partnership.slug, challenge.reference)
    if request.method == "POST":
        if form.is_valid():
            try:
                escalation = services.escalate(
                    challenge=challenge, user=request.user, **form.cleaned_data
                )
            except register.Conflict as conflict:
                fresh = request.POST.copy()
                fresh["version"] = conflict.challenge.version
                context["form"] = forms.EscalateForm(
                    fresh, challenge=conflict.challenge, stages=all_stages
                )
                context["form"].is_valid()
                return _conflict_page(request, "followup/escalate.html", context, conflict)
            except services.CannotEscalate as exc:
                context["errors"] = [("", "", str(exc))]
                return render(request, "followup/escalate.html", context)
            messages.success(
                request,
                f"Challenge {challenge.reference} escalated to stage {escalation.to_stage}: "
                f"{escalation.stage_name}",
            )
            return redirect("staff-challenge", partnership.slug, challenge.reference)
        context["errors"] = _errors(form)
    return render(request, "followup/escalate.html", context)


def _letter_agencies(challenge) -> list[Agency]:
    agencies = list(challenge.agencies.all())
    for action in challenge.actions.all():
        if action.agency and action.agency not in agencies:
            agencies.append(action.agency)
    if not agencies and challenge.to_all_partners:
        agencies = list(
            Agency.objects.filter(partnership=challenge.partnership, is_member=True, retired=False)
        )
    return agencies


def _chosen_agency(request, challenge) -> tuple[list[Agency], Agency | None]:
    agencies = _letter_agencies(challenge)
    wanted = request.GET.get("agency", "")
    if not wanted:
        return agencies, agencies[0] if agencies else None
    chosen = next((a for a in agencies if a.slug == wanted), None)
    if chosen is None:
        raise Http404(f"Challenge {challenge.reference} is not addressed to “{wanted}”")
    return agencies, chosen


@staff_page("log.view_internal")
def letter(request, partnership, reference):
    challenge = _challenge(request, partnership, reference)
    require(request, "log.letter", challenge)
    agencies, agency = _chosen_agency(request, challenge)
    built = letters.build(challenge, agency, timezone.localdate()) if agency else None
    return render(
        request,
        "followup/letter.html",
        {
            "challenge": challenge,
            "agencies": agencies,
            "agency": agency,
            "letter": built,
            "can_configure": request.user.has_perm("log.configure_followup", partnership),
        },
    )


@staff_page("log.view_internal")
def letter_download(request, partnership, reference, fmt):
    if fmt not in TYPES:
        raise Http404
    challenge = _challenge(request, partnership, reference)
    require(request, "log.letter", challenge)
    _, agency = _chosen_agency(request, challenge)
    if agency is None:
        raise Http404(f"Challenge {challenge.reference} is addressed to no agency")
    built = letters.build(challenge, agency, timezone.localdate())
    data = letters.to_pdf(built) if fmt == "pdf" else letters.to_docx(built)
    record_event(
        AuditEvent.Kind.EXPORT,
        f"Letter on challenge {challenge.reference} to {agency.name} as {fmt.upper()}",
        user=request.user,
        partnership=partnership,
        request=request,
    )
    return _download(data, fmt, built.filename)


# Settings ------------------------------------------------------------------------------------


@staff_page("log.configure_followup")
def followup_settings(request, partnership):
    conf = settings_for(partnership)
    current = stages(partnership)
    initial = [{"name": s.name, "days": s.days, "forum": s.forum} for s in current]
    form = forms.SettingsForm(request.POST or None, instance=conf)
    formset = forms.StageFormSet(
        request.POST or None,
        prefix="stages",
        initial=initial,
        form_kwargs={"partnership": partnership},
    )
    errors = []
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            given = [
                services.StageInput(
                    name=f.cleaned_data["name"].strip(),
                    days=f.cleaned_data["days"],
                    forum=f.cleaned_data.get("forum"),
                )
                for f in formset.forms
                if (f.cleaned_data.get("name") or "").strip()
            ]
            try:
                with transaction.atomic():
                    services.save_settings(
                        partnership=partnership,
                        user=request.user,
                        stage_inputs=given,
                        **{name: form.cleaned_data[name] for name in form.Meta.fields},
                    )
            except services.StageInUse as exc:
                errors = [("", "", f"{exc}. Nothing was saved.")]
            else:
                record_event(
                    AuditEvent.Kind.LISTS,
                    "Changed the follow-up settings",
                    user=request.user,
                    partnership=partnership,
                    request=request,
                )
                messages.success(request, "Follow-up settings saved")
                return redirect("followup-settings", partnership.slug)
        else:
            errors = _errors(form, formset)
    return render(
        request,
        "followup/settings.html",
        {
            "form": form,
            "formset": formset,
            "errors": errors,
            "placeholders": letters.PLACEHOLDERS,
        },
    )


@login_required
def notice_settings(request):
    form = forms.NoticesForm(request.POST or None, initial={"notices": request.user.notices})
    if request.method == "POST" and form.is_valid():
        request.user.notices = form.cleaned_data["notices"]
        request.user.save(update_fields=["notices"])
        messages.success(request, f"E-mail notices: {request.user.get_notices_display().lower()}")
        return redirect("my-work")
    return render(
        request,
        "followup/notices.html",
        {"form": form, "errors": _errors(form) if form.is_bound else []},
    )

"""The dashboard, the annual-report pack and a challenge's themes, as staff see them. Thin
views: the numbers come from ``insights.report``, the charts from ``insights.charts``, the
layout from ``insights.layout``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from challengelog.accounts.access import staff_page
from challengelog.accounts.models import record_event
from challengelog.accounts.rules import visible_challenges
from challengelog.insights import report, stats
from challengelog.insights.layout import _period_context, pack_context
from challengelog.register.models import Partnership, dated
from challengelog.workspace.views import _challenge


class PeriodForm(forms.Form):
    ryear = forms.ChoiceField(required=False, label="Reporting year")
    date_from = forms.DateField(
        required=False,
        label="From",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the start date as year-month-day, like 2016-04-01"},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the end date as year-month-day, like 2017-03-31"},
    )

    def __init__(self, data, *, partnership: Partnership):
        super().__init__(data)
        dates = dated(partnership.challenges.all())
        first = dates.order_by("sort_date").values_list("date_raised", flat=True).first()
        last = dates.order_by("-sort_date").values_list("date_raised", flat=True).first()
        years = (
            range(stats.reporting_year(last), stats.reporting_year(first) - 1, -1)
            if first
            else range(0)
        )
        self.fields["ryear"].choices = [("", "The whole log")] + [
            (str(y), stats.reporting_year_label(y)) for y in years
        ]
        self.fields["ryear"].error_messages["invalid_choice"] = (
            "Choose a reporting year in which the log has challenges"
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date")
        return cleaned

    def period(self) -> report.Period:
        if not self.is_bound or not self.is_valid():
            return report.Period(None, None)
        data = self.cleaned_data
        if data.get("date_from") or data.get("date_to"):
            return report.Period(data.get("date_from"), data.get("date_to"))
        if data.get("ryear"):
            year = int(data["ryear"])
            return report.Period(dt.date(year, 4, 1), dt.date(year + 1, 3, 31))
        return report.Period(None, None)


def _build(request, partnership, *, listing: str = "full"):
    form = PeriodForm(request.GET or None, partnership=partnership)
    period = form.period()
    data = report.build(partnership, period, listing=listing)
    return form, period, data


@staff_page("log.view_internal")
def dashboard(request, partnership):
    from challengelog.accounts import rules as access

    lead = access.role(request.user, partnership) == access.LEAD
    visible = visible_challenges(request.user, partnership) if lead else None
    form = PeriodForm(request.GET or None, partnership=partnership)
    period = form.period()
    data = _dashboard_figures(partnership, period, visible, reader=request.user.pk if lead else "")
    context = _period_context(
        data,
        log_url=reverse("staff-log", args=[partnership.slug]),
        internal=True,
        recurring_limit=report.DASHBOARD_GROUPS,
    )
    context.update(partnership=partnership, form=form, query=request.GET.urlencode())
    context["lead_only"] = lead
    return render(request, "insights/dashboard.html", context)


def _dashboard_figures(partnership, period, visible, *, reader) -> dict:
    """The dashboard's figures, counted once per change to the log: kept under the data
    version (``register.versions``), the day (ages and overdue actions count from today) and
    who reads them (an agency lead sees only their agency's challenges)."""
    from django.core.cache import cache

    from challengelog.register import versions

    today = timezone.localdate()
    key = ":".join(
        str(part)
        for part in (
            "dashboard",
            versions.current(),
            partnership.pk,
            reader,
            period.date_from,
            period.date_to,
            today,
        )
    )
    data = cache.get(key)
    if data is None:
        data = report.build(partnership, period, today=today, challenges=visible, listing="none")
        cache.set(key, data, versions.KEEP_SECONDS)
    return data


@staff_page("log.report")
def report_page(request, partnership):
    form, _period, data = _build(request, partnership)
    context = _period_context(
        data, log_url=reverse("staff-log", args=[partnership.slug]), internal=True
    )
    context.update(partnership=partnership, form=form, query=_period_query(form))
    return render(request, "insights/report.html", context)


def _period_query(form: PeriodForm) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode({k: v for k, v in form.data.items() if k in form.fields and v})


@staff_page("log.report")
def report_download(request, partnership, fmt):
    from django.http import Http404

    if fmt not in ("pdf", "docx", "json"):
        raise Http404("The report pack comes as PDF, Word (.docx) or JSON")
    listing = "references" if fmt == "json" else "full"
    _form, period, data = _build(request, partnership, listing=listing)
    record_event(
        "report.downloaded",
        f"Report pack ({period.label}) downloaded as {fmt}",
        user=request.user,
        partnership=partnership,
        request=request,
        period=period.label,
        format=fmt,
    )
    stem = f"{partnership.slug}-report-{_slug(period)}"
    if fmt == "json":
        body = report.dumps(data)
        content_type = "application/json"
    elif fmt == "pdf":
        from challengelog.insights.pdf import to_pdf

        log_url = request.build_absolute_uri(reverse("staff-log", args=[partnership.slug]))
        body = to_pdf(pack_context(partnership, data, log_url=log_url))
        content_type = "application/pdf"
    else:
        from challengelog.insights.docx import to_docx

        body = to_docx(data)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _slug(period: report.Period) -> str:
    if not period.date_from and not period.date_to:
        return "whole-log"
    start = period.date_from.isoformat() if period.date_from else "start"
    end = period.date_to.isoformat() if period.date_to else "end"
    return f"{start}-to-{end}"


@staff_page("log.view_internal")
def challenge_themes(request, partnership, reference):
    """Staff set a challenge's themes. The form carries the themes it was opened with: a save
    over someone else's newer change is refused and both are shown."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from challengelog.accounts.access import require
    from challengelog.insights.services import set_themes
    from challengelog.insights.themes import THEMES, suggest

    challenge = _challenge(request, partnership, reference)
    require(request, "log.edit_challenge", challenge)
    current = sorted(challenge.themes.values_list("theme", flat=True))
    known = {t.slug for t in THEMES}
    errors = []
    chosen = current
    if request.method == "POST":
        chosen = list(request.POST.getlist("themes"))
        opened_with = sorted(t for t in request.POST.get("opened_with", "").split(",") if t)
        unknown = [t for t in chosen if t not in known]
        if unknown:
            errors.append(("Themes", "themes", "Choose themes from the list"))
        elif opened_with != current:
            names = ", ".join({t.slug: t.name for t in THEMES}[t] for t in current)
            errors.append(
                (
                    "",
                    "",
                    "Someone changed the themes while you had this page open: they are now "
                    f"{names or 'none'}. Check the choices below and save again.",
                )
            )
            chosen = current
        else:
            set_themes(challenge=challenge, themes=chosen, user=request.user)
            messages.success(request, f"Themes of challenge {challenge.reference} saved")
            return redirect("staff-challenge", partnership.slug, challenge.reference)
    reviewed = hasattr(challenge, "theme_review")
    suggested = suggest(challenge.text, challenge.action)
    return render(
        request,
        "insights/themes.html",
        {
            "partnership": partnership,
            "challenge": challenge,
            "themes": [
                {
                    "slug": t.slug,
                    "name": t.name,
                    "description": t.description,
                    "checked": t.slug in chosen,
                    "words": suggested.get(t.slug, []),
                }
                for t in THEMES
            ],
            "opened_with": ",".join(current),
            "errors": errors,
            "reviewed": reviewed,
        },
        status=409 if errors and not any(e[1] for e in errors) else (400 if errors else 200),
    )

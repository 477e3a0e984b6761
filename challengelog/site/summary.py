"""The public summary of a partnership's published log: its figures, drawn from the public
copy only."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from challengelog.insights import report
from challengelog.insights.layout import _period_context
from challengelog.site.views import _public_context, public_page, published_partnership


@public_page
def summary(request, slug):
    partnership = published_partnership(request, slug)
    # Its agencies', meetings' and raisers' names are the published copy's own.
    data = report.build_public(partnership, today=timezone.localdate())
    context = _period_context(data, log_url=reverse("log", args=[slug]), internal=False)
    context.update(_public_context(partnership, slug, request))
    return render(request, "insights/summary.html", context)

"""The log on the web: the public face of each partnership's log. Thin views: reads come
from selectors, filters from filters."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from challengelog.register import filters, selectors
from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser

ENTRY_KINDS = {
    "agencies": (Agency, "agency", "Agencies challenged", "Agency"),
    "meetings": (Forum, "forum", "Meetings and sources", "Meeting or source"),
    "raised-by": (Raiser, "raised_by", "Raised by", "Raised by"),
}


def log_index(request):
    partnerships = list(Partnership.objects.all())
    if len(partnerships) == 1:
        return redirect("log", slug=partnerships[0].slug)
    return render(request, "register/log_index.html", {"partnerships": partnerships})


def _listing(request, partnership, base_queryset, fixed: dict | None = None, *, staff=False):
    """The filtered, paginated table and everything the template needs to show it."""
    form_class = filters.StaffLogFilters if staff else filters.LogFilters
    form = form_class(request.GET or None, partnership=partnership)
    values = form.values()
    for name in fixed or {}:
        values.pop(name, None)
    apply = filters.apply_staff if staff else filters.apply
    queryset = apply(base_queryset, form, {**values, **(fixed or {})})
    errors = [(form.fields[name].label, name, e) for name, es in form.errors.items() for e in es]
    try:
        page = selectors.log_page(
            queryset, after=request.GET.get("after", ""), before=request.GET.get("before", "")
        )
    except selectors.BadCursor:
        errors.append(("Page", "", "That page link could not be read: showing the first page"))
        page = selectors.log_page(queryset)
    return {
        "form": form,
        "values": values,
        "active": filters.active_filters(form, values),
        "errors": errors,
        "page": page,
        "next_query": filters.query_string(values, after=page.next_cursor),
        "previous_query": filters.query_string(values, before=page.previous_cursor),
        "first_query": filters.query_string(values),
        "challenge_url": "staff-challenge" if staff else "challenge",
    }


def log(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    context = _listing(request, partnership, partnership.challenges.all())
    context["partnership"] = partnership
    return render(request, "register/log.html", context)


def challenge(request, slug, reference):
    partnership = get_object_or_404(Partnership, slug=slug)
    try:
        item = selectors.challenge_detail(partnership, reference)
    except Challenge.DoesNotExist:
        raise Http404(f"No challenge {reference}") from None
    return render(
        request,
        "register/challenge.html",
        {"partnership": partnership, "challenge": item, "updates": list(item.updates.all())},
    )


def entries(request, slug, kind):
    partnership = get_object_or_404(Partnership, slug=slug)
    if kind not in ENTRY_KINDS:
        raise Http404
    model, _, title, _ = ENTRY_KINDS[kind]
    rows = selectors.entries_with_counts(model, partnership)
    return render(
        request,
        "register/entries.html",
        {
            "partnership": partnership,
            "kind": kind,
            "title": title,
            "entries": rows,
            "all_partners": partnership.challenges.filter(to_all_partners=True).count()
            if model is Agency
            else None,
        },
    )


def entry(request, slug, kind, entry_slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    if kind not in ENTRY_KINDS:
        raise Http404
    model, field, title, singular = ENTRY_KINDS[kind]
    item = get_object_or_404(model, partnership=partnership, slug=entry_slug)
    context = _listing(request, partnership, partnership.challenges.all(), {field: item.slug})
    filtered = filters.apply(partnership.challenges.all(), context["form"], {field: item.slug})
    counts = selectors.status_counts(filtered)
    context.update(
        partnership=partnership,
        kind=kind,
        title=title,
        singular=singular,
        entry=item,
        total=counts["total"],
        counts_list=[
            (label, counts[status]) for status, label in Challenge.Status.choices if counts[status]
        ],
        fixed={field},
    )
    return render(request, "register/entry.html", context)

"""The log on the web: the public face of each partnership's log. Thin views: reads come
from selectors, filters from filters."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import condition

from challengelog.register import filters, selectors
from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser

RELEASE = "2"  # part of the public ETag: raise it when public page markup changes

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
    form = form_class(request.GET or None, partnership=partnership, model=base_queryset.model)
    values = form.values()
    for name in fixed or {}:
        values.pop(name, None)
    if not staff:
        from challengelog.publishing.services import PublicNames

        names = PublicNames(partnership)
        for name in ("agency", "forum", "raised_by"):
            field = form.fields[name]
            field.choices = [(value, names(label)) for value, label in field.choices]
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


def _publication(slug):
    from challengelog.publishing.models import Publication

    return (
        Publication.objects.filter(partnership__slug=slug)
        .only("id", "published_at")
        .order_by("-published_at", "-id")
        .first()
    )


def _etag(request, slug, *args, **kwargs):
    publication = _publication(slug)
    if publication is None:
        return None
    return f'"{publication.pk}-{publication.published_at.timestamp():.0f}-{RELEASE}"'


def _last_modified(request, slug, *args, **kwargs):
    publication = _publication(slug)
    return publication.published_at if publication else None


# Public pages change only when something is published: they answer conditional requests.
public_page = condition(etag_func=_etag, last_modified_func=_last_modified)


def _published(partnership):
    return partnership.published.all()


def _public_context(partnership, slug) -> dict:
    from challengelog.publishing.services import PublicNames

    return {
        "partnership": partnership,
        "publication": _publication(slug),
        "public_names": PublicNames(partnership),
    }


@public_page
def log(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    context = _listing(request, partnership, _published(partnership))
    context.update(_public_context(partnership, slug))
    return render(request, "register/log.html", context)


@public_page
def challenge(request, slug, reference):
    partnership = get_object_or_404(Partnership, slug=slug)
    item = (
        _published(partnership)
        .select_related("forum", "raised_by")
        .prefetch_related("agencies")
        .filter(reference=reference)
        .first()
    )
    if item is None:
        raise Http404(f"No published challenge {reference}")
    return render(
        request,
        "register/challenge.html",
        {"challenge": item, **_public_context(partnership, slug)},
    )


@public_page
def entries(request, slug, kind):
    partnership = get_object_or_404(Partnership, slug=slug)
    if kind not in ENTRY_KINDS:
        raise Http404
    model, _, title, _ = ENTRY_KINDS[kind]
    rows = selectors.entries_with_counts(model, partnership, relation="published_challenges")
    return render(
        request,
        "register/entries.html",
        {
            **_public_context(partnership, slug),
            "kind": kind,
            "title": title,
            "entries": [e for e in rows if e.total],
            "all_partners": _published(partnership).filter(to_all_partners=True).count()
            if model is Agency
            else None,
        },
    )


@public_page
def entry(request, slug, kind, entry_slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    if kind not in ENTRY_KINDS:
        raise Http404
    model, field, title, singular = ENTRY_KINDS[kind]
    item = get_object_or_404(model, partnership=partnership, slug=entry_slug)
    context = _listing(request, partnership, _published(partnership), {field: item.slug})
    filtered = filters.apply(_published(partnership), context["form"], {field: item.slug})
    counts = selectors.status_counts(filtered)
    context.update(
        _public_context(partnership, slug),
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
    if kind == "agencies":
        from challengelog.insights.services import recurring_for_agency

        context["recurring"] = recurring_for_agency(partnership, item, published=True)
    return render(request, "register/entry.html", context)

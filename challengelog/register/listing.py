"""A page of the log as a table: filtered, paged by cursor, with what a template needs to
show it. The public log and the staff workspace's log both list through here."""

from challengelog.register import filters, selectors


def listing(
    request,
    partnership,
    base_queryset,
    fixed: dict | None = None,
    *,
    total=None,
    form_class=filters.LogFilters,
    apply=filters.apply,
    challenge_url="challenge",
):
    """The filtered, paginated table and everything the template needs to show it. total:
    how many rows the base holds, when known, given as the count of an unfiltered table.
    The public log and the internal one differ in their filters (`form_class`, `apply`) and
    in the page a row links to (`challenge_url`, a URL name)."""
    form = form_class(request.GET or None, partnership=partnership, model=base_queryset.model)
    values = form.values()
    for name in fixed or {}:
        values.pop(name, None)
    queryset = apply(base_queryset, form, {**values, **(fixed or {})})
    errors = [(form.fields[name].label, name, e) for name, es in form.errors.items() for e in es]
    count = total if total is not None and not values and not fixed else None
    try:
        page = selectors.log_page(
            queryset,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
            columns=selectors.LISTING_COLUMNS,
            count=count,
            searched="q" in values,
        )
    except selectors.BadCursor:
        errors.append(("Page", "", "That page link could not be read: showing the first page"))
        page = selectors.log_page(
            queryset, columns=selectors.LISTING_COLUMNS, count=count, searched="q" in values
        )
    return {
        "form": form,
        "values": values,
        "active": filters.active_filters(form, values),
        "errors": errors,
        "page": page,
        "next_query": filters.query_string(values, after=page.next_cursor),
        "previous_query": filters.query_string(values, before=page.previous_cursor),
        "first_query": filters.query_string(values),
        "challenge_url": challenge_url,
    }

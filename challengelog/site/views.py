"""The log on the web: the public face of each partnership's log, read from publishing's
public copy. Thin views: reads come from selectors, filters from filters."""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import http_date
from django.views.decorators.http import condition

from challengelog.publishing.latest import latest_publication as _latest_publication
from challengelog.publishing.latest import publication_of as _publication
from challengelog.register import filters, selectors
from challengelog.register.listing import listing
from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser

RELEASE = "3"  # part of the public ETag: raise it when public page markup changes

ENTRY_KINDS = {
    "agencies": (Agency, "agency", "Agencies challenged", "Agency"),
    "meetings": (Forum, "forum", "Meetings and sources", "Meeting or source"),
    "raised-by": (Raiser, "raised_by", "Raised by", "Raised by"),
}


def log_index(request):
    # Nothing of a partnership is public before its first publish, not even its name.
    partnerships = list(Partnership.objects.filter(publications__isnull=False).distinct())
    if len(partnerships) == 1:
        return redirect("log", slug=partnerships[0].slug)
    return render(request, "register/log_index.html", {"partnerships": partnerships})


def _etag(request, slug, *args, **kwargs):
    publication = _publication(slug, request)
    if publication is None:
        return None
    return f'"{publication.pk}-{publication.published_at.timestamp():.0f}-{RELEASE}"'


def _last_modified(request, slug, *args, **kwargs):
    publication = _publication(slug, request)
    return publication.published_at if publication else None


def _cache_key(request, slug, publication) -> str:
    from django.utils import timezone

    identity = "|".join(
        [
            RELEASE,
            slug,
            str(publication.pk),
            publication.published_at.isoformat(),
            timezone.localdate().isoformat(),
            request.get_full_path(),
        ]
    )
    return "public:" + hashlib.sha256(identity.encode()).hexdigest()


def _from_cache(key):
    kept = cache.get(key)
    if kept is None:
        return None
    content_type, headers, body = kept
    response = HttpResponse(body, content_type=content_type)
    for name, value in headers:
        response[name] = value
    return response


# The public pages (by URL name) the cache serves.
PUBLIC_PAGES = {"log", "challenge", "log-download", "log-summary"} | {
    f"{prefix}-{kind}" for prefix in ("entries", "entry") for kind in ENTRY_KINDS
}


class PublicPages:
    """Answers an anonymous visitor's public page from the cache before sessions, sign-in and
    the rest of the middleware run (they have nothing to add to a public page): one query for
    the latest publication and a cache read. A signed-in person, and any page not kept yet,
    go the whole way (where the page is built and kept, see `_kept`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            answer = self._kept(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def _kept(self, request):
        from django.urls import Resolver404, resolve
        from django.utils.cache import get_conditional_response

        if request.path_info.startswith(("/staff/", "/api/", "/admin/", "/account/", "/static/")):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        slug = match.kwargs.get("slug")
        if match.url_name not in PUBLIC_PAGES or not slug:
            return None
        publication = _latest_publication(slug)
        if publication is None:
            return None
        request._publications = {slug: publication}
        response = _from_cache(_cache_key(request, slug, publication))
        if response is None:
            return None
        etag = _etag(request, slug)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(publication.published_at.timestamp())
        response["Content-Length"] = str(len(response.content))
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(publication.published_at.timestamp()),
            response=response,
        )


def _kept(view):
    """Public pages change only at a publish (and the summary with the date): each answer is
    kept in the cache under the publication it shows, its address and the day, and given again
    without building it until the next publish makes a new key. Nothing on a public page depends
    on who asks. Answers that are not a plain 200, are streamed, or are larger than
    PUBLIC_CACHE_MAX_BYTES are not kept."""

    @functools.wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        publication = _publication(slug, request)
        if publication is None or request.method not in ("GET", "HEAD"):
            return view(request, slug, *args, **kwargs)
        key = _cache_key(request, slug, publication)
        kept = _from_cache(key)
        if kept is not None:
            return kept
        response = view(request, slug, *args, **kwargs)
        if (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= settings.PUBLIC_CACHE_MAX_BYTES
        ):
            headers = [
                (name, response[name])
                for name in ("Content-Disposition", "Content-Language")
                if response.has_header(name)
            ]
            cache.set(key, (response["Content-Type"], headers, response.content), None)
        return response

    return wrapper


def public_page(view):
    """Public pages answer conditional requests (ETag and Last-Modified from the publication)
    and come from the cache until the next publish."""
    return condition(etag_func=_etag, last_modified_func=_last_modified)(_kept(view))


def _published(partnership):
    return partnership.published.all()


def published_partnership(request, slug) -> Partnership:
    """The partnership whose public page is asked for: none before its first publish, so
    that nothing of it (not even that it exists) is public until then."""
    if _publication(slug, request) is None:
        raise Http404("Nothing has been published yet")
    return get_object_or_404(Partnership, slug=slug)


def _public_entries(partnership, kind):
    """The published entries of one kind that have a page of their own, and the name by which
    they reach their published challenges."""
    name = ENTRY_KINDS[kind][1]
    model = partnership.published.model
    field = model._meta.get_field("agencies" if name == "agency" else name)
    return filters.entries_of(model, name, partnership), field.related_query_name()


def _public_context(partnership, slug, request=None) -> dict:
    return {"partnership": partnership, "publication": _publication(slug, request)}


@public_page
def log(request, slug):
    partnership = published_partnership(request, slug)
    publication = _publication(slug, request)
    # The latest publication counted the published log: the unfiltered page shows that.
    total = publication.total if publication else None
    context = listing(request, partnership, _published(partnership), total=total)
    context.update(_public_context(partnership, slug, request))
    return render(request, "register/log.html", context)


@public_page
def challenge(request, slug, reference):
    partnership = published_partnership(request, slug)
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
        {"challenge": item, **_public_context(partnership, slug, request)},
    )


@public_page
def entries(request, slug, kind):
    partnership = published_partnership(request, slug)
    if kind not in ENTRY_KINDS:
        raise Http404
    _, _, title, _ = ENTRY_KINDS[kind]
    entries, relation = _public_entries(partnership, kind)
    rows = selectors.entries_with_counts(None, partnership, relation, entries=entries)
    return render(
        request,
        "register/entries.html",
        {
            **_public_context(partnership, slug, request),
            "kind": kind,
            "title": title,
            "entries": [e for e in rows if e.total],
            "all_partners": _published(partnership).filter(to_all_partners=True).count()
            if kind == "agencies"
            else None,
        },
    )


@public_page
def entry(request, slug, kind, entry_slug):
    partnership = published_partnership(request, slug)
    if kind not in ENTRY_KINDS:
        raise Http404
    _, field, title, singular = ENTRY_KINDS[kind]
    rows, _ = _public_entries(partnership, kind)
    item = get_object_or_404(rows, slug=entry_slug)
    context = listing(request, partnership, _published(partnership), {field: item.slug})
    filtered = filters.apply(_published(partnership), context["form"], {field: item.slug})
    counts = selectors.status_counts(filtered)
    context.update(
        _public_context(partnership, slug, request),
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

        agency = Agency.objects.filter(partnership=partnership, pk=item.source_id).first()
        if agency is not None:
            context["recurring"] = recurring_for_agency(partnership, agency, published=True)
    return render(request, "register/entry.html", context)

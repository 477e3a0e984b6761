"""The API: the published log for anyone; the internal log, agencies and forums for signed-in
staff with an API token, by the same rules as the web pages (accounts.rules). Lists take the
log pages' filters and page by keyset (`after` / `before` cursors)."""

from __future__ import annotations

from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from challengelog.accounts.rules import visible_challenges
from challengelog.api import serializers as shapes
from challengelog.ops.export import challenge_record
from challengelog.publishing.downloads import PUBLIC_KEYS
from challengelog.publishing.services import published_record
from challengelog.register import filters, selectors
from challengelog.register.models import Agency, ChallengeView, Forum, Partnership, record_view
from challengelog.workspace import filters as staff_filters

FILTERS = [
    OpenApiParameter("q", str, description="Words to search for"),
    OpenApiParameter("agency", str, description="An agency's slug"),
    OpenApiParameter("forum", str, description="A meeting's or source's slug"),
    OpenApiParameter("raised_by", str, description="A raiser's slug"),
    OpenApiParameter("status", str, enum=["open", "assured", "not_assured", "withdrawn"]),
    OpenApiParameter("year", int, description="Calendar year raised"),
    OpenApiParameter("ryear", int, description="Reporting year raised (April to March)"),
    OpenApiParameter("risk", str, enum=["yes", "no", "not_recorded"]),
    OpenApiParameter("raised_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("raised_to", str, description="YYYY-MM-DD"),
    OpenApiParameter("after", str, description="The `next` cursor of a page"),
    OpenApiParameter("before", str, description="The `previous` cursor of a page"),
]
ERRORS = {400: shapes.Error, 401: shapes.Error, 403: shapes.Error, 404: shapes.Error}


def _partnership(slug: str) -> Partnership:
    try:
        return Partnership.objects.get(slug=slug)
    except Partnership.DoesNotExist:
        raise exceptions.NotFound(f"No partnership “{slug}”") from None


def _page(request, partnership, base, *, staff: bool, record):
    form_class = staff_filters.StaffLogFilters if staff else filters.LogFilters
    form = form_class(request.query_params or None, partnership=partnership, model=base.model)
    if form.is_bound and not form.is_valid():
        raise exceptions.ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    values = form.values()
    queryset = (staff_filters.apply_staff if staff else filters.apply)(base, form, values)
    try:
        page = selectors.log_page(
            queryset,
            after=request.query_params.get("after", ""),
            before=request.query_params.get("before", ""),
        )
    except selectors.BadCursor:
        raise exceptions.ValidationError(
            {"after": ["That page cursor could not be read: use a `next` or `previous` value"]}
        ) from None

    def link(**cursor):
        if not any(cursor.values()):
            return None
        query = filters.query_string(values, **cursor).lstrip("?")
        return request.build_absolute_uri(f"{request.path}?{query}")

    return {
        "count": page.count,
        "count_capped": page.count_capped,
        "next": link(after=page.next_cursor),
        "previous": link(before=page.previous_cursor),
        "results": [record(row) for row in page.rows],
    }


def _public(partnership):
    def record(item):
        full = published_record(item)
        return {key: full[key] for key in PUBLIC_KEYS}

    return record


def _published_partnership(slug: str) -> Partnership:
    """As the public pages: nothing of a partnership before its first publish."""
    partnership = Partnership.objects.filter(slug=slug, publications__isnull=False).first()
    if partnership is None:
        raise exceptions.NotFound(f"No published log “{slug}”")
    return partnership


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Base(APIView):
    """Every API view: a NUL character anywhere in the request is refused first, as no
    database can store it (PostgreSQL refuses it outright)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        query = {k: request.query_params.getlist(k) for k in request.query_params}
        if _has_nul(query) or _has_nul(kwargs):
            raise exceptions.ValidationError({"query": ["A NUL character cannot be stored"]})
        if request.method in ("POST", "PUT", "PATCH") and _has_nul(request.data):
            raise exceptions.ValidationError({"body": ["A NUL character cannot be stored"]})


class Index(Base):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={200: shapes.Partnership(many=True)},
        summary="Partnerships",
        operation_id="partnerships",
    )
    def get(self, request):
        return Response(
            [
                {
                    "name": p.name,
                    "slug": p.slug,
                    "published": request.build_absolute_uri(
                        f"/api/partnerships/{p.slug}/published/"
                    ),
                }
                for p in Partnership.objects.filter(publications__isnull=False).distinct()
            ]
        )


class PublishedList(Base):
    """The published log, newest first: what the public log page shows, for anyone."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=FILTERS,
        responses={200: shapes.PublishedPage, **ERRORS},
        summary="Published log",
        operation_id="published_list",
    )
    def get(self, request, slug):
        partnership = _published_partnership(slug)
        base = partnership.published.all()
        return Response(_page(request, partnership, base, staff=False, record=_public(partnership)))


class PublishedDetail(Base):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={200: shapes.PublishedChallenge, **ERRORS},
        summary="A published challenge",
        operation_id="published_read",
    )
    def get(self, request, slug, reference):
        partnership = _published_partnership(slug)
        item = (
            partnership.published.select_related("forum")
            .prefetch_related("agencies")
            .filter(reference=reference)
            .first()
        )
        if item is None:
            raise exceptions.NotFound(f"No published challenge {reference}")
        return Response(_public(partnership)(item))


class StaffView(Base):
    """Signed in (a token or the web session), with a role in the partnership."""

    permission_classes = [permissions.IsAuthenticated]
    permission = "log.view_internal"

    def partnership(self, request, slug) -> Partnership:
        partnership = _partnership(slug)
        if not request.user.has_perm(self.permission, partnership):
            raise exceptions.PermissionDenied(f"You have no role in {partnership.name}")
        return partnership


def _internal(challenge) -> dict:
    record = challenge_record(challenge)
    record.update(
        version=challenge.version,
        stage=challenge.stage,
        awaiting_since=challenge.awaiting_since.isoformat() if challenge.awaiting_since else None,
        actions=[
            {
                "id": a.pk,
                "text": a.text,
                "agency": a.agency.name if a.agency else None,
                "lead": a.lead,
                "due": a.due.isoformat() if a.due else None,
                "completed_on": a.completed_on.isoformat() if a.completed_on else None,
            }
            for a in challenge.actions.all()
        ],
    )
    return record


class ChallengeList(StaffView):
    """The internal log: what the signed-in person may see (an agency lead: their agencies'
    challenges and those to all partners)."""

    @extend_schema(
        parameters=FILTERS,
        responses={200: shapes.InternalPage, **ERRORS},
        summary="Internal log",
        operation_id="challenges_list",
    )
    def get(self, request, slug):
        partnership = self.partnership(request, slug)
        base = visible_challenges(request.user, partnership).prefetch_related(
            "updates", "actions__agency"
        )
        return Response(_page(request, partnership, base, staff=True, record=_internal))


class ChallengeDetail(StaffView):
    @extend_schema(
        responses={200: shapes.InternalChallenge, **ERRORS},
        summary="A challenge",
        operation_id="challenges_read",
    )
    def get(self, request, slug, reference):
        partnership = self.partnership(request, slug)
        try:
            challenge = selectors.staff_challenge(partnership, reference)
        except Exception:
            challenge = None
        # One answer for "not there" and "not yours", as on the web pages.
        if challenge is None or not request.user.has_perm("log.view_challenge", challenge):
            raise exceptions.NotFound(f"No challenge {reference}")
        record_view(challenge, request.user, ChallengeView.Via.API)
        return Response(_internal(challenge))


def _entries(model, partnership):
    return [
        {"name": e.name, "slug": e.slug, "aliases": e.aliases, "retired": e.retired}
        for e in model.objects.filter(partnership=partnership)
    ]


class Agencies(StaffView):
    @extend_schema(
        responses={200: shapes.Entry(many=True), **ERRORS},
        summary="Agencies",
        operation_id="agencies_list",
    )
    def get(self, request, slug):
        return Response(_entries(Agency, self.partnership(request, slug)))


class Forums(StaffView):
    @extend_schema(
        responses={200: shapes.Entry(many=True), **ERRORS},
        summary="Meetings and sources",
        operation_id="forums_list",
    )
    def get(self, request, slug):
        return Response(_entries(Forum, self.partnership(request, slug)))


@csrf_exempt
def not_found(request, exception=None):
    from challengelog.accounts.access import json_error

    return json_error(404, "Nothing here: see /api/docs/ for what the API offers")

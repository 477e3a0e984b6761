"""Reads of the register. Querysets, with what their callers need fetched in few queries."""

from django.db.models import Prefetch, QuerySet

from challengelog.register.models import Challenge, Partnership, ProgressUpdate


def challenges_for_export(partnership: Partnership) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(partnership=partnership)
        .select_related("forum", "raised_by")
        .prefetch_related(
            "agencies",
            Prefetch("updates", queryset=ProgressUpdate.objects.order_by("position", "id")),
        )
        .order_by("-date_raised", "-reference_number", "-id")
    )


def latest_update(challenge: Challenge) -> ProgressUpdate | None:
    """The newest entry of a prefetched timeline."""
    updates = list(challenge.updates.all())
    return updates[-1] if updates else None


class PartnershipNotChosen(ValueError):
    pass


def partnership_slug(given: str | None) -> str:
    """The partnership given, or the only one there is."""
    if given:
        return given
    slugs = list(Partnership.objects.values_list("slug", flat=True)[:2])
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        raise PartnershipNotChosen("there is no partnership yet: name one with --partnership SLUG")
    raise PartnershipNotChosen(
        "this installation holds several partnerships: choose one with --partnership SLUG"
    )

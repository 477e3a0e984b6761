"""The partnership a command works on, from its --partnership option."""

from django.core.management.base import CommandError

from challengelog.register.models import Partnership
from challengelog.register.selectors import PartnershipNotChosen, partnership_slug


def chosen_partnership(given: str | None) -> Partnership:
    """The partnership named, or the only one there is; a clear CommandError otherwise."""
    try:
        slug = partnership_slug(given)
    except PartnershipNotChosen as exc:
        raise CommandError(str(exc)) from None
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise CommandError(f"no partnership “{slug}”")
    return partnership

"""Who may do what, per partnership and per challenge: `rules` predicates, no extra tables.

Roles: administrator (the business unit: everything), chair (raise, record progress, decide
assured or escalate), member (read the internal log), agency lead (only the challenges
addressed to their own agencies or to all partners, and answer them). Superusers act as
administrators everywhere. Anonymous visitors have no internal permission at all.
"""

import rules
from django.db.models import Q, QuerySet

from challengelog.accounts.models import Membership
from challengelog.register.models import Challenge, Partnership

ADMIN = Membership.Role.ADMINISTRATOR
CHAIR = Membership.Role.CHAIR
MEMBER = Membership.Role.MEMBER
LEAD = Membership.Role.AGENCY_LEAD


def membership(user, partnership) -> Membership | None:
    """The user's role in a partnership, looked up once per request."""
    if not getattr(user, "is_authenticated", False) or partnership is None:
        return None
    cache = user.__dict__.setdefault("_memberships", {})
    if partnership.pk not in cache:
        cache[partnership.pk] = (
            Membership.objects.filter(user=user, partnership=partnership)
            .prefetch_related("agencies")
            .first()
        )
    return cache[partnership.pk]


def role(user, partnership) -> str | None:
    if getattr(user, "is_superuser", False) and user.is_active:
        return ADMIN
    found = membership(user, partnership)
    return found.role if found else None


def lead_agency_ids(user, partnership) -> set[int]:
    found = membership(user, partnership)
    return {a.pk for a in found.agencies.all()} if found and found.role == LEAD else set()


def _partnership(obj):
    return getattr(obj, "partnership", obj)


def _has(*roles):
    @rules.predicate
    def check(user, obj) -> bool:
        return role(user, _partnership(obj)) in roles

    return check


is_staff = _has(ADMIN, CHAIR, MEMBER, LEAD)
is_board = _has(ADMIN, CHAIR, MEMBER)
is_chair = _has(ADMIN, CHAIR)
is_admin = _has(ADMIN)


@rules.predicate
def addressed_to_my_agency(user, challenge) -> bool:
    if role(user, challenge.partnership) != LEAD:
        return False
    if challenge.to_all_partners:
        return True
    mine = lead_agency_ids(user, challenge.partnership)
    return any(a.pk in mine for a in challenge.agencies.all())


can_see_challenge = is_board | addressed_to_my_agency

rules.add_perm("log.view_internal", is_staff)  # obj: partnership
rules.add_perm("log.raise", is_chair)  # obj: partnership
rules.add_perm("log.export", is_staff)  # obj: partnership (leads get only their own rows)
rules.add_perm("log.import", is_admin)
rules.add_perm("log.manage_lists", is_admin)
rules.add_perm("log.read_audit", is_admin)
rules.add_perm("log.publish", is_chair)  # obj: partnership: approve, hold back, publish
rules.add_perm("log.word_public", is_board)  # obj: partnership: a challenge's public wording
rules.add_perm("log.configure_publishing", is_admin)  # obj: partnership
rules.add_perm("log.view_challenge", can_see_challenge)  # obj: challenge
rules.add_perm("log.edit_challenge", is_chair)
rules.add_perm("log.record_progress", is_chair)
rules.add_perm("log.decide", is_chair)
rules.add_perm("log.respond", is_admin | addressed_to_my_agency)
rules.add_perm("log.report", is_board)  # obj: partnership: the annual-report pack
# Follow-up
rules.add_perm("log.papers", is_board)  # obj: partnership: the forward plan, meeting papers
rules.add_perm("log.plan_meetings", is_chair)  # obj: partnership
rules.add_perm("log.escalate", is_chair)  # obj: challenge
rules.add_perm("log.letter", is_chair)  # obj: challenge
rules.add_perm("log.configure_followup", is_admin)  # obj: partnership


def visible_challenges(user, partnership: Partnership) -> QuerySet[Challenge]:
    """The challenges a signed-in person may see: all for the board, and for an agency lead
    only those addressed to their agencies or to all partners. None for anyone else."""
    base = Challenge.objects.filter(partnership=partnership)
    has = role(user, partnership)
    if has in (ADMIN, CHAIR, MEMBER):
        return base
    if has == LEAD:
        mine = lead_agency_ids(user, partnership)
        through = Challenge.agencies.through.objects.filter(agency_id__in=mine)
        return base.filter(Q(to_all_partners=True) | Q(pk__in=through.values("challenge_id")))
    return base.none()

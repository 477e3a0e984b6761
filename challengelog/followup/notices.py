"""Notices by e-mail, kept in the database until sent (an outbox).

Each notice has a key naming what it is about ("overdue:<action>:<due date>"): it is made once
per person and never again, however often `challengelog remind` runs. Sending marks it sent;
a send that fails leaves it unsent with the error, and the next run tries it again. People
who chose the weekly digest get one e-mail a week instead, with what needs them.

E-mails carry references, agencies, dates and links, never the text of a challenge: the log
is OFFICIAL-SENSITIVE and e-mail leaves the partnership's hands.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from challengelog.accounts.models import Membership, User
from challengelog.followup.models import Escalation, Notice
from challengelog.followup.workingdays import add_working_days, overdue_by
from challengelog.register.models import Action, Challenge, Partnership

log = logging.getLogger(__name__)

# Deadlines that passed longer ago than this are shown on home pages and in digests, not
# announced: turning reminders on must not flood people with years of old deadlines.
RECENT_DAYS = 30
# After this many sends in a row fail to reach the server, the rest wait for the next run.
GIVE_UP_AFTER = 3
# A notice claimed by a run that never finished is free again after this long.
CLAIM_EXPIRES = dt.timedelta(minutes=15)

LEAD = Membership.Role.AGENCY_LEAD
CHAIRS = [Membership.Role.ADMINISTRATOR, Membership.Role.CHAIR]
ADMINS = [Membership.Role.ADMINISTRATOR]


def link(name: str, *args) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def challenge_link(challenge: Challenge) -> str:
    return link("staff-challenge", challenge.partnership.slug, challenge.reference)


def _long(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "no date"


# Who hears of what --------------------------------------------------------------------------


def with_roles(partnership: Partnership, roles: list[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__partnership=partnership, memberships__role__in=roles
        ).distinct()
    )


def leads_for(challenge: Challenge, agency=None) -> list[User]:
    """The agency leads who answer for `agency`, or else for the challenge's agencies (every
    member agency's when it is addressed to all partners)."""
    members = Membership.objects.filter(
        partnership_id=challenge.partnership_id, role=LEAD, user__is_active=True
    )
    if agency is not None:
        members = members.filter(agencies=agency)
    elif challenge.to_all_partners:
        members = members.filter(
            Q(agencies__in=challenge.agencies.all()) | Q(agencies__is_member=True)
        )
    else:
        members = members.filter(agencies__in=challenge.agencies.all())
    return list(User.objects.filter(memberships__in=members).distinct())


def make(users, *, partnership, kind, key, subject, body) -> int:
    """One notice per person for `key`, unless they have had it already. Returns how many are
    new."""
    made = 0
    for user in {u.pk: u for u in users}.values():
        if Notice.objects.filter(user=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                Notice.objects.create(
                    user=user,
                    partnership=partnership,
                    kind=kind,
                    key=key[:200],
                    subject=f"[{partnership.name}] {subject}"[:300],
                    body=body,
                )
            made += 1
        except IntegrityError:  # another run made it first
            pass
    return made


# Notices made when something happens -------------------------------------------------------


def addressed(challenge: Challenge) -> int:
    """To the agency leads of a challenge just raised (or newly addressed to their agency)."""
    agencies = "all partners" if challenge.to_all_partners else challenge.to_as_recorded
    body = (
        f"Challenge {challenge.reference} has been raised with {agencies}"
        f"{' at ' + challenge.forum.name if challenge.forum else ''}"
        f" on {_long(challenge.date_raised)}.\n\n"
        "Read it and respond, with any evidence, here:\n"
        f"{challenge_link(challenge)}\n"
    )
    return make(
        leads_for(challenge),
        partnership=challenge.partnership,
        kind=Notice.Kind.ADDRESSED,
        key=f"addressed:{challenge.pk}",
        subject=f"Challenge {challenge.reference} addressed to your agency",
        body=body,
    )


def escalated(escalation: Escalation) -> int:
    challenge = escalation.challenge
    body = (
        f"Challenge {challenge.reference} was escalated on {_long(escalation.on)} "
        f"by {escalation.by_name}, from stage {escalation.from_stage} to stage "
        f"{escalation.to_stage} ({escalation.stage_name}).\n\n"
        f"Reason: {escalation.reason}\n\n{challenge_link(challenge)}\n"
    )
    users = leads_for(challenge) + with_roles(challenge.partnership, CHAIRS)
    return make(
        users,
        partnership=challenge.partnership,
        kind=Notice.Kind.ESCALATED,
        key=f"escalated:{escalation.pk}",
        subject=f"Challenge {challenge.reference} escalated to stage {escalation.to_stage}",
        body=body,
    )


# Notices made by the calendar (challengelog remind) -----------------------------------------


def collect(today: dt.date) -> int:
    """Make the notices that are due today: reminders before due dates, overdue actions, and
    responses past their stage's timescale. Returns how many are new."""
    from challengelog.followup.meetings import settings_for
    from challengelog.followup.stages import flagged, stages, standing

    made = 0
    recent = today - dt.timedelta(days=RECENT_DAYS)
    for partnership in Partnership.objects.all():
        conf = settings_for(partnership)
        horizon = add_working_days(today, conf.remind_days)
        actions = Action.objects.filter(
            challenge__partnership=partnership,
            challenge__status=Challenge.Status.OPEN,
            completed_on__isnull=True,
            due__gte=recent,
            due__lte=horizon,
        ).select_related("challenge__partnership", "challenge__forum", "agency")
        admins = with_roles(partnership, ADMINS)
        for action in actions:
            challenge = action.challenge
            owner = action.agency.name if action.agency else "the agencies addressed"
            late = overdue_by(action.due, today)
            if action.due >= today:
                made += make(
                    leads_for(challenge, action.agency),
                    partnership=partnership,
                    kind=Notice.Kind.DUE_SOON,
                    key=f"due_soon:{action.pk}:{action.due.isoformat()}",
                    subject=f"Action on challenge {challenge.reference} due {_long(action.due)}",
                    body=(
                        f"An action of challenge {challenge.reference} for {owner} is due on "
                        f"{_long(action.due)}.\n\n{challenge_link(challenge)}\n"
                    ),
                )
            elif late > 0:
                made += make(
                    leads_for(challenge, action.agency) + admins,
                    partnership=partnership,
                    kind=Notice.Kind.OVERDUE,
                    key=f"overdue:{action.pk}:{action.due.isoformat()}",
                    subject=f"Action on challenge {challenge.reference} overdue",
                    body=(
                        f"An action of challenge {challenge.reference} for {owner} was due on "
                        f"{_long(action.due)} and is not recorded as done.\n\n"
                        f"{challenge_link(challenge)}\n"
                    ),
                )
        all_stages = stages(partnership)
        chairs = with_roles(partnership, CHAIRS)
        late_ones = flagged(
            Challenge.objects.filter(partnership=partnership), partnership, today
        ).filter(awaiting_since__gte=recent - dt.timedelta(days=120))
        for challenge in late_ones.select_related("partnership", "forum"):
            where = standing(challenge, all_stages, today)
            if where.due is None or where.due < recent:
                continue
            made += make(
                leads_for(challenge) + chairs,
                partnership=partnership,
                kind=Notice.Kind.TIMESCALE,
                key=f"timescale:{challenge.pk}:{challenge.stage}:{where.awaiting_since}",
                subject=f"No response to challenge {challenge.reference} within its timescale",
                body=(
                    f"Challenge {challenge.reference} has awaited a response since "
                    f"{_long(where.awaiting_since)}. At stage {where.stage.number} "
                    f"({where.stage.name}) the timescale is {where.stage.days} working days: "
                    f"the response was due by {_long(where.due)}. It may now be "
                    f"escalated.\n\n{challenge_link(challenge)}\n"
                ),
            )
    return made


# The weekly digest ---------------------------------------------------------------------------


def week_key(today: dt.date) -> str:
    year, week, _ = today.isocalendar()
    return f"digest:{year}-W{week:02d}"


def needs(user: User, today: dt.date) -> list[str]:
    """What needs this person now, as lines of the digest."""
    from challengelog.accounts import rules
    from challengelog.accounts.rules import visible_challenges
    from challengelog.followup.meetings import upcoming
    from challengelog.followup.stages import flagged
    from challengelog.register.selectors import open_actions

    lines = []
    for membership in user.memberships.select_related("partnership"):
        partnership = membership.partnership
        visible = visible_challenges(user, partnership)
        part = []
        if membership.role == LEAD:
            mine = rules.lead_agency_ids(user, partnership)
            waiting = visible.filter(
                status=Challenge.Status.OPEN, awaiting_since__isnull=False
            ).filter(Q(agencies__in=mine) | Q(to_all_partners=True))
            part += [
                f"- Challenge {c.reference} awaits your agency's response: {challenge_link(c)}"
                for c in waiting.distinct().select_related("partnership")[:20]
            ]
        actions = list(open_actions(visible).select_related("challenge__partnership")[:500])
        late = [a for a in actions if overdue_by(a.due, today) > 0]
        soon = [a for a in actions if a.due and today <= a.due <= add_working_days(today, 10)]
        if late:
            part.append(f"- {len(late)} overdue action{'s' if len(late) != 1 else ''}:")
            part += [
                f"  challenge {a.challenge.reference}, due {_long(a.due)}: "
                f"{challenge_link(a.challenge)}"
                for a in late[:20]
            ]
        if soon:
            part.append(f"- {len(soon)} action{'s' if len(soon) != 1 else ''} due soon:")
            part += [
                f"  challenge {a.challenge.reference}, due {_long(a.due)}: "
                f"{challenge_link(a.challenge)}"
                for a in soon[:20]
            ]
        if membership.role in CHAIRS:
            over = flagged(visible, partnership, today)
            count = over.count()
            if count:
                part.append(
                    f"- {count} challenge{'s' if count != 1 else ''} past the timescale of "
                    f"their escalation stage: {link('my-work')}"
                )
        if membership.role != LEAD:
            part += [
                f"- Meeting: {m}, papers at {link('followup-meeting', partnership.slug, m.pk)}"
                for m in upcoming(partnership, today, limit=3)
            ]
        if part:
            lines += [f"{partnership.name}", *part, ""]
    return lines


def make_digests(today: dt.date) -> int:
    """One digest a week for each person who chose it, with the notices since the last one
    and what needs them now; none when there is nothing to say."""
    made = 0
    key = week_key(today)
    for user in User.objects.filter(notices=User.Notices.DIGEST, is_active=True):
        if Notice.objects.filter(user=user, key=key).exists():
            continue
        pending = list(
            Notice.objects.filter(user=user, sent_at__isnull=True, in_digest__isnull=True)
            .exclude(kind=Notice.Kind.DIGEST)
            .select_related("partnership")
        )
        lines = needs(user, today)
        if not pending and not lines:
            continue
        body = [f"Your weekly digest from Challenge Log, {_long(today)}.", ""]
        if lines:
            body += ["What needs you now", "", *lines]
        if pending:
            body += ["Since your last digest", ""]
            body += [f"- {n.subject}\n  {n.body.strip().splitlines()[-1]}" for n in pending]
        body += ["", f"Choose immediate notices instead: {link('notice-settings')}"]
        try:
            with transaction.atomic():
                digest = Notice.objects.create(
                    user=user,
                    kind=Notice.Kind.DIGEST,
                    key=key,
                    subject=f"Challenge Log: your week, {_long(today)}",
                    body="\n".join(body) + "\n",
                )
                Notice.objects.filter(pk__in=[n.pk for n in pending]).update(in_digest=digest)
        except IntegrityError:
            continue
        made += 1
    return made


# Sending -------------------------------------------------------------------------------------


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _claim(notice: Notice, now) -> bool:
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    return bool(
        Notice.objects.filter(free, pk=notice.pk, sent_at__isnull=True).update(claimed_at=now)
    )


def deliver() -> Delivery:
    """Send every notice that is due to go, each at most once; a failure is kept for the next
    run with its error."""
    result = Delivery()
    ready = (
        Notice.objects.filter(sent_at__isnull=True, in_digest__isnull=True, user__is_active=True)
        .filter(Q(kind=Notice.Kind.DIGEST) | Q(user__notices=User.Notices.IMMEDIATE))
        .select_related("user")
        .order_by("created", "id")
    )
    connection = get_connection(fail_silently=False)
    in_a_row = 0
    for notice in ready:
        now = timezone.now()
        if not _claim(notice, now):
            continue
        message = EmailMessage(
            notice.subject, notice.body, to=[notice.user.email], connection=connection
        )
        try:
            message.send()
        except Exception as exc:  # any failure of the mail server: keep it for the next run
            in_a_row += 1
            error = f"{type(exc).__name__}: {exc}"[:500]
            Notice.objects.filter(pk=notice.pk).update(
                claimed_at=None, attempts=notice.attempts + 1, last_error=error
            )
            result.failed += 1
            result.errors.append(f"to {notice.user.email}: {error}")
            log.warning("Notice %s not sent: %s", notice.pk, error)
            with contextlib.suppress(Exception):  # the connection is already broken
                connection.close()
            if in_a_row >= GIVE_UP_AFTER:
                break
            continue
        in_a_row = 0
        sent = timezone.now()
        Notice.objects.filter(pk=notice.pk).update(
            sent_at=sent, claimed_at=None, attempts=notice.attempts + 1, last_error=""
        )
        Notice.objects.filter(in_digest=notice).update(sent_at=sent)
        result.sent += 1
    with contextlib.suppress(Exception):
        connection.close()
    return result


def unsent_count() -> int:
    return Notice.objects.filter(sent_at__isnull=True, in_digest__isnull=True).count()

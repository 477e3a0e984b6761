"""What the accessibility statement, the privacy notice and the cookies page say.

A partnership's choices are a SiteInformation row; a text it left empty, and everything when
it has no row, takes the standard wording below, which names the partnership. The service's
own pages (at /accessibility/, /privacy/, /cookies/) use the standard wording alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from challengelog.publishing.models import SiteInformation
from challengelog.register.models import Partnership

SERVICE_NAME = "Challenge Log"
# When the service's standard statement was written, and when it was last checked against
# the pages it describes.
STANDARD_PREPARED = dt.date(2026, 11, 26)
STANDARD_REVIEWED = dt.date(2026, 12, 3)

# The texts a partnership may change; empty means the standard wording.
TEXTS = (
    "controller",
    "dpo_contact",
    "lawful_basis",
    "non_compliance",
    "disproportionate_burden",
    "outside_scope",
)

CHILDREN_BASIS = (
    "{name} carries out the multi-agency arrangements for safeguarding and promoting the "
    "welfare of children that sections 16E to 16K of the Children Act 2004 require, as set "
    "out in the statutory guidance Working Together to Safeguard Children (2023). Under them "
    "the safeguarding partners (the local authority, the integrated care board and the chief "
    "officer of police) work together with the relevant agencies, hold one another to "
    "account, and publish a report of what they have done at least once a year."
)
ADULTS_BASIS = (
    "{name} is the Safeguarding Adults Board that section 43 of the Care Act 2014 requires "
    "the local authority to establish. Its objective is to help and protect adults in its area "
    "who are at risk of abuse or neglect, and Schedule 2 to the Act requires it to publish a "
    "strategic plan and an annual report of what it and its members have done."
)
NON_COMPLIANCE = (
    "The PDF download has not been checked against the PDF/UA standard: a screen reader may "
    "not read all of its structure, such as the table's column headers, as it reads the web "
    "pages. This may fail WCAG 2.2 success criterion 1.3.1 (Info and Relationships). The same "
    "information is on the web pages and in the CSV, Excel and JSON downloads."
)
NO_BURDEN = (
    "We do not claim that fixing any of the content listed here would be a disproportionate burden."
)
OUTSIDE_SCOPE = (
    "None that we know of. The downloads are made afresh from the published log each time it "
    "is published, so none of them is an older document outside the regulations."
)


def _kind(name: str) -> set[str]:
    """Which safeguarding law a partnership's name suggests: both when it says neither."""
    lowered = name.lower()
    kinds = set()
    if "child" in lowered or re.search(r"\b(lscb|lscp|scp|scb)\b", lowered):
        kinds.add("children")
    if "adult" in lowered or re.search(r"\bsab\b", lowered):
        kinds.add("adults")
    return kinds if len(kinds) == 1 else {"children", "adults"}


BOTH_BASIS = (
    "{whose} task is set by law.\n\n"
    "For a safeguarding children partnership: sections 16E to 16K of the Children Act 2004 and "
    "the statutory guidance Working Together to Safeguard Children (2023), under which the "
    "safeguarding partners (the local authority, the integrated care board and the chief "
    "officer of police) work together with the relevant agencies to safeguard and promote the "
    "welfare of children, hold one another to account, and publish a report of what they have "
    "done at least once a year.\n\n"
    "For a safeguarding adults board: section 43 of and Schedule 2 to the Care Act 2014, under "
    "which the local authority establishes the board to help and protect adults in its area "
    "who are at risk of abuse or neglect, and the board publishes a strategic plan and an "
    "annual report of what it and its members have done."
)


def lawful_basis_for(name: str) -> str:
    """The standard statement of the law behind a partnership's task: the children's or the
    adults' law as its name suggests, both when it says neither."""
    kinds = _kind(name)
    if kinds == {"children"}:
        return CHILDREN_BASIS.format(name=name)
    if kinds == {"adults"}:
        return ADULTS_BASIS.format(name=name)
    return BOTH_BASIS.format(whose=f"{name}'s" if name else "Each partnership's")


def standard_texts(partnership: Partnership | None) -> dict[str, str]:
    """The wording of each text a partnership has not written itself."""
    name = partnership.name if partnership else "the partnership"
    return {
        "controller": partnership.name if partnership else "",
        "dpo_contact": (
            f"The data protection officer of the organisation that hosts the business unit of "
            f"{name}: ask the business unit for their details."
        ),
        "lawful_basis": lawful_basis_for(partnership.name if partnership else ""),
        "non_compliance": NON_COMPLIANCE,
        "disproportionate_burden": NO_BURDEN,
        "outside_scope": OUTSIDE_SCOPE,
    }


def standard_dates(partnership: Partnership | None) -> tuple[dt.date, dt.date]:
    """Prepared and last reviewed, for a statement nobody has dated: the standard
    statement's dates, or the day the log was first published when that is later."""
    first = None
    if partnership is not None:
        earliest = partnership.publications.order_by("published_at").first()
        first = timezone.localdate(earliest.published_at) if earliest else None
    if first is None:
        return STANDARD_PREPARED, STANDARD_REVIEWED
    return max(first, STANDARD_PREPARED), max(first, STANDARD_REVIEWED)


@dataclass
class Information:
    """Everything the three pages show, with the standard wording filled in."""

    partnership: Partnership | None
    name: str
    contact_email: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    reply_days: int = 10
    controller: str = ""
    dpo_contact: str = ""
    lawful_basis: str = ""
    compliance: str = SiteInformation.Compliance.PARTIAL
    non_compliance: str = ""
    disproportionate_burden: str = ""
    outside_scope: str = ""
    testing: str = ""
    prepared_on: dt.date = STANDARD_PREPARED
    reviewed_on: dt.date = STANDARD_REVIEWED
    notice_updated: dt.date = STANDARD_REVIEWED
    retention_months: int | None = None
    configured: bool = False

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone or self.contact_address)


def stored(partnership: Partnership) -> SiteInformation | None:
    return SiteInformation.objects.filter(partnership=partnership).first()


def for_partnership(partnership: Partnership, row: SiteInformation | None = None) -> Information:
    row = row if row is not None else stored(partnership)
    texts = standard_texts(partnership)
    prepared, reviewed = standard_dates(partnership)
    info = Information(
        partnership=partnership,
        name=partnership.name,
        prepared_on=prepared,
        reviewed_on=reviewed,
        notice_updated=reviewed,
        retention_months=partnership.retention_months,
        **texts,
    )
    if row is None:
        return info
    info.configured = True
    for name in ("contact_email", "contact_phone", "contact_address", "reply_days"):
        setattr(info, name, getattr(row, name))
    info.compliance = row.compliance
    info.testing = row.testing
    for name in TEXTS:
        setattr(info, name, getattr(row, name) or texts[name])
    info.prepared_on = row.prepared_on or prepared
    info.reviewed_on = row.reviewed_on or reviewed
    info.notice_updated = row.updated.date() if row.updated else reviewed
    return info


def for_service() -> Information:
    return Information(partnership=None, name=SERVICE_NAME, **standard_texts(None))


# Cookies -----------------------------------------------------------------------------------


@dataclass
class Cookie:
    name: str
    purpose: str
    expires: str


def _duration(seconds: int) -> str:
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def staff_cookies() -> list[Cookie]:
    """The cookies the sign-in and staff pages may set, named as the settings name them."""
    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        session_ends = (
            f"When you close your browser, or after {_duration(settings.SESSION_COOKIE_AGE)} "
            "without using the staff pages"
        )
    else:
        session_ends = f"After {_duration(settings.SESSION_COOKIE_AGE)} without using them"
    cookies = [
        Cookie(settings.SESSION_COOKIE_NAME, "Keeps you signed in to the staff pages", session_ends)
    ]
    if not settings.CSRF_USE_SESSIONS:
        age = settings.CSRF_COOKIE_AGE
        cookies.append(
            Cookie(
                settings.CSRF_COOKIE_NAME,
                "Makes sure a form you send (signing in, saving a challenge) came from this "
                "website and not from another one pretending to be you",
                f"After {_duration(age)}" if age else "When you close your browser",
            )
        )
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.contrib.messages.storage.fallback import FallbackStorage

    storage = import_string(settings.MESSAGE_STORAGE)
    if issubclass(storage, CookieStorage | FallbackStorage):
        cookies.append(
            Cookie(
                CookieStorage.cookie_name,
                "Carries a message to the next page after you do something, such as “Challenge "
                "saved”",
                "As soon as the message has been shown, or when you close your browser",
            )
        )
    return cookies


# Saving ------------------------------------------------------------------------------------


@dataclass
class Conflict(Exception):
    """Someone saved the information after the form was opened at `version`."""

    version: int
    changes: list[dict] = field(default_factory=list)


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))


def _shown(name: str, value) -> str:
    if value in ("", None):
        return "the standard wording" if name in TEXTS else "nothing"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _changes_since(row: SiteInformation | None, version: int) -> list[dict]:
    if row is None:
        return []
    records = list(row.history.filter(version__gte=max(version, 1)).order_by("history_id"))
    out = []
    if version == 0 and records:
        first = records[0]
        out.append({"who": str(first.history_user or "someone"), "when": first.history_date})
    for older, newer in itertools.pairwise(records):
        delta = newer.diff_against(older, excluded_fields=["version"])
        out.append(
            {
                "who": str(newer.history_user or "someone"),
                "when": newer.history_date,
                "fields": [
                    {
                        "field": SiteInformation._meta.get_field(c.field).verbose_name,
                        "old": _shown(c.field, c.old),
                        "new": _shown(c.field, c.new),
                    }
                    for c in delta.changes
                ],
            }
        )
    return out


def save(*, partnership: Partnership, user, version: int, **values) -> SiteInformation:
    """Save a partnership's information from a form opened at `version` (0: before there
    was any), refusing it if someone saved in between. A text equal to the standard wording
    is kept empty, so that it follows the standard wording."""
    standard = standard_texts(partnership)
    for name in TEXTS:
        if name in values and _plain(values[name]).strip() == _plain(standard[name]).strip():
            values[name] = ""
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = _plain(value).strip()
    try:
        with transaction.atomic():
            row = SiteInformation.objects.select_for_update().filter(partnership=partnership)
            row = row.first()
            current = row.version if row else 0
            if current != version:
                raise Conflict(current, _changes_since(row, version))
            if row is None:
                row = SiteInformation(partnership=partnership, version=0)
            for name, value in values.items():
                setattr(row, name, value)
            row.version += 1
            row._history_user = user
            row.save()
    except IntegrityError:
        # Two first saves at once: the other made the row.
        row = stored(partnership)
        raise Conflict(row.version, _changes_since(row, version)) from None
    return row

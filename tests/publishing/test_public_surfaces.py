"""Nothing personal reaches the public: a log full of personal data of every kind (names in
every shape, e-mail addresses, phone numbers, addresses, dates of birth, NHS and National
Insurance numbers), in every column, is imported and published the default way, and every
public surface is walked: each page, every filter value it offers, each entry's page, searches
for each piece of personal data, every download (whole and filtered), the summary, the API and
the site's own pages. None of it may appear, in the text or in an address.

Every public URL pattern is listed in SURFACES: a new public page fails this test until it is
walked here too."""

import csv
import html
import io
import json
import re

import openpyxl
import pdfplumber
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.text import slugify

from challengelog.publishing import review
from challengelog.register.models import Partnership

ROWS = [
    # (No, date, meeting, challenge, from, to, action, progress)
    (
        "WX 1",
        "12/01/2024",
        "JC/HL workshop",
        "DCI Hammond and DS Khan to explain why the strategy meeting for Child L was late.",
        "Dr Priya Ramanathan",
        "DCI Peter Hammond",
        "Email jane.okafor@wexcombe.example.org or call 07700 900123.",
        "PC 1234 Evans attended. Nurse Patel confirmed the health assessment.",
    ),
    (
        "WX 2",
        "03/02/2024",
        "Board",
        "Judge Harris and HHJ Wilson raised delays in the family court; Dr.Lee to reply.",
        "Independent Chair",
        "Marsh Vale Police",
        "Okafor, Jane to write to John SMITH at 12 Acacia Avenue, NS1 2AB.",
        "jane okafor spoke to the school. JT chased the provider; passed to KM.",
    ),
    (
        "WX 3",
        "17/03/2024",
        "Board",
        "The child, DOB 14/03/2012, was not seen; a sibling born 02/05/2015 was.",
        "Independent Chair",
        "Children's Services",
        "Sarah Young and Rebecca Long to audit; Peter March to chair.",
        "Amy Ward reported back. Will Hope asked for NHS number 943 476 5919.",
    ),
    (
        "WX 4",
        "20/04/2024",
        "Board",
        "National Insurance number QQ 12 34 56 C was shared by e-mail (SM) in error.",
        "Cllr Mary-Jane Holt",
        "Thornfield NHS Foundation Trust",
        "Call 01632 960001 for the review.",
        "Principal Officer (RW) to report back. Grace Field confirmed.",
    ),
]
# What must appear nowhere public (checked as written, lower case, and as an address).
PERSONAL = [
    "Hammond",
    "Khan",
    "Ramanathan",
    "okafor",
    "07700 900123",
    "07700900123",
    "Evans",
    "Patel",
    "Harris",
    "Wilson",
    "Dr.Lee",
    "SMITH",
    "Acacia",
    "NS1 2AB",
    "14/03/2012",
    "02/05/2015",
    "Sarah Young",
    "Rebecca Long",
    "Peter March",
    "Amy Ward",
    "Will Hope",
    "943 476 5919",
    "QQ 12 34 56 C",
    "01632 960001",
    "Mary-Jane",
    "Grace Field",
    "JC/HL",
]
# Searched for on the public log: none may find anything.
SEARCHES = [
    "Hammond",
    "Khan",
    "Ramanathan",
    "Okafor",
    "jane.okafor",
    "Evans",
    "Patel",
    "Harris",
    "Smith",
    "Acacia",
    "Young",
    "March",
    "Ward",
    "Holt",
    "JT",
    "KM",
    "9434765919",
]
# Kept: organisations, roles and the anonymised child.
KEPT = ["Marsh Vale Police", "Thornfield NHS Foundation Trust", "Child L", "Independent Chair"]

# Every public URL pattern (route as Django lists it) and how this test walks it.
SURFACES = {
    "accessibility/": "the service's accessibility statement",
    "privacy/": "the service's privacy notice",
    "cookies/": "the service's cookies page",
    "<slug:slug>/accessibility/": "the partnership's accessibility statement",
    "<slug:slug>/privacy/": "the partnership's privacy notice",
    "<slug:slug>/cookies/": "the partnership's cookies page",
    "<slug:slug>/log/download.<str:fmt>": "every download, whole and filtered",
    "<slug:slug>/log/summary/": "the summary",
    "log/": "the list of logs",
    "<slug:slug>/log/": "the log, every filter value, searches",
    "<slug:slug>/log/agencies/": "the agencies",
    "<slug:slug>/log/agencies/<slug:entry_slug>/": "each agency's page",
    "<slug:slug>/log/meetings/": "the meetings",
    "<slug:slug>/log/meetings/<slug:entry_slug>/": "each meeting's page",
    "<slug:slug>/log/raised-by/": "the raisers",
    "<slug:slug>/log/raised-by/<slug:entry_slug>/": "each raiser's page",
    "<slug:slug>/log/<str:reference>/": "each challenge",
    "api/": "the API's list of logs",
    "api/partnerships/<slug:slug>/published/": "the API's published log, filtered",
    "api/partnerships/<slug:slug>/published/<str:reference>/": "each published challenge",
    "api/schema/": "the API's schema",
    "api/docs/": "the API's documentation",
}
# Patterns that are not public: staff pages, sign-in, the staff API, static files.
NOT_PUBLIC = re.compile(
    r"^(staff/|account/|admin/|sign-in/|sign-out/|static/|media/|work/|"
    r"api/partnerships/<slug:slug>/(challenges|actions|agencies|forums)|\^api/)"
)


def _routes(resolver=None, prefix="") -> list[str]:
    resolver = resolver or get_resolver()
    out = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            out += _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            out.append(route)
    return out


def test_every_public_surface_is_walked_here():
    public = {r for r in _routes() if not NOT_PUBLIC.match(r) and r}
    assert public - set(SURFACES) == set(), "public pages this test does not walk"


@pytest.fixture
def personal_log(db, tmp_path, people_free_admin):
    from challengelog.importing.services import import_file

    path = tmp_path / "wexcombe.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "No",
                "Date of challenge",
                "Meeting",
                "Challenge",
                "From",
                "To",
                "Risk?",
                "Action",
                "Progress",
                "Resolved?",
            ]
        )
        for number, date, meeting, text, raiser, to, action, progress in ROWS:
            writer.writerow([number, date, meeting, text, raiser, to, "Y", action, progress, ""])
    report = import_file(path=path, partnership="wexcombe", partnership_name="Wexcombe SCP")
    assert report.ok, report.problems
    partnership = Partnership.objects.get(slug="wexcombe")
    # Published the default way: every challenge approved as the page shows it, then published.
    waiting, count = review.waiting(partnership, limit=100)
    assert count == len(ROWS)
    for item in waiting:
        review.decide(
            partnership=partnership,
            reference=item.reference,
            decision="approved",
            seen=item.fingerprint,
            user=people_free_admin,
        )
    assert review.publish_approved(partnership=partnership, user=people_free_admin)
    return partnership


@pytest.fixture
def people_free_admin(db):
    from challengelog.accounts.models import User

    return User.objects.create_user(email="business.unit@example.org", password="x" * 14)


def _text(response) -> str:
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        book = openpyxl.load_workbook(
            io.BytesIO(
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        )
        return "\n".join(
            str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c
        )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    return html.unescape(body.decode("utf-8-sig"))


def _links(text: str) -> set[str]:
    return {html.unescape(h) for h in re.findall(r'href="([^"#]+)"', text)}


def test_no_personal_data_on_any_public_surface(personal_log, client):
    seen: dict[str, str] = {}

    def visit(url):
        if url in seen:
            return seen[url]
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not response.cookies, url  # no public page sets a cookie
        seen[url] = _text(response)
        return seen[url]

    base = "/wexcombe/log/"
    log = visit(base)
    # Every filter value the log offers, with every download of it.
    options = re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', log, re.S)
    assert options
    for name, body in options:
        for value in re.findall(r'<option value="([^"]*)"', body):
            if value:
                visit(f"{base}?{name}={value}")
                for fmt in ("csv", "json", "xlsx", "pdf"):
                    visit(f"{base}download.{fmt}?{name}={value}")
    for fmt in ("csv", "json", "xlsx", "pdf"):
        visit(f"{base}download.{fmt}")
    for kind in ("agencies", "meetings", "raised-by"):
        listing = visit(f"{base}{kind}/")
        for link in _links(listing):
            if link.startswith(f"{base}{kind}/"):
                visit(link)
    for number, *_ in ROWS:
        page = visit(f"{base}{number.replace(' ', '%20')}/")
        for link in _links(page):
            if link.startswith("/wexcombe/"):
                visit(link)
    visit(f"{base}summary/")
    for page in ("accessibility", "privacy", "cookies"):
        visit(f"/wexcombe/{page}/")
        visit(f"/{page}/")
    visit("/log/")
    visit("/api/")
    api = json.loads(visit("/api/partnerships/wexcombe/published/"))
    assert len(api["results"]) == len(ROWS)
    for number, *_ in ROWS:
        visit(f"/api/partnerships/wexcombe/published/{number.replace(' ', '%20')}/")
    for name, body in options:
        for value in re.findall(r'<option value="([^"]*)"', body):
            if value:
                visit(f"/api/partnerships/wexcombe/published/?{name}={value}")
    for words in SEARCHES:
        page = visit(f"{base}?q={words}")
        assert "0 challenges match" in page or "No challenges match" in page, words
        assert not json.loads(visit(f"/api/partnerships/wexcombe/published/?q={words}"))[
            "results"
        ], words

    # A search page shows back the words searched for (checked above to find nothing).
    seen = {url: text for url, text in seen.items() if "q=" not in url}
    everything = "\n".join(f"{url}\n{text}" for url, text in seen.items())
    lowered = everything.lower()
    for secret in PERSONAL:
        for form in {secret.lower(), slugify(secret)}:
            if len(form) > 3 and form in lowered:
                where = [u for u, t in seen.items() if form in f"{u}\n{t}".lower()]
                excerpt = re.search(f".{{0,60}}{re.escape(form)}.{{0,60}}", lowered, re.S)
                pytest.fail(
                    f"{secret!r} is public: {where[:5]} {excerpt.group() if excerpt else ''}"
                )
    for kept in KEPT:
        assert kept in everything, kept
    assert len(seen) > 60

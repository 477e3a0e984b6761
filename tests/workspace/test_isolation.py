"""Partnership isolation: one installation holds Southampton and Portsmouth. Nobody in one
sees the other's data on any page, search, download, report or API call, and an id of the
other's (a challenge reference, an evidence file, an action, a meeting, a token) reached
through one's own partnership is not found."""

import io
import re
import zipfile

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from challengelog.accounts.models import Membership, User
from challengelog.api.models import ApiToken
from challengelog.followup.models import Meeting
from challengelog.importing.services import import_file
from challengelog.publishing.services import publish
from challengelog.register import services
from challengelog.register.models import Action, Agency, Challenge, Forum, Partnership
from tests.workspace.test_access import PAGES, url

CANARY = "Zebracanary"  # in every Portsmouth field; nowhere in Southampton's
PORTSMOUTH_LOG = (
    "No\tDate of challenge\tMeeting\tChallenge\tFrom\tTo\tRisk?\tAction\tProgress\tResolved?\n"
    + "".join(
        f"{n}\t0{n}/03/2020\t{CANARY} Board\t{CANARY} challenge {n} about attendance\t"
        f"{CANARY} Chair\t{CANARY} Agency\tY\t{CANARY} action\t{CANARY} progress\tN\n"
        for n in range(1, 4)
    )
)
SOUTHAMPTON_ONLY = "supervision order"  # challenge 144's words


def _text(response) -> str:
    """What a person would read in the answer, whatever its format."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    if "wordprocessingml" in kind:
        document = Document(io.BytesIO(body))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return body.decode("utf-8", "replace")


@pytest.fixture
def two(people, published):
    portsmouth_report = import_file(
        name="portsmouth.txt",
        data=PORTSMOUTH_LOG.encode(),
        partnership="portsmouth",
        partnership_name="Portsmouth SCP",
    )
    assert portsmouth_report.ok, portsmouth_report.problems
    portsmouth = Partnership.objects.get(slug="portsmouth")
    publish(partnership=portsmouth, label="test")
    boss = User.objects.create_user(email="boss@portsmouth.example.org", password="x" * 14)
    Membership.objects.create(user=boss, partnership=portsmouth, role="administrator")
    people["boss"] = boss
    # Portsmouth's own evidence, action, meeting and token, to be reached from Southampton.
    challenge = Challenge.objects.get(partnership=portsmouth, reference="1")
    update = services.respond(
        challenge=challenge,
        user=boss,
        agency=Agency.objects.get(partnership=portsmouth),
        text=f"{CANARY} response",
        files=[SimpleUploadedFile(f"{CANARY}.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    forum = Forum.objects.get(partnership=portsmouth)
    meeting = Meeting.objects.create(partnership=portsmouth, forum=forum, date="2026-12-10")
    action = Action.objects.create(challenge=challenge, text=f"{CANARY} follow-up")
    token, _ = ApiToken.issue(user=boss, name=f"{CANARY} script")
    return {
        "evidence": update.evidence.get().pk,
        "meeting": meeting.pk,
        "action": action.pk,
        "token": token.pk,
    }


def _pages_of(slug: str) -> list[str]:
    pages = [url(name).replace("/southampton/", f"/{slug}/") for name in PAGES]
    pages = [p.replace("/log/144/", "/log/1/").replace("/log/146/", "/log/2/") for p in pages]
    pages = [p.replace("/log/97/", "/log/3/") for p in pages]
    return [
        *pages,
        f"/staff/{slug}/log/?q=attendance",
        f"/staff/{slug}/export.json",
        f"/staff/{slug}/export.xlsx",
        f"/staff/{slug}/report.json",
        f"/staff/{slug}/people/?name=attendance",
        f"/staff/{slug}/lists/",
        "/work/",
    ]


API = [
    "/api/",
    "/api/partnerships/{slug}/challenges/",
    "/api/partnerships/{slug}/challenges/?q=attendance",
    "/api/partnerships/{slug}/challenges/1/",
    "/api/partnerships/{slug}/actions/?state=all",
    "/api/partnerships/{slug}/agencies/",
    "/api/partnerships/{slug}/forums/",
    "/api/partnerships/{slug}/published/?q=attendance",
]


@pytest.mark.parametrize("role", ["admin", "chair", "member", "lead"])
def test_southampton_sees_nothing_of_portsmouth(client, people, two, role):
    client.force_login(people[role])
    seen = []
    for path in _pages_of("southampton"):
        if "{meeting}" in path:
            continue
        response = client.get(path)
        if response.status_code == 200:
            seen.append(path)
            assert CANARY.lower() not in _text(response).lower(), path
    assert len(seen) >= 10  # an agency lead reaches the fewest
    _, key = ApiToken.issue(user=people[role], name="t")
    client.logout()
    for path in API:
        response = client.get(path.format(slug="southampton"), HTTP_AUTHORIZATION=f"Bearer {key}")
        assert CANARY.lower() not in response.content.decode().lower(), path
        # Portsmouth's internal API is closed to them.
        if "/partnerships/" in path and "/published/" not in path:
            other = client.get(path.format(slug="portsmouth"), HTTP_AUTHORIZATION=f"Bearer {key}")
            assert other.status_code == 403, path


def test_portsmouth_sees_nothing_of_southampton(client, people, two):
    client.force_login(people["boss"])
    for path in _pages_of("portsmouth"):
        if "{meeting}" in path:
            path = path.format(meeting=two["meeting"])
        response = client.get(path)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        if response.status_code == 200:
            text = _text(response).lower()
            assert SOUTHAMPTON_ONLY not in text, path
            assert "children and families service" not in text, path
    # Every internal page of Southampton is refused to Portsmouth's administrator.
    for path in _pages_of("southampton"):
        if path.startswith("/staff/") and "{meeting}" not in path:
            assert client.get(path).status_code == 403, path


def test_an_id_of_the_other_partnership_is_not_found_through_ones_own(client, people, two):
    """Southampton's administrator, with Portsmouth's ids in Southampton's addresses."""
    client.force_login(people["admin"])
    s = "/staff/southampton"
    assert client.get(f"{s}/evidence/{two['evidence']}/").status_code == 404
    assert client.get(f"{s}/meetings/{two['meeting']}/").status_code == 404
    assert client.get(f"{s}/meetings/{two['meeting']}/papers.pdf").status_code == 404
    before = Action.objects.get(pk=two["action"]).completed_on
    client.post(f"{s}/log/1/actions/{two['action']}/done/")
    assert Action.objects.get(pk=two["action"]).completed_on == before
    assert client.post(f"{s}/tokens/", {"token": two["token"]}).status_code == 404
    assert ApiToken.objects.get(pk=two["token"]).revoked_at is None
    _, key = ApiToken.issue(user=people["admin"], name="t")
    client.logout()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    api = "/api/partnerships/southampton"
    assert client.get(f"{api}/actions/{two['action']}/", **bearer).status_code == 404
    done = client.patch(
        f"{api}/actions/{two['action']}/",
        {"completed_on": "2026-11-02"},
        content_type="application/json",
        **bearer,
    )
    assert done.status_code == 404
    # Southampton's challenge 1 is Southampton's, whatever Portsmouth's 1 says.
    own = client.get(f"{api}/challenges/1/", **bearer).json()
    assert CANARY not in own["challenge"]
    # Both logs speak of attendance; Southampton's public search finds only its own.
    public = client.get("/southampton/log/?q=attendance").content.decode()
    assert "attendance" in public.lower()
    assert not re.search(CANARY, public, re.IGNORECASE)

"""Every URL the product has, in an authorisation matrix: the internal pages
(tests/workspace/test_access.py), the API (tests/api/test_access.py), and here the public
pages, the pages reached by a link with an id, and the forms that only take a POST; each for
anonymous, an administrator of another partnership, and each role. A test fails when a URL
is in no matrix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, resolve

from challengelog.accounts.models import Membership, User
from challengelog.api.models import ApiToken
from challengelog.register import services
from challengelog.register.models import Action, Agency, Challenge, Partnership
from tests.api.test_access import MATRIX as API_MATRIX
from tests.workspace.test_access import EXPECTED, PAGES

S = "/staff/southampton"
OK, NO, GONE, AWAY = 200, 403, 404, 302
ROLES = ["anonymous", "elsewhere", "admin", "chair", "member", "lead", "other_lead"]
TOKEN = "A" * 32  # an upload token nobody has

# GET: for everyone (the list of logs sends to the only one when there is one; signing in
# sends the signed-in on to their work).
PUBLIC = {
    "log index": "/log/",
    "public log": "/southampton/log/",
    "public search": "/southampton/log/?q=attendance",
    "public challenge": "/southampton/log/144/",
    "public agencies": "/southampton/log/agencies/",
    "public agency": "/southampton/log/agencies/children-and-families-service/",
    "public meetings": "/southampton/log/meetings/",
    "public meeting": "/southampton/log/meetings/lscb/",
    "public raisers": "/southampton/log/raised-by/",
    "public raiser": "/southampton/log/raised-by/lscb/",
    "public summary": "/southampton/log/summary/",
    "public csv": "/southampton/log/download.csv",
    "accessibility": "/accessibility/",
    "privacy": "/privacy/",
    "cookies": "/cookies/",
    "partnership accessibility": "/southampton/accessibility/",
    "partnership privacy": "/southampton/privacy/",
    "partnership cookies": "/southampton/cookies/",
    "sign in": "/sign-in/",
}
MORE = {
    "evidence": (f"{S}/evidence/{{evidence}}/", (AWAY, NO, OK, OK, OK, OK, GONE)),
    "lists review": (f"{S}/lists/review/", (AWAY, NO, AWAY, NO, NO, NO, NO)),  # none to review
    "site information": (f"{S}/publishing/site-information/", (AWAY, NO, OK, OK, NO, NO, NO)),
    "public wording": (f"{S}/publishing/review/144/wording/", (AWAY, NO, OK, OK, OK, NO, NO)),
    "lists entry": (f"{S}/lists/agencies/police/", (AWAY, NO, OK, NO, NO, NO, NO)),
    "import preview": (f"{S}/import/{TOKEN}/", (AWAY, NO, GONE, NO, NO, NO, NO)),
    "import status": (f"{S}/import/{TOKEN}/status/", (AWAY, NO, GONE, NO, NO, NO, NO)),
    "django admin": ("/admin/", (AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY)),
}  # Single sign-on (tests/workspace/test_single_sign_on.py has the flow): for anyone; without a
# provider's answer they send back to the sign-in page and change nobody's session.
SIGN_ON = {
    "sign-on start": "/sign-in/sso/",
    "sign-on callback": "/sign-in/sso/callback/?code=made-up&state=made-up",
}

# POST only: who may not, and what they get; nothing may change.
REFUSED = {
    "publish": (f"{S}/publishing/publish/", {"scope": "all"}, ["member", "lead", "other_lead"]),
    "publishing names": (f"{S}/publishing/names/", {}, ["member", "lead", "other_lead"]),
    "publishing decision": (
        f"{S}/publishing/review/144/",
        {"decision": "approved"},
        ["member", "lead", "other_lead"],
    ),
    "approve a page": (
        f"{S}/publishing/approve-page/",
        {"seen": "144:x"},
        ["member", "lead", "other_lead"],
    ),
    "publishing settings": (
        f"{S}/publishing/settings/",
        {"without_review": "yes"},
        ["chair", "member", "lead"],
    ),
    "lists rename": (f"{S}/lists/agencies/police/rename/", {"name": "Cops"}, ["chair", "lead"]),
    "lists merge": (f"{S}/lists/agencies/police/merge/", {"into": "1"}, ["chair", "member"]),
    "lists retire": (f"{S}/lists/agencies/police/retire/", {}, ["chair", "lead"]),
    "lists member": (f"{S}/lists/agencies/police/member/", {}, ["chair", "member"]),
    "lists succession": (f"{S}/lists/agencies/police/succession/", {}, ["chair", "lead"]),
    "import upload": (f"{S}/import/", {}, ["chair", "member", "lead"]),
    "import confirm": (f"{S}/import/{TOKEN}/confirm/", {}, ["chair", "member", "lead"]),
    "action done": (f"{S}/log/144/actions/{{action}}/done/", {}, ["member", "lead", "other_lead"]),
    "revoke a token": ("/account/tokens/{token}/revoke/", {}, ["chair", "lead", "other_lead"]),
}


@pytest.fixture
def world(people, published):
    """Southampton published, with evidence and an open action on 144, an administrator of
    another partnership, and a token of the member's."""
    other = Partnership.objects.create(slug="portsmouth", name="Portsmouth SCP")
    elsewhere = User.objects.create_user(email="elsewhere@example.org", password="x" * 14)
    Membership.objects.create(user=elsewhere, partnership=other, role="administrator")
    people["elsewhere"] = elsewhere
    challenge = Challenge.objects.get(reference="144")
    update = services.respond(
        challenge=challenge,
        user=people["lead"],
        agency=Agency.objects.get(slug="children-and-families-service"),
        text="Audit attached",
        files=[SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    action = Action.objects.create(challenge=challenge, text="Report back")
    token, _ = ApiToken.issue(user=people["member"], name="script")
    return {
        "evidence": update.evidence.get().pk,
        "action": action.pk,
        "token": token.pk,
        "meeting": 0,
    }


def _client(client, people, role):
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])
    return client


def _fingerprint():
    return (
        list(Challenge.objects.order_by("pk").values_list("pk", "version", "status")),
        list(Action.objects.order_by("pk").values_list("pk", "completed_on")),
        list(Agency.objects.order_by("pk").values_list("pk", "name", "retired", "is_member")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        Partnership.objects.get(slug="southampton").published.count(),
    )


# One database for each test below, each looping over its pages: a published log takes a few
# seconds to set up, and a test per page would spend minutes on it.


def test_public_pages_are_for_everyone(client, people, published):
    for name, path in PUBLIC.items():
        for role in ROLES[:1] + ROLES[2:]:
            response = _client(client, people, role).get(path)
            if name == "log index" or (name == "sign in" and role != "anonymous"):
                assert response.status_code in (OK, AWAY), (name, role)
            else:
                assert response.status_code == OK, (name, role)


def test_sign_on_pages_change_no_one_without_the_provider(client, people):
    for path in SIGN_ON.values():
        for role in ROLES[:1] + ROLES[2:]:
            signed = _client(client, people, role).session.get("_auth_user_id")
            response = client.get(path)
            assert response.status_code == AWAY, (path, role)
            assert response["Location"] == "/sign-in/"
            assert client.session.get("_auth_user_id") == signed


def test_anyone_signed_in_may_sign_out(client, people, world):
    for role in ROLES[1:]:
        response = _client(client, people, role).post("/sign-out/")
        assert response.status_code == AWAY
        assert response["Location"] == "/sign-in/"
        assert "_auth_user_id" not in client.session


def test_pages_reached_by_an_id(client, people, world):
    for name, (path, expected) in MORE.items():
        path = path.format(**world)
        for role, want in zip(ROLES, expected, strict=True):
            response = _client(client, people, role).get(path)
            assert response.status_code == want, (name, role, response.status_code)
            if want == AWAY and role == "anonymous":
                location = response["Location"]
                assert "sign-in" in location or "/admin/login/" in location


def test_an_administrator_elsewhere_reaches_no_internal_page(client, people, world):
    from tests.workspace.test_access import url

    pages = [p for p in PAGES if PAGES[p].startswith("/staff/")]
    assert len(pages) >= 40
    for page in pages:
        assert _client(client, people, "elsewhere").get(url(page)).status_code == NO, page


def test_forms_refuse_whoever_may_not_post(client, people, world):
    before = _fingerprint()
    for name, (path, data, refused) in REFUSED.items():
        path = path.format(**world)
        anonymous = _client(client, people, "anonymous").post(path, data)
        assert anonymous.status_code == AWAY, name
        for role in ["elsewhere", *refused]:
            response = _client(client, people, role).post(path, data)
            assert response.status_code in (NO, GONE), (name, role, response.status_code)
        assert _fingerprint() == before, name


def test_every_url_is_in_a_matrix():
    def routes(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.name

    covered = set()
    paths = [p.replace("{meeting}", "1") for p in PAGES.values()]
    paths += list(PUBLIC.values()) + [p for p, _ in MORE.values()]
    paths += [p for p, _, _ in REFUSED.values()] + ["/sign-out/"]
    paths += list(SIGN_ON.values())
    for path in paths:
        match = resolve(path.split("?")[0].format(evidence=1, action=1, token=1, meeting=1))
        covered.add(match.url_name or match.route)
    missing = []
    for route, name in routes(get_resolver().url_patterns):
        if route.startswith("admin/") and route != "admin/":
            continue  # Django's own admin: superusers only, behind /admin/ (in MORE)
        if route.startswith(("api/", "^api/")):
            continue  # tests/api/test_access.py checks its own coverage
        if (name or route) not in covered:
            missing.append(route)
    assert missing == [], "URLs in no authorisation matrix"
    assert API_MATRIX
    assert len(EXPECTED) == len(PAGES)

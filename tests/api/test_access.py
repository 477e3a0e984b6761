"""The API's authorisation matrix: every endpoint and method, for every role, anonymous and
someone with no role in the partnership. Writes are sent with valid bodies, so that what
decides the answer is who is asking."""

import pytest

from challengelog.accounts.models import User
from challengelog.register.models import Action, Challenge

P = "/api/partnerships/southampton"
RAISE = {
    "date_raised": "2026-11-02",
    "forum": "Executive",
    "raised_by": "Independent Chair",
    "agencies": ["police"],
    "text": "A new challenge",
    "risk": "no",
    "actions": [{"text": "Act"}],
}
RESPONSE = {"text": "Our answer", "agency": "children-and-families-service"}
OK, MADE, NOAUTH, NO, GONE, NOMETHOD = 200, 201, 401, 403, 404, 405
ROLES = ["anonymous", "outsider", "admin", "chair", "member", "lead", "other_lead"]
# (method, path, body): expected status per role, in the order of ROLES.
MATRIX = [
    ("get", "/api/", None, (OK,) * 7),
    ("get", "/api/schema/", None, (OK,) * 7),
    ("get", "/api/docs/", None, (OK,) * 7),
    ("get", f"{P}/published/", None, (OK,) * 7),
    ("get", f"{P}/published/144/", None, (OK,) * 7),
    ("post", f"{P}/published/", {}, (NOMETHOD,) * 7),
    ("delete", f"{P}/published/144/", None, (NOMETHOD,) * 7),
    ("get", f"{P}/challenges/", None, (NOAUTH, NO, OK, OK, OK, OK, OK)),
    ("post", f"{P}/challenges/", RAISE, (NOAUTH, NO, MADE, MADE, NO, NO, NO)),
    ("get", f"{P}/challenges/144/", None, (NOAUTH, NO, OK, OK, OK, OK, GONE)),
    ("patch", f"{P}/challenges/144/", {"risk": "no"}, (NOAUTH, NO, OK, OK, NO, NO, GONE)),
    (
        "delete",
        f"{P}/challenges/144/",
        None,
        (NOAUTH, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD),
    ),
    (
        "post",
        f"{P}/challenges/144/progress/",
        {"text": "Noted"},
        (NOAUTH, NO, MADE, MADE, NO, NO, GONE),
    ),
    ("post", f"{P}/challenges/144/responses/", RESPONSE, (NOAUTH, NO, MADE, NO, NO, MADE, GONE)),
    (
        "post",
        f"{P}/challenges/144/actions/",
        {"text": "Report back"},
        (NOAUTH, NO, MADE, MADE, NO, NO, GONE),
    ),
    ("get", f"{P}/actions/", None, (NOAUTH, NO, OK, OK, OK, OK, OK)),
    ("get", f"{P}/actions/{{action}}/", None, (NOAUTH, NO, OK, OK, OK, OK, GONE)),
    (
        "patch",
        f"{P}/actions/{{action}}/",
        {"completed_on": "2026-11-02"},
        (NOAUTH, NO, OK, OK, NO, NO, GONE),
    ),
    (
        "delete",
        f"{P}/actions/{{action}}/",
        None,
        (NOAUTH, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD),
    ),
    ("get", f"{P}/agencies/", None, (NOAUTH, NO, OK, OK, OK, OK, OK)),
    ("get", f"{P}/forums/", None, (NOAUTH, NO, OK, OK, OK, OK, OK)),
    (
        "put",
        f"{P}/forums/",
        {},
        (NOAUTH, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD, NOMETHOD),
    ),
]


@pytest.fixture
def caller(api, people):
    User.objects.create_user(email="outsider@example.org", password="x" * 14)

    def as_role(role):
        if role == "outsider":
            from challengelog.api.models import ApiToken

            client = api("anonymous")
            _, key = ApiToken.issue(user=User.objects.get(email="outsider@example.org"), name="t")
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
            return client
        return api(role)

    return as_role


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_every_endpoint_and_method_for_every_role(published, caller, method, path, body, expected):
    """One endpoint and method, asked by each role in turn (one database per endpoint: a
    publish with its PDF is the slow part of setting up)."""
    template = path
    for role, want in zip(ROLES, expected, strict=True):
        client = caller(role)
        if "{action}" in template:  # a fresh open action on 144 for each caller
            action = Action.objects.create(
                challenge=Challenge.objects.get(reference="144"), text="Report back"
            )
            path = template.format(action=action.pk)
        data = body
        if data is not None and method == "patch" and "/challenges/" in path:
            data = {**data, "version": Challenge.objects.get(reference="144").version}
        if data is not None:
            response = getattr(client, method)(path, data, content_type="application/json")
        else:
            response = getattr(client, method)(path)
        assert response.status_code == want, (role, method, path, response.content[:300])
        if path != "/api/docs/":
            assert response["Content-Type"].startswith(("application/json", "application/vnd.oai"))
        if want >= 400:
            assert "error" in response.json(), (role, method, path)


def test_a_server_error_in_the_api_is_json(client, db, monkeypatch):
    from challengelog.api import views

    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.Index, "get", broken)
    client.raise_request_exception = False
    response = client.get("/api/")
    assert response.status_code == 500
    assert response.json() == {
        "error": "Something went wrong on the server: it has been logged",
        "status": 500,
    }


def test_the_matrix_names_every_api_endpoint():
    """A new endpoint without a row here fails this test."""
    from django.urls import get_resolver

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    api = {r for r in routes(get_resolver().url_patterns) if r.startswith("api/") and "^" not in r}
    covered = {
        path.lstrip("/")
        .replace("southampton", "<slug:slug>")
        .replace("published/144/", "published/<str:reference>/")
        .replace("challenges/144/", "challenges/<str:reference>/")
        .replace("{action}", "<int:pk>")
        for _, path, _, _ in MATRIX
    }
    assert api - covered == set()


def test_pages_outside_the_api_have_their_own_error_pages(client, db, monkeypatch):
    from challengelog.site import views

    missing = client.get("/nowhere-at-all/")
    assert missing.status_code == 404
    assert "Page not found" in missing.text
    assert "govuk-template" in missing.text

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", broken)
    client.raise_request_exception = False
    failed = client.get("/log/")
    assert failed.status_code == 500
    assert "Sorry, there is a problem with the service" in failed.text
    assert "boom" not in failed.text

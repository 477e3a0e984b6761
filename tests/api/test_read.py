"""The API, reading: the published log for anyone, the internal log by the web's rules,
tokens made and revoked, errors as JSON, the schema and its documentation."""

import os

import pytest

from challengelog.api.models import ApiToken
from challengelog.publishing.services import published_records

P = "/api/partnerships/southampton"


@pytest.fixture
def with_published(published, people):
    return published


def test_the_published_log_is_for_anyone_and_pages_by_cursor(api, with_published):
    client = api("anonymous")
    first = client.get(f"{P}/published/")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    body = first.json()
    assert body["count"] == 148
    assert body["previous"] is None
    references = [r["reference"] for r in body["results"]]
    seen = list(references)
    url = body["next"]
    while url:
        page = client.get(url).json()
        seen += [r["reference"] for r in page["results"]]
        url = page["next"]
    from challengelog.publishing.models import PublishedChallenge

    expected = published_records(PublishedChallenge.objects.filter(partnership__slug="southampton"))
    assert seen == [r["reference"] for r in expected]
    # The same record as the published JSON download.
    one = client.get(f"{P}/published/144/").json()
    assert one == {
        k: v
        for k, v in expected[[r["reference"] for r in expected].index("144")].items()
        if k in one
    }
    assert set(one) == {
        "reference",
        "date",
        "meeting",
        "challenge",
        "raised_by",
        "to",
        "risk",
        "action",
        "progress",
        "resolved",
        "status",
        "forum",
        "agencies",
    }


def test_filters_are_the_log_pages_and_mistakes_are_named(api, with_published):
    client = api("anonymous")
    page = client.get(f"{P}/published/?agency=children-and-families-service&status=open").json()
    assert page["count"] > 0
    assert all(r["status"] == "open" for r in page["results"])
    bad = client.get(f"{P}/published/?status=lost")
    assert bad.status_code == 400
    assert bad.json()["fields"]["status"] == ["Choose a status from the list"]
    cursor = client.get(f"{P}/published/?after=nonsense")
    assert cursor.status_code == 400
    assert "cursor could not be read" in cursor.json()["fields"]["after"][0]
    missing = client.get("/api/partnerships/nowhere/published/")
    assert missing.status_code == 404
    assert missing.json() == {"error": "No published log “nowhere”", "status": 404}
    nothing = client.get("/api/no-such-thing/")
    assert nothing.status_code == 404
    assert nothing["Content-Type"] == "application/json"


def test_the_internal_log_follows_the_web_rules(api, seeded):
    assert api("anonymous").get(f"{P}/challenges/").status_code == 401
    assert "error" in api("anonymous").get(f"{P}/challenges/").json()
    admin = api("admin").get(f"{P}/challenges/").json()
    assert admin["count"] == 148
    lead = api("other_lead").get(f"{P}/challenges/?status=open").json()  # Barnardos
    assert all(r["to_all_partners"] or "Barnardos" in r["agencies"] for r in lead["results"])
    assert api("other_lead").get(f"{P}/challenges/144/").status_code == 404
    detail = api("lead").get(f"{P}/challenges/144/").json()
    assert detail["reference"] == "144"
    assert detail["version"] >= 1
    assert detail["stage"] == 1
    assert isinstance(detail["actions"], list)
    assert api("member").get(f"{P}/agencies/").status_code == 200
    assert "children-and-families-service" in {
        a["slug"] for a in api("member").get(f"{P}/agencies/").json()
    }


def test_a_revoked_or_unknown_token_is_refused_by_name(api, client, seeded, people, as_user):
    token, key = ApiToken.issue(user=people["member"], name="script")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.get(f"{P}/challenges/").status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None
    # The key itself is not kept.
    assert key not in str(ApiToken.objects.values_list("key_hash", "shown").get(pk=token.pk))
    # The person's administrator revokes it.
    admin = as_user("admin")
    admin.defaults.pop("HTTP_AUTHORIZATION", None)
    listed = admin.get("/staff/southampton/tokens/")
    assert "member@example.org" in listed.text
    admin.post("/staff/southampton/tokens/", {"token": token.pk})
    client.logout()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    refused = client.get(f"{P}/challenges/")
    assert refused.status_code == 401
    assert refused.json()["error"] == "That API token was revoked"
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer cl_nothing"
    assert client.get(f"{P}/challenges/").json()["error"] == "That API token is not known"


def test_people_make_and_revoke_their_own_tokens(as_user, seeded, people):
    client = as_user("lead")
    made = client.post("/account/tokens/", {"name": "My script"})
    assert "Copy it now" in made.text
    key = made.text.split('id="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get(user=people["lead"])
    assert key.startswith(token.shown)
    assert (
        client.post("/account/tokens/", {"name": ""}).text.count("Enter what is the token for") >= 1
    )
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token cannot be revoked from one's own page.
    other, _ = ApiToken.issue(user=people["member"], name="x")
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    # Only administrators see the partnership's tokens.
    assert as_user("chair").get("/staff/southampton/tokens/").status_code == 403


def test_schema_and_documentation_are_served_from_our_own_files(client, db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/partnerships/{slug}/published/" in paths
    assert "/api/partnerships/{slug}/challenges/{reference}/" in paths
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


def test_an_administrator_makes_a_token_for_someone_of_theirs(as_user, seeded, people, client):
    from challengelog.accounts.models import AuditEvent, Membership
    from challengelog.register.models import Partnership

    elsewhere = Partnership.objects.create(slug="portsmouth", name="Portsmouth SCP")
    Membership.objects.create(user=people["chair"], partnership=elsewhere, role="member")
    admin = as_user("admin")
    page = admin.get("/staff/southampton/tokens/").text
    assert "member@example.org" in page
    # Someone with a role in another partnership makes their own.
    assert "chair@example.org" not in page
    refused = admin.post(
        "/staff/southampton/tokens/", {"person": people["chair"].pk, "name": "Robot"}
    )
    assert "Choose a person from the list" in refused.text
    assert (
        "Enter what is the token for"
        in admin.post("/staff/southampton/tokens/", {"person": people["member"].pk}).text
    )
    assert not ApiToken.objects.exists()

    made = admin.post("/staff/southampton/tokens/", {"person": people["member"].pk, "name": "Site"})
    key = made.text.split('id="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (people["member"], people["admin"], "Site")
    assert AuditEvent.objects.filter(
        summary="Made the API token “Site” for member@example.org", user=people["admin"]
    ).exists()
    # It acts as the member: reads, and no more.
    client.logout()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.get(f"{P}/challenges/").status_code == 200
    progress = client.post(
        f"{P}/challenges/144/progress/", {"text": "x"}, content_type="application/json"
    )
    assert progress.status_code == 403
    # The member sees who made it.
    client.defaults.pop("HTTP_AUTHORIZATION")
    assert "Made for you by admin@example.org" in as_user("member").get("/account/tokens/").text


def test_the_schema_validates_without_a_warning(db):
    """drf-spectacular's own check, warnings counted as failures (an endpoint whose shapes
    it cannot read, two names for one set of choices)."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)

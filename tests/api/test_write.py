"""The API, writing: raise, change (refused when changed since the version read), progress
and responses, by the same rules and with the same messages as the web forms."""

from challengelog.register.models import Challenge

P = "/api/partnerships/southampton"
NEW = {
    "date_raised": "2026-11-02",
    "forum": "Executive",
    "raised_by": "Independent Chair",
    "agencies": ["police"],
    "text": "Are return interviews offered after every missing episode?",
    "risk": "yes",
    "actions": [{"text": "Report the rate", "agency": "police", "due": "2026-12-31"}],
}


def test_a_chair_raises_and_changes_a_challenge(api, seeded):
    client = api("chair")
    made = client.post(f"{P}/challenges/", NEW, content_type="application/json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["reference"] == "149"
    assert body["agencies"] == ["Police"]
    assert body["actions"][0]["due"] == "2026-12-31"
    challenge = Challenge.objects.get(reference="149")
    assert challenge.history.first().history_user.email == "chair@example.org"
    changed = client.patch(
        f"{P}/challenges/149/",
        {"version": body["version"], "risk": "no"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["risk"] is False
    # The same change from the version read before: refused, nothing lost.
    stale = client.patch(
        f"{P}/challenges/149/",
        {"version": body["version"], "text": "Something else"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "was changed by someone else" in stale.json()["error"]
    assert stale.json()["version"] == body["version"] + 1
    assert Challenge.objects.get(reference="149").text == NEW["text"]


def test_mistakes_are_named_by_field_and_nothing_is_written(api, seeded):
    client = api("chair")
    before = Challenge.objects.count()
    wrong = client.post(
        f"{P}/challenges/",
        {**NEW, "date_raised": "31/02/2026", "forum": "Nowhere", "agencies": ["atlantis"]},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["fields"] == {"agencies": ["No agency “atlantis” in this partnership"]}
    wrong = client.post(
        f"{P}/challenges/",
        {**NEW, "date_raised": "31/02/2026", "forum": "Nowhere", "actions": []},
        content_type="application/json",
    )
    fields = wrong.json()["fields"]
    assert fields["date_raised"][0].startswith("Enter a real date")
    assert fields["forum"] == ["Choose a meeting from the list; an administrator can add a new one"]
    assert fields["actions"] == ["Enter at least one action"]
    assert (
        client.post(f"{P}/challenges/", "[1]", content_type="application/json").status_code == 400
    )
    not_json = client.post(f"{P}/challenges/", "{", content_type="application/json")
    assert not_json.status_code == 400
    assert "JSON parse error" in not_json.json()["error"]
    no_version = client.patch(
        f"{P}/challenges/144/", {"risk": "no"}, content_type="application/json"
    )
    assert no_version.status_code == 400
    assert "version" in no_version.json()["fields"]
    assert Challenge.objects.count() == before


def test_progress_and_responses_follow_the_roles(api, seeded):
    lead = api("lead")
    answered = lead.post(
        f"{P}/challenges/144/responses/",
        {"text": "Orders are reviewed monthly.", "agency": "children-and-families-service"},
        content_type="application/json",
    )
    assert answered.status_code == 201, answered.json()
    assert answered.json()["updates"][-1]["text"] == "Orders are reviewed monthly."
    # Not for another agency, and a lead records no progress.
    other = lead.post(
        f"{P}/challenges/144/responses/",
        {"text": "x", "agency": "police"},
        content_type="application/json",
    )
    assert other.status_code == 400
    assert (
        lead.post(
            f"{P}/challenges/144/progress/", {"text": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    chair = api("chair")
    noted = chair.post(
        f"{P}/challenges/144/progress/",
        {"text": "Reviewed at the board", "date": "2026-11-20"},
        content_type="application/json",
    )
    assert noted.status_code == 201
    assert noted.json()["updates"][-1]["date"] == "2026-11-20"
    assert (
        api("other_lead")
        .post(
            f"{P}/challenges/144/responses/",
            {"text": "x", "agency": "barnardos"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_a_nul_character_is_refused_before_anything_is_read(api, seeded):
    client = api("chair")
    body = {**NEW, "agencies": ["po\x00lice"]}
    refused = client.post(f"{P}/challenges/", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"body": ["A NUL character cannot be stored"]}
    query = client.get(f"{P}/challenges/?q=a%00b")
    assert query.json()["fields"] == {"query": ["A NUL character cannot be stored"]}


def test_a_signed_in_browser_writes_only_with_its_csrf_token(people):
    """The web session also signs in to the API (the documentation's "Try it out"); a write
    from it needs the page's CSRF token, so another site cannot write as the person."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["chair"])
    assert browser.get(f"{P}/challenges/144/").status_code == 200
    refused = browser.post(
        f"{P}/challenges/144/progress/", {"text": "Forged"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]
    assert not Challenge.objects.get(reference="144").updates.filter(text="Forged").exists()
    browser.get("/account/tokens/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    allowed = browser.post(
        f"{P}/challenges/144/progress/",
        {"text": "Noted"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert allowed.status_code == 201, allowed.json()

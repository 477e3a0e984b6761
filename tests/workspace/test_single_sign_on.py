"""Single sign-on through OpenID Connect, against a real provider on a loopback port
(tests/oidc_provider.py): the whole code flow with PKCE, people matched by e-mail address to
existing accounts only, every way a provider's answer can be wrong refused with a message,
and two-factor skipped only when the provider says it asked for a second factor."""

from urllib.parse import urlparse

import pytest
import requests
from django_otp.plugins.otp_totp.models import TOTPDevice

from challengelog.accounts import sso
from challengelog.accounts.models import AuditEvent
from tests.oidc_provider import provider as provider  # a fixture


def sign_on(client, provider, email=None, next_page=None, **claims):
    """Starts at /sign-in/sso/, lets the provider sign `email` in, and follows it back."""
    if email is not None:
        provider.claims = {"email": email, "sub": f"sub-{email}", **claims}
    start = client.get("/sign-in/sso/", {"next": next_page} if next_page else {})
    assert start.status_code == 302, start
    assert start["Location"].startswith(f"{provider.url}/authorize?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    url = urlparse(back.headers["Location"])
    assert url.path == "/sign-in/sso/callback/"
    return client.get(f"{url.path}?{url.query}")


def message(client) -> str:
    return client.get("/sign-in/").text


def signed_in(client) -> bool:
    return client.get("/work/").status_code == 200


def test_the_button_is_offered_only_when_sign_on_is_set_up(client, db, settings):
    assert "sso" not in client.get("/sign-in/").text
    page = client.get("/sign-in/sso/")
    assert page["Location"] == "/sign-in/"
    assert "Single sign-on is not set up here" in message(client)
    settings.OIDC_ISSUER = "https://login.example.org/tenant/v2.0"
    settings.OIDC_RP_CLIENT_ID = "id"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_LABEL = "Sign in with Southampton City Council"
    text = client.get("/sign-in/", {"next": "/staff/southampton/log/"}).text
    assert "Sign in with Southampton City Council" in text
    assert 'href="/sign-in/sso/?next=/staff/southampton/log/"' in text


def test_a_member_signs_on_and_reaches_the_page_asked_for(client, people, provider):
    done = sign_on(client, provider, "Member@Example.ORG", next_page="/staff/southampton/log/")
    assert done.status_code == 302
    assert done["Location"] == "/staff/southampton/log/"
    assert client.get("/staff/southampton/log/").status_code == 200
    assert client.session["_auth_user_id"] == str(people["member"].pk)
    # The code flow went through discovery, the token (with the PKCE verifier), the keys and
    # the user information.
    assert provider.requests[:1] == ["/.well-known/openid-configuration"]
    assert {"/authorize", "/token", "/jwks", "/userinfo"} <= set(provider.requests)
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN).latest("pk")
    assert event.summary == "member@example.org signed in through single sign-on"
    # An address from elsewhere is not followed.
    client.logout()
    elsewhere = sign_on(client, provider, "member@example.org", next_page="https://evil.example/")
    assert elsewhere["Location"] == "/work/"


def test_a_password_sign_in_still_works_and_asks_nothing_of_the_provider(client, people, provider):
    done = client.post("/sign-in/", {"username": "lead@example.org", "password": "x" * 14})
    assert done.status_code == 302
    assert signed_in(client)
    assert provider.requests == []


@pytest.mark.parametrize(
    ("email", "claims", "reason"),
    [
        ("stranger@example.org", {}, "there is no Challenge Log account for stranger@example.org"),
        ("member@example.org", {"email_verified": False}, "member@example.org is not verified"),
        ("", {}, "the provider gave no e-mail address"),
    ],
)
def test_nobody_is_signed_in_without_an_account_and_a_verified_address(
    client, people, provider, email, claims, reason
):
    done = sign_on(client, provider, email, **claims)
    assert done["Location"] == "/sign-in/"
    assert not signed_in(client)
    text = message(client)
    assert reason in text
    assert "Ask your partnership&#x27;s administrator to add you" in text
    failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).latest("pk")
    assert reason in failed.summary
    # Sign-on makes no account.
    assert not people["member"].__class__.objects.filter(email="stranger@example.org").exists()


def test_a_deactivated_account_is_refused(client, people, provider):
    people["member"].is_active = False
    people["member"].save()
    sign_on(client, provider, "member@example.org")
    assert not signed_in(client)
    assert "there is no Challenge Log account for member@example.org" in message(client)


@pytest.mark.parametrize(
    ("knob", "value", "reason"),
    [
        ("foreign_key", True, "JWS token verification failed"),
        ("audience", "another-application", "the id_token was made for another application"),
        ("issuer_override", "https://impostor.example", "the id_token was issued by"),
        ("expired", True, "the provider&#x27;s token is not valid (Signature has expired)"),
    ],
)
def test_a_token_that_is_not_right_is_refused(client, people, provider, knob, value, reason):
    setattr(provider, knob, value)
    done = sign_on(client, provider, "member@example.org")
    assert done["Location"] == "/sign-in/"
    assert not signed_in(client)
    text = message(client)
    assert "Single sign-on was refused" in text
    assert reason in text


def test_a_callback_cannot_be_replayed_or_forged(client, people, provider):
    provider.claims = {"email": "member@example.org", "sub": "s"}
    start = client.get("/sign-in/sso/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    url = urlparse(back.headers["Location"])
    assert client.get(f"{url.path}?{url.query}")["Location"] == "/work/"
    client.logout()
    again = client.get(f"{url.path}?{url.query}")
    assert again["Location"] == "/sign-in/"
    assert "That sign-on was not started here, or it was finished already" in message(client)
    assert not signed_in(client)
    forged = client.get("/sign-in/sso/callback/", {"code": "made-up", "state": "made-up"})
    assert forged["Location"] == "/sign-in/"
    assert not signed_in(client)


def test_the_provider_saying_no_or_not_answering_is_explained(client, people, provider, settings):
    start = client.get("/sign-in/sso/")
    state = dict(p.split("=", 1) for p in urlparse(start["Location"]).query.split("&"))["state"]
    cancelled = client.get(
        "/sign-in/sso/callback/",
        {"error": "access_denied", "error_description": "The person cancelled", "state": state},
    )
    assert cancelled["Location"] == "/sign-in/"
    assert "The sign-on provider said: The person cancelled" in message(client)
    assert state not in client.session.get("oidc_states", {})
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    sso.forget_provider()
    down = client.get("/sign-in/sso/")
    assert down["Location"] == "/sign-in/"
    assert "Single sign-on is not available now" in message(client)


def test_an_entra_style_account_name_can_stand_for_the_address(client, people, provider, settings):
    settings.OIDC_EMAIL_CLAIM = "preferred_username"
    provider.claims = {"preferred_username": "chair@example.org", "sub": "entra-1"}
    sign_on(client, provider)
    assert signed_in(client)


def test_two_factor_is_skipped_only_when_the_provider_did_it(client, people, provider, settings):
    settings.TWO_FACTOR_ROLES = ["administrator", "chair"]
    # A chair signed on with a password only at the provider must still set up the app.
    sign_on(client, provider, "chair@example.org")
    assert client.get("/work/")["Location"].startswith("/account/two-factor/setup/")
    client.logout()
    # With the provider's second factor (amr "mfa") the chair is in.
    provider.amr = ["pwd", "mfa"]
    sign_on(client, provider, "chair@example.org")
    assert signed_in(client)
    client.logout()
    # Someone who turned the app on is asked for its code unless the provider did MFA.
    TOTPDevice.objects.create(user=people["member"], name="app", confirmed=True)
    provider.amr = ["pwd"]
    sign_on(client, provider, "member@example.org")
    assert client.get("/work/")["Location"].startswith("/account/two-factor/code/")
    client.logout()
    provider.amr = ["mfa"]
    sign_on(client, provider, "member@example.org")
    assert signed_in(client)


def test_a_deactivated_account_signed_on_is_signed_out_at_its_next_request(
    client, people, provider
):
    sign_on(client, provider, "member@example.org")
    assert signed_in(client)
    people["member"].is_active = False
    people["member"].save()
    assert client.get("/work/")["Location"].startswith("/sign-in/")


def test_an_error_sent_to_the_callback_signs_nobody_out(client, people, provider):
    sign_on(client, provider, "member@example.org")
    client.get("/sign-in/sso/callback/", {"error": "access_denied"})
    assert signed_in(client)


def test_a_provider_answer_of_the_wrong_shape_is_refused_not_an_error(client, people, provider):
    provider.amr = [["mfa"]]  # not a list of strings
    provider.claims = {"email": "member@example.org", "sub": "s"}
    done = sign_on(client, provider)
    assert done.status_code == 302
    assert signed_in(client)  # the amr is ignored, not trusted
    client.logout()
    original = provider.jwks
    provider.jwks = lambda: {
        "keys": [{k: v for k, v in original()["keys"][0].items() if k != "kid"}]
    }
    done = sign_on(client, provider)
    assert done["Location"] == "/sign-in/"
    assert "the provider&#x27;s answer was not usable" in message(client)
    assert not signed_in(client)

"""Single sign-on through OpenID Connect (a council's Microsoft Entra ID, or any provider that
publishes a discovery document), with mozilla-django-oidc doing the code flow (state, nonce,
PKCE, the id_token's RS256 signature checked against the provider's published keys).

It is on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. The provider's
endpoints come from `<issuer>/.well-known/openid-configuration` (fetched when first needed and
kept for an hour). On top of the library this module:

- checks the id_token's issuer and audience (the library checks neither) and that it has not
  expired;
- matches the person by e-mail address to an existing, active account only: sign-on never makes
  an account, and an address the provider says is unverified is refused;
- treats the sign-in as two-factor when the token's `amr` names a method in OIDC_MFA_AMR
  (`mfa` by default: the provider asked for a second factor), so nobody is asked twice; without
  it, people with an app set up, and those whose role requires one, are asked for its code;
- says on the sign-in page why a sign-on was refused, and records it in the audit trail.
"""

from __future__ import annotations

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from challengelog.accounts.models import AuditEvent, record_event

LOGGER = logging.getLogger(__name__)

# The session key that says the provider did the second factor.
MFA_SESSION_KEY = "sso_mfa"
DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}


class Unavailable(Exception):
    """The provider could not be reached or its discovery document is not usable."""


def enabled() -> bool:
    return bool(
        settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET
    )


def label() -> str:
    return settings.OIDC_LABEL


def provider() -> dict:
    """The provider's discovery document (kept for DISCOVERY_SECONDS)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    now = time.monotonic()
    known = _discovered.get(issuer)
    if known and now - known[0] < DISCOVERY_SECONDS:
        return known[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise Unavailable(f"the sign-on provider did not answer at {url} ({error})") from error
    if not isinstance(document, dict):
        raise Unavailable(f"the sign-on provider's discovery document at {url} is not an object")
    missing = [
        key
        for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(document.get(key), str)
    ]
    if missing:
        raise Unavailable(f"the sign-on provider's discovery document lacks {', '.join(missing)}")
    if document["issuer"].rstrip("/") != issuer:
        raise Unavailable(f"the sign-on provider calls itself {document['issuer']}, not {issuer}")
    _discovered[issuer] = (now, document)
    return document


def forget_provider() -> None:
    _discovered.clear()


class Backend(OIDCAuthenticationBackend):
    """Authenticates only from the sign-on callback (which passes a nonce); for every other
    sign-in (the password form) it steps aside without a network call."""

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def get_user(self, user_id):
        # As Django's own backend: a deactivated account's session ends at its next request.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not enabled():
            return None
        document = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.id_claims: dict = {}
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if kwargs.get("nonce") is None:
            return payload  # a signed userinfo answer, not the id_token
        issuer = provider()["issuer"].rstrip("/")
        if str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation(f"the id_token was issued by {payload.get('iss')!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the id_token was made for another application")
        if not isinstance(payload.get("exp"), int | float) or payload["exp"] < time.time() - 60:
            raise SuspiciousOperation("the id_token has expired")
        self.id_claims = payload
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") not in (None, payload.get("sub")):
                raise SuspiciousOperation("the provider's user information is for someone else")
            claims.update(info)
        return claims

    def email_of(self, claims) -> str:
        value = claims.get(settings.OIDC_EMAIL_CLAIM)
        return value.strip() if isinstance(value, str) else ""

    def describe_user_by_claims(self, claims):
        return self.email_of(claims) or "an account without an e-mail address"

    def verify_claims(self, claims):
        email = self.email_of(claims)
        if not email or "@" not in email:
            self._refuse(
                f"the provider gave no e-mail address (claim {settings.OIDC_EMAIL_CLAIM!r})", ""
            )
            return False
        if claims.get("email_verified") is False:
            self._refuse(f"the provider says {email} is not verified", email)
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = self.email_of(claims)
        users = self.UserModel.objects.filter(email__iexact=email, is_active=True)
        if not users.exists():
            self._refuse(f"there is no Challenge Log account for {email}", email)
        return users

    def create_user(self, claims):  # never: accounts are made by an administrator
        return None

    def _refuse(self, reason: str, email: str) -> None:
        self.request.sso_refusal = reason
        self.request.sso_email = email

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            methods = self.id_claims.get("amr") or []
            if isinstance(methods, str):
                methods = [methods]
            methods = (
                {m for m in methods if isinstance(m, str)} if isinstance(methods, list) else set()
            )
            self.request.sso_mfa = bool(methods & set(settings.OIDC_MFA_AMR))
            self.request.sso_sign_in = True
        return user


class Start(OIDCAuthenticationRequestView):
    """/sign-in/sso/: sends the browser to the provider."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not enabled():
            messages.error(request, "Single sign-on is not set up here: sign in with a password")
            return _to_sign_in()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider()["authorization_endpoint"]
        except Unavailable as error:
            return _failed(request, f"Single sign-on is not available now: {error}", "")
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    """/sign-in/sso/callback/: where the provider sends the browser back."""

    def get(self, request):
        if request.GET.get("error"):
            # The state is used up; whoever is signed in stays signed in (anyone can send this).
            states = request.session.get("oidc_states", {})
            if request.GET.get("state") in states:
                del states[request.GET["state"]]
                request.session.modified = True
            detail = request.GET.get("error_description") or request.GET["error"]
            return _failed(request, f"The sign-on provider said: {detail[:300]}", "")
        if not ("code" in request.GET and "state" in request.GET):
            return _failed(request, "The sign-on provider sent no sign-in back", "")
        if request.GET["state"] not in request.session.get("oidc_states", {}):
            return _failed(
                request,
                "That sign-on was not started here, or it was finished already: start again",
                "",
            )
        try:
            response = super().get(request)
        except (SuspiciousOperation, Unavailable) as error:
            return _failed(request, f"Single sign-on was refused: {error}", "")
        except jwt.PyJWTError as error:  # the library passes on all but a bad signature
            return _failed(
                request,
                f"Single sign-on was refused: the provider's token is not valid ({error})",
                "",
            )
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            # A provider's answer of the wrong shape (no key id, userinfo not an object...).
            LOGGER.warning("sign-on provider's answer not usable: %r", error)
            return _failed(
                request, "Single sign-on was refused: the provider's answer was not usable", ""
            )
        except requests.RequestException as error:
            LOGGER.warning("sign-on provider failed: %s", error)
            return _failed(
                request, "The sign-on provider did not answer: try again, or use a password", ""
            )
        if request.user.is_authenticated and getattr(request, "sso_sign_in", False):
            if getattr(request, "sso_mfa", False):
                request.session[MFA_SESSION_KEY] = True
            return response
        reason = getattr(request, "sso_refusal", None) or "the provider's answer was not usable"
        return _failed(
            request,
            f"Single sign-on did not sign you in: {reason}. Ask your partnership's "
            "administrator to add you, or sign in with a password.",
            getattr(request, "sso_email", ""),
        )


def _to_sign_in():
    from django.shortcuts import redirect

    return redirect("sign-in")


def _failed(request, message: str, email: str):
    record_event(
        AuditEvent.Kind.SIGN_IN_FAILED,
        f"Single sign-on failed{f' for {email}' if email else ''}: {message}"[:500],
        request=request,
        user_label=email[:254],
    )
    messages.error(request, message)
    return _to_sign_in()

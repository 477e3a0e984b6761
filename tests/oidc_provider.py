"""A small OpenID Connect provider for the tests, run on a free loopback port in a thread:
discovery, an authorization endpoint (it signs in whoever the test says, at once, and sends
the browser back with a code), a token endpoint (checks the client's secret, the code, the
redirect address and the PKCE verifier; answers with an RS256 id_token), userinfo and the
published keys. Knobs let a test make it misbehave: sign with a key it does not publish,
name another audience or issuer, hand out an expired token, say the address is unverified."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "challenge-log"
CLIENT_SECRET = "a-client-secret-only-the-tests-know"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Provider:
    """Who the provider signs in next (`claims`) and how it misbehaves."""

    claims: dict = field(default_factory=dict)
    amr: list[str] = field(default_factory=lambda: ["pwd"])
    audience: str = CLIENT_ID
    issuer_override: str | None = None
    expired: bool = False
    foreign_key: bool = False
    url: str = ""
    codes: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)

    def __post_init__(self):
        self.key = _key()
        self.other_key = _key()
        self.kid = secrets.token_hex(4)

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict) -> str:
        """Signs in `claims` and returns the address to send the browser back to."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": query.get("nonce"),
            "redirect_uri": query["redirect_uri"],
            "client_id": query["client_id"],
            "challenge": query.get("code_challenge"),
            "claims": dict(self.claims),
            "amr": list(self.amr),
        }
        back = {"code": code, "state": query.get("state", "")}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict, basic: tuple[str, str] | None) -> tuple[int, dict]:
        client_id, secret = basic or (form.get("client_id"), form.get("client_secret"))
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = grant["claims"]
        id_token = {
            "iss": self.issuer_override or self.url,
            "sub": claims.get("sub", "subject-1"),
            "aud": self.audience,
            "iat": now - (7200 if self.expired else 0),
            "exp": now + (-3600 if self.expired else 600),
            "nonce": grant["nonce"],
            "amr": grant["amr"],
            **{k: v for k, v in claims.items() if k != "sub"},
        }
        key = self.other_key if self.foreign_key else self.key
        signed = jwt.encode(id_token, key, algorithm="RS256", headers={"kid": self.kid})
        access = secrets.token_urlsafe(16)
        self.tokens[access] = {"sub": id_token["sub"], **claims}
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 600,
            "id_token": signed,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        info = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if info is None:
            return 401, {"error": "invalid_token"}
        return 200, info


def serve() -> tuple[Provider, ThreadingHTTPServer]:
    provider = Provider()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            provider.requests.append(url.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.discovery())
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/userinfo":
                return self._json(*provider.userinfo(self.headers.get("Authorization", "")))
            if url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._json(404, {"error": "not_found"})

        def do_POST(self):
            url = urlparse(self.path)
            provider.requests.append(url.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            basic = None
            header = self.headers.get("Authorization", "")
            if header.startswith("Basic "):
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                basic = (user, password)
            if url.path == "/token":
                return self._json(*provider.token(form, basic))
            return self._json(404, {"error": "not_found"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider, server


@pytest.fixture
def provider(settings):
    """A provider running for the test, and single sign-on set up to use it."""
    from challengelog.accounts import sso

    provider, server = serve()
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    sso.forget_provider()
    yield provider
    server.shutdown()
    server.server_close()
    sso.forget_provider()

"""`Authorization: Bearer <token>` for the API; a revoked or unknown token is refused with a
message saying which."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from challengelog.api.models import ApiToken, digest


class BearerToken(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as “Authorization: Bearer <token>”, with no spaces in the token"
            )
        token = ApiToken.objects.select_related("user").filter(key_hash=digest(header[1])).first()
        if token is None:
            raise exceptions.AuthenticationFailed("That API token is not known")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("That API token was revoked")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account of that API token is disabled")
        now = timezone.now()
        if token.last_used is None or now - token.last_used > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the token."""

    target_class = "challengelog.api.authentication.BearerToken"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made at /account/tokens/",
        }

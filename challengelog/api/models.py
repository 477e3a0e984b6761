"""Personal API tokens: each person makes and revokes their own; a partnership's administrators
make them for the people whose only roles are in that partnership (a program's account, say)
and revoke any of its people's. Only a hash of the token is kept: it is shown once, when it
is made."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

PREFIX = "cl_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("what it is for", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    shown = models.CharField("its first characters", max_length=12)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An administrator who made it for the person; empty when they made it",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown}…)"

    @classmethod
    def issue(cls, *, user, name: str, created_by=None) -> tuple["ApiToken", str]:
        """A new token and its key, which is never stored and cannot be shown again."""
        key = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=digest(key), shown=key[:10], created_by=created_by
        )
        return token, key

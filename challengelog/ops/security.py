"""Headers every answer carries, and sessions that end when they are left alone.

The Content-Security-Policy allows nothing inline: every page's scripts and styles are files
of our own (the API documentation's too: see templates/drf_spectacular/), so an injected
`<script>` or `style=` attribute does nothing even if some text escaped escaping.
"""

from __future__ import annotations

import time

from django.conf import settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Internal pages and downloads are not kept by the browser or a shared cache.
            response.headers["Cache-Control"] = "no-store"
        return response


class IdleSessions:
    """A signed-in session ends SESSION_COOKIE_AGE seconds after its last request. Touching
    the session moves its expiry on; it is touched at most once a minute, so that reading
    pages does not write to the database on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - int(session.get("seen", 0)) >= min(60, settings.SESSION_COOKIE_AGE // 2):
                session["seen"] = now
        return self.get_response(request)

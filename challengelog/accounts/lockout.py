"""Lock-out after repeated failed sign-ins (django-axes): the e-mail address is counted as
typed in any case, and a lock-out is in the audit log."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from challengelog.accounts.models import AuditEvent, record_event


def username(request, credentials) -> str:
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()[:254]


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record_event(
        AuditEvent.Kind.SIGN_IN_FAILED,
        f"Signing in as {username} locked for a while after repeated failures",
        request=request,
        user_label=str(username)[:254],
    )


def locked_out(request, credentials=None, *args, **kwargs):
    """The page a locked-out sign-in gets: 429, saying for how long and what to do."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)

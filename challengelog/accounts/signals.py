from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from challengelog.accounts.models import AuditEvent, record_event


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    how = " through single sign-on" if getattr(request, "sso_sign_in", False) else ""
    record_event(
        AuditEvent.Kind.SIGN_IN, f"{user.email} signed in{how}", user=user, request=request
    )


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(
            AuditEvent.Kind.SIGN_OUT, f"{user.email} signed out", user=user, request=request
        )


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    who = str(credentials.get("username") or credentials.get("email") or "")[:254]
    record_event(
        AuditEvent.Kind.SIGN_IN_FAILED, f"Sign-in failed for {who}", request=request, user_label=who
    )

"""Two-factor sign-in with a code from an authenticator app (TOTP, django-otp): required for
the roles in settings.TWO_FACTOR_ROLES (administrators and chairs unless set otherwise) and
for Django's superusers, available to everyone.

After the password, someone with an app set up is asked for its code before any other page;
someone whose role requires it and who has none set up is taken to set it up first. API
tokens are not asked (a token is made from a signed-in session and is revoked on its own)."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from challengelog.accounts.access import staff_page
from challengelog.accounts.models import AuditEvent, Membership, record_event
from challengelog.accounts.sso import MFA_SESSION_KEY as SSO_MFA
from challengelog.register.forms import GovukForm

# The pages the middleware lets through before the code: signing in and out, entering the code,
# setting an app up for the first time.
EXEMPT = (
    "/account/two-factor/setup/",
    "/account/two-factor/code/",
    "/sign-out/",
    "/sign-in/",
    "/static/",
    "/accessibility/",
)


def required(user) -> bool:
    if user.is_superuser and settings.TWO_FACTOR_ROLES:
        return True
    return Membership.objects.filter(user=user, role__in=settings.TWO_FACTOR_ROLES).exists()


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/work/"


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: sends the signed-in to the code or the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT)
            and not user.is_verified()
            and not request.session.get(SSO_MFA)
        ):
            if device_of(user) is not None:
                return self._send(request, "two-factor-verify", "Enter the code from your app")
            if required(user):
                return self._send(
                    request, "two-factor-setup", "Your role needs a code from an app to sign in"
                )
        return self.get_response(request)

    def _send(self, request, name, message):
        if request.path.startswith("/api/"):
            from challengelog.accounts.access import json_error

            return json_error(403, f"{message}: finish signing in on the web first")
        from django.urls import reverse

        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(name)}?{query}")


class CodeForm(GovukForm):
    code = forms.RegexField(
        label="Code from your app",
        regex=r"^\s*\d{6}\s*$",
        help_text="The 6 digits it shows now",
        error_messages={
            "required": "Enter the 6-digit code from your app",
            "invalid": "Enter the 6 digits your app shows, without spaces or letters",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


def _errors(form):
    return [(form.fields[n].label, f"id_{n}", e) for n, es in form.errors.items() for e in es]


def _qr(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@login_required
def setup(request):
    user = request.user
    current = device_of(user)
    if current is not None and not (user.is_verified() or request.session.get(SSO_MFA)):
        # Moving to a new app needs the code of the one there is: only a verified session may.
        return redirect("two-factor-verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            done = (
                "moved the code for signing in to a new app"
                if current
                else ("set up a code from an app for signing in")
            )
            record_event(
                AuditEvent.Kind.ROLES,
                f"{user.email} {done}",
                user=user,
                request=request,
            )
            return redirect(_next(request))
        form.add_error(
            "code", "That code is not right: check the phone's time is set automatically"
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "errors": _errors(form),
            "qr": _qr(device),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
            "required": required(user),
            "replacing": current is not None,
        },
    )


@login_required
def verify(request):
    device = device_of(request.user)
    if device is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            otp_login(request, device)
            return redirect(_next(request))
        record_event(
            AuditEvent.Kind.SIGN_IN_FAILED,
            f"A wrong code from the app for {request.user.email}",
            user=request.user,
            request=request,
        )
        form.add_error(
            "code",
            "That code is not right, or it was used already: wait for the next one. After "
            "several wrong codes each try waits longer.",
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "errors": _errors(form), "next": _next(request)},
    )


@login_required
def manage(request):
    user = request.user
    device = device_of(user)
    if request.method == "POST" and "turn_off" in request.POST and device is not None:
        if required(user):
            return render(
                request,
                "accounts/two_factor.html",
                {"device": device, "required": True, "refused": True},
                status=400,
            )
        TOTPDevice.objects.filter(user=user).delete()
        record_event(
            AuditEvent.Kind.ROLES,
            f"{user.email} turned off the code from an app",
            user=user,
            request=request,
        )
        return redirect("two-factor")
    return render(
        request,
        "accounts/two_factor.html",
        {"device": device, "required": required(user), "refused": False},
    )


def _own_people(partnership):
    """The people whose roles are all in this partnership: its administrators may reset their
    app (someone with a role elsewhere asks a superuser, so no administrator reaches into a
    partnership they do not administer)."""
    from challengelog.accounts.models import User

    elsewhere = Membership.objects.exclude(partnership=partnership).values("user_id")
    return (
        User.objects.filter(memberships__partnership=partnership, is_superuser=False)
        .exclude(pk__in=elsewhere)
        .distinct()
        .order_by("email")
    )


@staff_page("log.manage_lists")
def people(request, partnership):
    """Administrators: who has the app on, and turning it off for someone who lost their
    phone (they set it up again when they next sign in)."""
    own = _own_people(partnership)
    if request.method == "POST":
        person = get_object_or_404(own, pk=request.POST.get("person"))
        TOTPDevice.objects.filter(user=person).delete()
        record_event(
            AuditEvent.Kind.ROLES,
            f"Turned off the code from an app of {person.email} (to set up again)",
            user=request.user,
            partnership=partnership,
            request=request,
        )
        messages.success(request, f"The app of {person.email} is off: they set it up again")
        return redirect("two-factor-people", partnership.slug)
    on = set(
        TOTPDevice.objects.filter(user__in=own, confirmed=True).values_list("user_id", flat=True)
    )
    rows = [(person, person.pk in on, required(person)) for person in own]
    return render(request, "accounts/two_factor_people.html", {"rows": rows})

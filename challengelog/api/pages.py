"""Pages to make and revoke API tokens: each person their own; a partnership's administrators
those of the partnership's people."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from challengelog.accounts.access import staff_page
from challengelog.accounts.models import AuditEvent, record_event
from challengelog.api.models import ApiToken
from challengelog.register.forms import GovukForm


class TokenForm(GovukForm):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example: the partnership website's nightly copy",
    )


class TokenForForm(TokenForm):
    person = forms.ModelChoiceField(
        label="Whose token is it?",
        queryset=None,
        empty_label="Choose a person",
        help_text="It acts as them, with their role. Only people whose roles are all in this "
        "partnership are listed: anyone else makes their own.",
    )
    field_order = ["person", "name"]

    def __init__(self, *args, partnership, **kwargs):
        from challengelog.accounts.models import Membership, User

        super().__init__(*args, **kwargs)
        elsewhere = Membership.objects.exclude(partnership=partnership).values("user_id")
        self.fields["person"].queryset = (
            User.objects.filter(
                memberships__partnership=partnership, is_active=True, is_superuser=False
            )
            .exclude(pk__in=elsewhere)
            .distinct()
            .order_by("email")
        )
        self.fields["person"].label_from_instance = lambda user: user.email
        self.fields["person"].error_messages["invalid_choice"] = (
            "Choose a person from the list: they may have left or gained a role elsewhere"
        )
        self.fields["person"].error_messages["required"] = "Choose whose token it is"


def _revoke(request, token, partnership=None):
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(
            revoked_at=timezone.now(), revoked_by=request.user
        )
        record_event(
            AuditEvent.Kind.ROLES,
            f"Revoked the API token “{token.name}” of {token.user.email}",
            user=request.user,
            partnership=partnership,
            request=request,
        )
        messages.success(request, f"Token “{token.name}” revoked: it no longer works")


@login_required
def my_tokens(request):
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        token, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        record_event(
            AuditEvent.Kind.ROLES,
            f"Made the API token “{token.name}”",
            user=request.user,
            request=request,
        )
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "key": key,
            "tokens": request.user.api_tokens.select_related("created_by"),
            "errors": [
                (form.fields[n].label, f"id_{n}", e) for n, es in form.errors.items() for e in es
            ],
        },
    )


@require_POST
@login_required
def revoke_mine(request, pk):
    _revoke(request, get_object_or_404(ApiToken, pk=pk, user=request.user))
    return redirect("api-tokens")


@staff_page("log.manage_lists")
def partnership_tokens(request, partnership):
    tokens = ApiToken.objects.filter(user__memberships__partnership=partnership).select_related(
        "user", "created_by"
    )
    form = TokenForForm(partnership=partnership)
    key = made_for = None
    if request.method == "POST" and "token" in request.POST:
        _revoke(request, get_object_or_404(tokens, pk=request.POST.get("token")), partnership)
        return redirect("api-partnership-tokens", partnership.slug)
    if request.method == "POST":
        form = TokenForForm(request.POST, partnership=partnership)
        if form.is_valid():
            made_for = form.cleaned_data["person"]
            token, key = ApiToken.issue(
                user=made_for, name=form.cleaned_data["name"], created_by=request.user
            )
            record_event(
                AuditEvent.Kind.ROLES,
                f"Made the API token “{token.name}” for {made_for.email}",
                user=request.user,
                partnership=partnership,
                request=request,
            )
            form = TokenForForm(partnership=partnership)
    return render(
        request,
        "api/partnership_tokens.html",
        {
            "tokens": tokens.distinct(),
            "form": form,
            "key": key,
            "made_for": made_for,
            "errors": [
                (form.fields[n].label, f"id_{n}", e) for n, es in form.errors.items() for e in es
            ],
        },
    )

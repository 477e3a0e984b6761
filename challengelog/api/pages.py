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
            "tokens": request.user.api_tokens.all(),
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
        "user"
    )
    if request.method == "POST":
        _revoke(request, get_object_or_404(tokens, pk=request.POST.get("token")), partnership)
        return redirect("api-partnership-tokens", partnership.slug)
    return render(request, "api/partnership_tokens.html", {"tokens": tokens.distinct()})

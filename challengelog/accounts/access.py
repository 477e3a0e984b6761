"""The door of every internal page: who is asking, in which partnership, allowed or not."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from challengelog.register.models import Partnership


def staff_page(permission: str):
    """Decorate a view taking (request, slug, ...): signs in the anonymous, refuses those
    without `permission` on the partnership (403), and passes the partnership on."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            partnership = get_object_or_404(Partnership, slug=slug)
            if not request.user.has_perm(permission, partnership):
                raise PermissionDenied(f"You do not have access to this page of {partnership}")
            request.partnership = partnership
            return view(request, partnership, *args, **kwargs)

        return wrapper

    return decorate


def require(request, permission: str, obj) -> None:
    """Refuse (403) unless the signed-in user has `permission` on `obj`."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied("You do not have permission to do that")


def json_error(status: int, message: str) -> JsonResponse:
    """A refusal or error as JSON, for the API and pages asked for JSON: the message in words
    and the status."""
    return JsonResponse({"error": message, "status": status}, status=status)

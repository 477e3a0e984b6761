def staff_permissions(request):
    """What the staff navigation may offer, for the partnership of the page."""
    partnership = getattr(request, "partnership", None)
    user = getattr(request, "user", None)
    if partnership is None or user is None or not user.is_authenticated:
        return {}
    return {
        "partnership": partnership,
        "perms_raise": user.has_perm("log.raise", partnership),
        "perms_report": user.has_perm("log.report", partnership),
        "perms_admin": user.has_perm("log.manage_lists", partnership),
    }

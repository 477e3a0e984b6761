"""The accessibility statement, privacy notice and cookies page: the service's own, and each
partnership's with its settings (none before its first publish)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from challengelog.publishing import site_information
from challengelog.register.models import Partnership

# The accessibility statement, privacy notice and cookies page: the service's own, and each
# partnership's with its settings (none before its first publish).


def _site_page(request, page: str, slug: str | None = None):
    if slug is None:
        context = {
            "info": site_information.for_service(),
            "partnerships": Partnership.objects.filter(publications__isnull=False).distinct(),
            "base_template": "base.html",
        }
    else:
        partnership = get_object_or_404(Partnership, slug=slug)
        publication = partnership.publications.first()
        if publication is None:
            raise Http404("Nothing has been published yet")
        context = {
            "partnership": partnership,
            "publication": publication,
            "info": site_information.for_partnership(partnership),
            "log_url": request.build_absolute_uri(reverse("log", args=[slug])),
            "base_template": "register/_partnership_base.html",
        }
    if page == "cookies":
        context["cookies"] = site_information.staff_cookies()
    return render(request, f"publishing/{page}.html", context)


def accessibility(request):
    return _site_page(request, "accessibility")


def privacy(request):
    return _site_page(request, "privacy")


def cookies(request):
    return _site_page(request, "cookies")


def partnership_accessibility(request, slug):
    return _site_page(request, "accessibility", slug)


def partnership_privacy(request, slug):
    return _site_page(request, "privacy", slug)


def partnership_cookies(request, slug):
    return _site_page(request, "cookies", slug)

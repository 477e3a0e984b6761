from django.shortcuts import get_object_or_404, redirect, render

from challengelog.register.models import Partnership


def log_index(request):
    partnerships = list(Partnership.objects.all())
    if len(partnerships) == 1:
        return redirect("log", slug=partnerships[0].slug)
    return render(request, "register/log_index.html", {"partnerships": partnerships})


def log(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    challenges = partnership.challenges.select_related("forum").order_by(
        "-date_raised", "-reference_number"
    )[:200]
    return render(
        request, "register/log.html", {"partnership": partnership, "challenges": challenges}
    )

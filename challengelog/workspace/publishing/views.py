"""The staff publishing pages: what is ready to publish, the approval step, the public
wording, the publishing settings and the site information."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from challengelog.accounts.access import staff_page
from challengelog.publishing import review, services, site_information
from challengelog.publishing.models import WORDING_FIELDS, Publication, PublicReview
from challengelog.register.selectors import challenges_for_export
from challengelog.workspace.publishing.forms import SiteInformationForm
from challengelog.workspace.views import _errors


@staff_page("log.publish")
def edit_site_information(request, partnership):
    row = site_information.stored(partnership)
    info = site_information.for_partnership(partnership, row)
    initial = {
        name: getattr(info, name)
        for name in (
            "contact_email",
            "contact_phone",
            "contact_address",
            "reply_days",
            "compliance",
            "testing",
            "prepared_on",
            "reviewed_on",
            *site_information.TEXTS,
        )
    }
    initial["version"] = row.version if row else 0
    form = SiteInformationForm(request.POST or None, initial=initial)
    context = {
        "form": form,
        "errors": [],
        "info": info,
        "publication_exists": partnership.publications.exists(),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                site_information.save(
                    partnership=partnership,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    **form.values(),
                )
            except site_information.Conflict as conflict:
                fresh = request.POST.copy()
                fresh["version"] = conflict.version
                context["form"] = SiteInformationForm(fresh, initial=initial)
                context["form"].is_valid()
                context["conflict"] = conflict
                context["errors"] = [
                    (
                        "",
                        "",
                        "The accessibility statement, privacy notice and cookies page were "
                        "changed by someone else while you were working on them. Nothing you "
                        "entered was saved: check their changes below, then save again if "
                        "yours still apply.",
                    )
                ]
                return _site_form(request, context, status=409)
            messages.success(
                request,
                "Saved: the accessibility statement, privacy notice and cookies page show it now",
            )
            return redirect("publishing-site-information", partnership.slug)
        context["errors"] = _errors(form)
    return _site_form(request, context)


def _site_form(request, context, status=200):
    form = context["form"]
    context["prepared"] = form.date_parts("prepared_on")
    context["reviewed"] = form.date_parts("reviewed_on")
    return render(request, "publishing/site_information.html", context, status=status)


@staff_page("log.word_public")
def publishing_home(request, partnership):
    required = review.review_required(partnership)
    items, waiting_count = review.waiting(partnership) if required else ([], 0)
    return render(
        request,
        "publishing/home.html",
        {
            "publication": partnership.publications.first(),
            "publications": Publication.objects.filter(partnership=partnership)[:10],
            "review_required": required,
            "waiting": items,
            "waiting_count": waiting_count,
            "approved": review.approved_references(partnership) if required else [],
            "pending": [] if required else services.pending(partnership),
            "names": services.names_found(partnership),
            "can_publish": request.user.has_perm("log.publish", partnership),
            "can_configure": request.user.has_perm("log.configure_publishing", partnership),
        },
    )


@require_POST
@staff_page("log.publish")
def publish(request, partnership):
    if review.review_required(partnership):
        publication = review.publish_approved(
            partnership=partnership, user=request.user, request=request
        )
        if publication is None:
            messages.error(request, "Approve at least one challenge before publishing")
        else:
            messages.success(
                request,
                f"Published the {publication.count} approved "
                f"challenge{'s' if publication.count != 1 else ''}",
            )
        return redirect("publishing-home", partnership.slug)
    chosen = request.POST.get("references", "").replace(",", " ").split()
    references = None
    if request.POST.get("scope") == "chosen":
        known = set(partnership.challenges.values_list("reference", flat=True))
        unknown = [r for r in chosen if r not in known]
        if not chosen or unknown:
            messages.error(
                request,
                "Enter the references of challenges to publish"
                + (f": there is no {', '.join(unknown)}" if unknown else ""),
            )
            return redirect("publishing-home", partnership.slug)
        references = chosen
    publication = services.publish(
        partnership=partnership, user=request.user, references=references, request=request
    )
    messages.success(request, f"Published {publication.count} challenges")
    return redirect("publishing-home", partnership.slug)


@require_POST
@staff_page("log.publish")
def review_name(request, partnership):
    name = request.POST.get("name", "").strip()
    decision = request.POST.get("decision")
    replacement = {"keep": name, "remove": "[name removed]"}.get(
        decision, request.POST.get("replacement", "").strip()
    )
    if not name or not replacement or len(replacement) > 200:
        messages.error(request, "Choose keep or remove, or enter what to show instead")
        return redirect("publishing-home", partnership.slug)
    services.review_name(
        partnership=partnership, name=name, replacement=replacement, user=request.user
    )
    messages.success(request, f"“{name}” will be shown as “{replacement}” from the next publish")
    return redirect("publishing-home", partnership.slug)


def _to_review(partnership, reference: str) -> str:
    return reverse("publishing-home", args=[partnership.slug]) + f"#review-{reference}"


@require_POST
@staff_page("log.publish")
def decide(request, partnership, reference):
    """Approve one challenge's public copy, or hold it back with a reason."""
    try:
        review.decide(
            partnership=partnership,
            reference=reference,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            seen=request.POST.get("seen", ""),
            user=request.user,
        )
    except review.ReviewError as error:
        messages.error(request, f"Challenge {reference}: {error}")
        return redirect(_to_review(partnership, reference))
    word = "approved" if request.POST.get("decision") == "approved" else "held back"
    messages.success(request, f"Challenge {reference} {word}")
    return redirect(_to_review(partnership, reference))


@require_POST
@staff_page("log.publish")
def approve_page(request, partnership):
    """Approve every challenge listed on the page as it was seen (reference and
    fingerprint): one that changed since is left for another look."""
    done, changed = [], []
    for pair in request.POST.getlist("seen"):
        reference, _, seen = pair.rpartition(":")
        try:
            review.decide(
                partnership=partnership,
                reference=reference,
                decision="approved",
                seen=seen,
                user=request.user,
            )
            done.append(reference)
        except review.ReviewError:
            changed.append(reference)
    if done:
        messages.success(request, f"Approved {len(done)}: {', '.join(done)}")
    if changed:
        messages.error(request, f"Not approved, changed since you looked: {', '.join(changed)}")
    return redirect("publishing-home", partnership.slug)


@staff_page("log.word_public")
def wording(request, partnership, reference):
    """Change what the public copy of one challenge says (never its internal record)."""
    challenge = challenges_for_export(partnership).filter(reference=reference).first()
    if challenge is None:
        raise Http404(f"No challenge {reference}")
    values = services.internal_values(challenge)
    current = PublicReview.objects.filter(challenge=challenge).first()
    in_force = review.wording_in_force(current, values)
    version = current.version if current else 0
    errors, status = [], 200
    texts = {name: in_force.get(name, values[name] or "") for name in WORDING_FIELDS}
    if request.method == "POST":
        texts = {name: request.POST.get(name, "") for name in WORDING_FIELDS}
        opened = request.POST.get("version", "")
        try:
            review.set_wording(
                partnership=partnership,
                reference=reference,
                wording=texts,
                user=request.user,
                # A form whose version cannot be read is treated as one opened long ago.
                version=int(opened) if opened.isdigit() else -1,
            )
        except review.Stale as error:
            errors, status = [("", "", str(error))], 409
        except review.ReviewError as error:
            errors, status = [("", error.field, str(error))], 400
        else:
            messages.success(
                request, f"The public wording of challenge {reference} is saved: approve it next"
            )
            return redirect(_to_review(partnership, reference))
    return render(
        request,
        "publishing/wording.html",
        {
            "challenge": challenge,
            "fields": [
                (name, label, texts[name], values[name] or "")
                for name, label in WORDING_FIELDS.items()
            ],
            "version": version,
            "errors": errors,
        },
        status=status,
    )


@require_POST
@staff_page("log.configure_publishing")
def publishing_settings(request, partnership):
    without = request.POST.get("without_review") == "yes"
    review.set_without_review(partnership=partnership, without_review=without, user=request.user)
    messages.success(
        request,
        "Challenges are now published without review"
        if without
        else "Every new or changed challenge now waits for approval before it is published",
    )
    return redirect("publishing-home", partnership.slug)

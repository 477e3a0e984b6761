"""The public downloads; the accessibility statement, privacy notice and cookies page, the
service's and each partnership's, and the staff page that sets them; the staff publishing
page."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from challengelog.accounts.access import staff_page
from challengelog.publishing import downloads, review, services, site_information
from challengelog.publishing.forms import SiteInformationForm
from challengelog.publishing.models import WORDING_FIELDS, Publication, PublicReview
from challengelog.register import filters
from challengelog.register.models import Partnership
from challengelog.register.selectors import challenges_for_export
from challengelog.register.staff_views import _errors
from challengelog.register.views import public_page

PDF_ROW_LIMIT = 500
# A filtered Excel file is made on request up to this many rows (about ten seconds of work).
XLSX_ROW_LIMIT = 20_000
# Filtered CSV and JSON downloads of more rows than this are streamed, and Excel files are
# written to a temporary file (neither kept in the cache); smaller ones are built in memory
# and kept.
STREAM_ABOVE = 2000


@public_page
def download(request, slug, fmt):
    """The published log as a file. Without filters: the file built when it was published;
    with filters: built now from the published rows that match (a PDF up to 500 rows)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if fmt not in downloads.CONTENT_TYPES:
        raise Http404
    publication = partnership.publications.first()
    if publication is None:
        raise Http404("Nothing has been published yet")
    form = filters.LogFilters(
        request.GET or None, partnership=partnership, model=partnership.published.model
    )
    values = form.values()
    if form.errors:
        return render(
            request,
            "publishing/download_refused.html",
            {
                "partnership": partnership,
                "publication": publication,
                "message": "; ".join(
                    f"{form.fields[n].label}: {e[0]}" for n, e in form.errors.items()
                ),
            },
            status=400,
        )
    name = downloads.filename(partnership.slug, publication.published_at.date(), fmt)
    if not values and fmt in publication.files and Path(publication.files[fmt]).exists():
        # The file built at publish, sent in pieces from the disk.
        return FileResponse(
            Path(publication.files[fmt]).open("rb"),
            as_attachment=True,
            filename=name,
            content_type=downloads.CONTENT_TYPES[fmt],
        )
    rows = filters.apply(partnership.published.all(), form, values)
    count = rows.count()
    refusal = _too_many(fmt, count, filtered=bool(values))
    if refusal:
        return render(
            request,
            "publishing/download_refused.html",
            {"partnership": partnership, "publication": publication, "message": refusal},
            status=400,
        )
    if fmt in downloads.STREAMS and count > STREAM_ABOVE:
        # A large filtered CSV or JSON is written as it is read: never whole in memory.
        response = StreamingHttpResponse(
            downloads.STREAMS[fmt](services.iter_published_records(rows)),
            content_type=downloads.CONTENT_TYPES[fmt],
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if fmt == "xlsx" and count > STREAM_ABOVE:
        # Written row by row to a file that is gone once sent: never whole in memory. The
        # response closes it.
        handle = tempfile.TemporaryFile(prefix="challengelog-download-")  # noqa: SIM115
        downloads.write_xlsx(services.iter_published_records(rows), handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=name, content_type=downloads.CONTENT_TYPES[fmt]
        )
    records = services.published_records(rows)
    if fmt == "pdf":
        data = downloads.to_pdf(
            records,
            partnership_name=partnership.name,
            published=publication.published_at,
            note="Filtered: "
            + ", ".join(
                f"{form.fields[k].label} {form.label(k, v) if k != 'q' else v}"
                for k, v in values.items()
            )
            if values
            else "",
        )
    else:
        data = getattr(downloads, f"to_{fmt}")(records)
    response = HttpResponse(data, content_type=downloads.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _too_many(fmt: str, count: int, *, filtered: bool) -> str:
    """Why a file of ``count`` challenges is not made on request, or ""."""
    if fmt == "pdf" and count > PDF_ROW_LIMIT:
        if filtered:
            return (
                f"A filtered PDF holds at most {PDF_ROW_LIMIT:,} challenges and these filters "
                f"match {count:,}: narrow the filters, or download the CSV or Excel file."
            )
        return (
            f"The whole log's PDF is made for logs of up to {downloads.WHOLE_PDF_LIMIT:,} "
            f"challenges and this one has {count:,}: choose filters (a year, an agency) for a "
            f"PDF of up to {PDF_ROW_LIMIT:,}, or download the CSV or Excel file."
        )
    if fmt == "xlsx" and count > XLSX_ROW_LIMIT:
        if not filtered:
            return (
                f"This log has {count:,} challenges, more than an Excel file is made for on "
                f"request ({XLSX_ROW_LIMIT:,}): choose filters (a year, an agency), or "
                "download the CSV file."
            )
        return (
            f"A filtered Excel file holds at most {XLSX_ROW_LIMIT:,} challenges and these "
            f"filters match {count:,}: narrow the filters, or download the CSV file."
        )
    return ""


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

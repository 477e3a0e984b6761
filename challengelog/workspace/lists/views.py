"""The reference lists for administrators: agencies, meetings and raisers, and the names an
import put up for review. Thin views: every change is made by `services`."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from challengelog.accounts.access import staff_page
from challengelog.register.models import Agency
from challengelog.workspace.lists import forms, services

PERMISSION = "log.manage_lists"


def _kind(kind: str) -> services.ListKind:
    try:
        return services.KINDS[kind]
    except KeyError:
        raise Http404("No such list") from None


def _entry(partnership, kind: str, entry_slug: str):
    list_kind = _kind(kind)
    return list_kind, get_object_or_404(list_kind.model, partnership=partnership, slug=entry_slug)


def _entry_url(partnership, kind: str, entry) -> str:
    return reverse(
        "lists-entry", kwargs={"slug": partnership.slug, "kind": kind, "entry_slug": entry.slug}
    )


def _choices(list_kind, partnership):
    return list(list_kind.model.objects.filter(partnership=partnership).order_by("name"))


@staff_page(PERMISSION)
def home(request, partnership):
    reviews = services.pending_reviews(partnership)
    lists = [
        {
            "kind": k,
            "entries": list(services.entries_with_counts(k.model, partnership)),
        }
        for k in services.KINDS.values()
    ]
    return render(
        request,
        "lists/home.html",
        {
            "partnership": partnership,
            "lists": lists,
            "reviews": reviews,
            "review_groups": [
                (k, [r for r in reviews if r.kind is k])
                for k in services.KINDS.values()
                if any(r.kind is k for r in reviews)
            ],
            "run": services.latest_run(partnership),
            "merge_candidate": services.MERGE_CANDIDATE,
            "merge_spelling": services.MERGE_SPELLING,
            "keep_apart": services.KEEP_APART,
        },
    )


def _entry_page(request, partnership, list_kind, entry, status=200, **bound):
    """The page of one entry, with any form given bound (and showing its errors)."""
    entries = _choices(list_kind, partnership)
    context = {
        "partnership": partnership,
        "list": list_kind,
        "entry": entry,
        "counts": services.entry_counts(entry),
        "rename_form": bound.get("rename_form") or forms.RenameForm(),
        "merge_form": bound.get("merge_form") or forms.MergeForm(entries=entries, current=entry),
    }
    if isinstance(entry, Agency):
        context["succession_form"] = bound.get("succession_form") or forms.SuccessionForm(
            initial={
                "successor": entry.successor.slug if entry.successor else "",
                "day": entry.succeeded_on.day if entry.succeeded_on else "",
                "month": entry.succeeded_on.month if entry.succeeded_on else "",
                "year": entry.succeeded_on.year if entry.succeeded_on else "",
            },
            entries=entries,
            current=entry,
        )
        context["predecessors"] = list(entry.predecessors.order_by("name"))
    errors = []
    for form in bound.values():
        errors += form.summary()
    context["errors"] = errors
    return render(request, "lists/entry.html", context, status=status)


@staff_page(PERMISSION)
def entry(request, partnership, kind, entry_slug):
    list_kind, item = _entry(partnership, kind, entry_slug)
    return _entry_page(request, partnership, list_kind, item)


def _refused(request, partnership, list_kind, item, name, form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return _entry_page(request, partnership, list_kind, item, **{name: form})


@staff_page(PERMISSION)
def rename(request, partnership, kind, entry_slug):
    list_kind, item = _entry(partnership, kind, entry_slug)
    if request.method != "POST":
        return redirect(_entry_url(partnership, kind, item))
    form = forms.RenameForm(request.POST)
    if form.is_valid():
        old = item.name
        try:
            item = services.rename_entry(
                entry=item, name=form.cleaned_data["name"], user=request.user, request=request
            )
        except services.ListError as error:
            return _refused(request, partnership, list_kind, item, "rename_form", form, error)
        messages.success(request, f"“{old}” is now called “{item.name}”")
        return redirect(_entry_url(partnership, kind, item))
    return _entry_page(request, partnership, list_kind, item, rename_form=form)


@staff_page(PERMISSION)
def merge(request, partnership, kind, entry_slug):
    list_kind, item = _entry(partnership, kind, entry_slug)
    if request.method != "POST":
        return redirect(_entry_url(partnership, kind, item))
    form = forms.MergeForm(request.POST, entries=_choices(list_kind, partnership), current=item)
    if form.is_valid():
        try:
            target, moved = services.merge_entries(
                source=item,
                target=form.cleaned_data["target"],
                user=request.user,
                request=request,
            )
        except services.ListError as error:
            return _refused(request, partnership, list_kind, item, "merge_form", form, error)
        messages.success(
            request,
            f"“{item.name}” was merged into “{target.name}”: "
            f"{moved} challenge{'' if moved == 1 else 's'} moved",
        )
        return redirect(_entry_url(partnership, kind, target))
    return _entry_page(request, partnership, list_kind, item, merge_form=form)


@staff_page(PERMISSION)
def retire(request, partnership, kind, entry_slug):
    _, item = _entry(partnership, kind, entry_slug)
    if request.method == "POST" and request.POST.get("retired") in ("yes", "no"):
        retired = request.POST["retired"] == "yes"
        item = services.set_retired(entry=item, retired=retired, user=request.user, request=request)
        messages.success(
            request,
            f"“{item.name}” is retired: it stays on the challenges that have it"
            if retired
            else f"“{item.name}” is restored",
        )
    return redirect(_entry_url(partnership, kind, item))


@staff_page(PERMISSION)
def member(request, partnership, kind, entry_slug):
    _, item = _entry(partnership, kind, entry_slug)
    if not isinstance(item, Agency):
        raise Http404("Only agencies are members")
    if request.method == "POST" and request.POST.get("is_member") in ("yes", "no"):
        is_member = request.POST["is_member"] == "yes"
        item = services.set_member(
            agency=item, is_member=is_member, user=request.user, request=request
        )
        messages.success(
            request,
            f"“{item.name}” is {'now' if is_member else 'no longer'} a member agency",
        )
    return redirect(_entry_url(partnership, kind, item))


@staff_page(PERMISSION)
def succession(request, partnership, kind, entry_slug):
    list_kind, item = _entry(partnership, kind, entry_slug)
    if not isinstance(item, Agency):
        raise Http404("Only agencies have successors")
    if request.method != "POST":
        return redirect(_entry_url(partnership, kind, item))
    form = forms.SuccessionForm(
        request.POST, entries=_choices(list_kind, partnership), current=item
    )
    if form.is_valid():
        successor = form.cleaned_data["successor"]
        try:
            item = services.set_successor(
                agency=item,
                successor=successor,
                date=form.cleaned_data["succeeded_on"],
                user=request.user,
                request=request,
            )
        except services.ListError as error:
            if error.field == "succeeded_on":
                error.field = "day"
            return _refused(request, partnership, list_kind, item, "succession_form", form, error)
        if successor:
            text = (
                f"“{item.name}” was succeeded by “{successor.name}” "
                f"on {item.succeeded_on.day} {item.succeeded_on:%B %Y}"
            )
        else:
            text = f"“{item.name}” has no successor recorded"
        messages.success(request, text)
        return redirect(_entry_url(partnership, kind, item))
    return _entry_page(request, partnership, list_kind, item, succession_form=form)


@staff_page(PERMISSION)
def review(request, partnership):
    home_url = reverse("lists-home", kwargs={"slug": partnership.slug})
    if request.method != "POST":
        return redirect(home_url)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That decision could not be read: choose again")
        return redirect(f"{home_url}#names-for-review")
    try:
        done = services.decide_review(
            partnership=partnership,
            list_key=form.cleaned_data["list"],
            spelling=form.cleaned_data["spelling"],
            candidate=form.cleaned_data["candidate"],
            decision=form.cleaned_data["decision"],
            user=request.user,
            request=request,
        )
    except services.ListError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(f"{home_url}#names-for-review")

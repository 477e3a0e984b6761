"""Import in the browser: upload, preview (a dry run, with a column mapping), confirm, result.

An upload is known by a random token that only the session which uploaded it holds; the
bytes wait under VAR_DIR/uploads until they are imported (once) or swept away.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from challengelog.accounts.access import staff_page
from challengelog.importing.columns import FIELDS, normalise_header, parse_overrides
from challengelog.importing.readers import READERS, ImportRefused, detect_format
from challengelog.importing.services import import_file
from challengelog.importing.table import HEADER_SEARCH_ROWS, _text, find_header
from challengelog.register.models import reference_sort_key
from challengelog.workspace.importing import jobs, store
from challengelog.workspace.importing.forms import ACCEPTED, MappingForm, UploadForm, megabytes

SESSION_KEY = "imports"
PERMISSION = "log.import"

FINDING_KINDS = {
    "date_out_of_sequence": "Dates out of sequence",
    "no_date": "No date raised",
    "empty_action": "No action recorded",
    "cut_short": "Text that may be cut short",
    "to_disagrees": "The challenge and “To” disagree",
    "risk_not_recorded": "Risk not recorded",
    "names_merged": "Different spellings read as one name",
    "names_for_review": "Names that may be the same, kept apart",
}

FIELD_LABELS = {**FIELDS, "agencies": "agencies", "forum": "meeting (as listed)"}
FIELD_LABELS.update(
    {
        "date_raised": "date raised",
        "meeting_as_recorded": "meeting",
        "raised_by_as_recorded": "raised by",
        "to_as_recorded": "to",
        "text": "challenge",
        "risk_as_recorded": "risk (as written)",
        "raised_by": "raised by (as listed)",
    }
)


# --- the session's uploads -------------------------------------------------------------------


def _entries(request) -> dict:
    """The session's uploads, those older than the store keeps them forgotten."""
    entries = request.session.setdefault(SESSION_KEY, {})
    for token, entry in list(entries.items()):
        if time.time() - entry.get("created", 0) > store.TTL_SECONDS:
            del entries[token]
    return entries


def _entry(request, partnership, token) -> dict | None:
    """This session's upload for this partnership, unless unknown or expired."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry.get("slug") != partnership.slug or not store.valid_token(token):
        return None
    if entry.get("user") != request.user.pk:
        return None
    if time.time() - entry.get("created", 0) > store.TTL_SECONDS:
        return None
    return entry


def _save(request) -> None:
    request.session.modified = True


def _gone(request, partnership, message: str, *, token=None, status=404):
    context = {"partnership": partnership, "message": message, "token": token}
    return render(request, "importing/gone.html", context, status=status)


UNKNOWN = (
    "This import is not available: the link has expired, or the file was uploaded in "
    "another session. Upload the file again."
)


# --- reading the file's header row for the mapping form --------------------------------------


def file_headers(name: str, data: bytes, mapping: list[str]) -> list[str]:
    """The headers of the row the importer reads as the header (or the likeliest row)."""
    try:
        fmt = detect_format(name, data)
        if fmt == "json":
            return []
        table = READERS[fmt](name, data)
        overrides = parse_overrides(mapping)
    except (ImportRefused, ValueError):
        return []
    found = find_header(table.rows, overrides)
    if found is not None:
        cells = table.rows[found[0]].cells
    else:
        likely = [
            r for r in table.rows[:HEADER_SEARCH_ROWS] if sum(bool(_text(c)) for c in r.cells) > 1
        ]
        cells = likely[0].cells if likely else []
    headers, seen = [], set()
    for cell in cells:
        text = _text(cell)
        key = normalise_header(text)
        if key and key not in seen:
            seen.add(key)
            headers.append(text[:100])
    return headers[:40]


def _dry_run(partnership, token: str, entry: dict, data: bytes) -> None:
    report = import_file(
        name=entry["name"],
        data=data,
        partnership=partnership.slug,
        dry_run=True,
        mapping=entry["mapping"],
    )
    entry.update(ok=report.ok, rows=report.rows_read, format=report.format)
    store.save_preview(
        token,
        {
            "summary": report.summary(),
            "report": report.as_dict(),
            "headers": file_headers(entry["name"], data, entry["mapping"]),
        },
    )


# --- pages -------------------------------------------------------------------------------------


@staff_page(PERMISSION)
def upload(request, partnership):
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data["data"]
        token = store.save_upload(data)
        entry = {
            "slug": partnership.slug,
            "user": request.user.pk,
            "name": form.cleaned_data["name"],
            "mapping": [],
            "created": time.time(),
        }
        _dry_run(partnership, token, entry, data)
        _entries(request)[token] = entry
        _save(request)
        return redirect("import-preview", partnership.slug, token)
    context = {
        "partnership": partnership,
        "form": form,
        "max_size": megabytes(settings.IMPORT_MAX_BYTES),
        "accept": ",".join(ACCEPTED),
    }
    return render(request, "importing/upload.html", context)


def _group_findings(findings: list[dict]) -> list[dict]:
    groups: dict[str, dict] = {}
    for finding in findings:
        kind = finding["kind"]
        label = FINDING_KINDS.get(kind, kind.replace("_", " ").capitalize())
        groups.setdefault(kind, {"kind": kind, "label": label, "findings": []})
        groups[kind]["findings"].append(finding)
    return list(groups.values())


def _changes(report: dict) -> dict:
    """The references created and updated, in the log's order, for the _changes template."""
    return {
        "created": sorted(report.get("created", []), key=reference_sort_key),
        "updated": [
            (ref, [FIELD_LABELS.get(f, f) for f in fields])
            for ref, fields in sorted(
                report.get("updated", {}).items(), key=lambda item: reference_sort_key(item[0])
            )
        ],
    }


@staff_page(PERMISSION)
@never_cache
def preview(request, partnership, token):
    entry = _entry(request, partnership, token)
    if entry is None:
        return _gone(request, partnership, UNKNOWN)
    if entry.get("confirmed") or store.load_state(token) is not None:
        return redirect("import-status", partnership.slug, token)
    data = store.load_upload(token)
    cached = store.load_preview(token)
    if data is None:
        return _gone(request, partnership, UNKNOWN)
    if cached is None:
        _dry_run(partnership, token, entry, data)
        _save(request)
        cached = store.load_preview(token)
    form = MappingForm(
        cached["headers"], entry["mapping"], data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        entry["mapping"] = form.mapping()
        _dry_run(partnership, token, entry, data)
        _save(request)
        return redirect("import-preview", partnership.slug, token)
    report = cached["report"]
    recognised = {normalise_header(h) for f, h in report["columns"].items() if f != "ignore"}
    context = {
        "partnership": partnership,
        "token": token,
        "name": entry["name"],
        "summary": cached["summary"],
        "report": report,
        "columns": [
            {"field": f, "label": FIELDS[f], "header": h}
            for f, h in report["columns"].items()
            if f in FIELDS
        ],
        "not_read": [h for h in cached["headers"] if normalise_header(h) not in recognised],
        "finding_groups": _group_findings(report["findings"]),
        **_changes(report),
        "mapping": entry["mapping"],
        "fields": FIELDS.items(),
        "background": entry.get("rows", 0) > jobs.BACKGROUND_ROWS,
        "form": form,
        "mapping_errors": form.errors if request.method == "POST" else None,
    }
    return render(request, "importing/preview.html", context)


@staff_page(PERMISSION)
@require_POST
def confirm(request, partnership, token):
    entry = _entry(request, partnership, token)
    if entry is None:
        return _gone(request, partnership, UNKNOWN)
    if entry.get("confirmed") or store.load_state(token) is not None:
        return _already(request, partnership, token)
    if store.load_upload(token) is None:
        return _gone(request, partnership, UNKNOWN)
    if not entry.get("ok"):
        return redirect("import-preview", partnership.slug, token)
    background = entry.get("rows", 0) > jobs.BACKGROUND_ROWS
    try:
        store.start(
            token,
            {
                "state": "running",
                "note": "Starting the import.",
                "user": request.user.pk,
                "slug": partnership.slug,
                "name": entry["name"],
                "rows": entry.get("rows", 0),
                "background": background,
                "started": jobs._now(),
            },
        )
    except store.AlreadyStarted:
        return _already(request, partnership, token)
    entry["confirmed"] = True
    _save(request)
    arguments = {
        "name": entry["name"],
        "slug": partnership.slug,
        "mapping": entry["mapping"],
        "user_id": request.user.pk,
        "ip": request.META.get("REMOTE_ADDR"),
    }
    if background:
        # The session is saved before the import starts writing: on SQLite the import holds
        # the database for a while, and saving the session after it would wait or fail.
        request.session.save()
        request.session.modified = False
        jobs.run_in_background(token, **arguments)
    else:
        jobs.run(token, **arguments)
    return redirect("import-status", partnership.slug, token)


def _already(request, partnership, token):
    return _gone(
        request,
        partnership,
        "This file has already been imported, or is being imported now. "
        "It will not be imported a second time.",
        token=token,
        status=409,
    )


@staff_page(PERMISSION)
@never_cache
def status(request, partnership, token):
    entry = _entry(request, partnership, token)
    state = store.load_state(token) if entry else None
    if entry is None or (state is None and not entry.get("confirmed")):
        if entry is not None:
            return redirect("import-preview", partnership.slug, token)
        return _gone(request, partnership, UNKNOWN)
    if state is None or state.get("user") != request.user.pk:
        return _gone(request, partnership, UNKNOWN)
    report = state.get("report") or {}
    started = parse_datetime(state.get("started") or "")
    context = {
        "partnership": partnership,
        "token": token,
        "state": state,
        "running": state.get("state") == "running",
        "report": report,
        "started": started,
        **_changes(report),
    }
    return render(request, "importing/status.html", context)

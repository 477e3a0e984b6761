"""The import itself, run in the request or, for a long file, in a background thread.

Either way its state is kept in the token's state file (see store): running, then done (with
the report) or failed. The import and its audit event are written together or not at all.
"""

from __future__ import annotations

import logging
import threading
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from challengelog.accounts.models import AuditEvent, User, record_event
from challengelog.importing.services import import_file
from challengelog.register.models import Partnership
from challengelog.workspace.importing import store

logger = logging.getLogger(__name__)

# A file with more data rows than this is imported in the background.
BACKGROUND_ROWS = 2000


def _now() -> str:
    return timezone.now().isoformat()


def run(token: str, *, name: str, slug: str, mapping: list[str], user_id, ip=None) -> dict:
    """Import the token's upload once, record it in the audit log, and keep the result."""
    state = store.load_state(token) or {}
    rows = state.get("rows") or 0
    state.update(
        state="running",
        note=f"Reading {rows} rows and writing them to the log: nothing is saved until all are.",
        started=state.get("started") or _now(),
    )
    store.save_state(token, state)
    try:
        data = store.load_upload(token)
        if data is None:
            raise FileNotFoundError("the uploaded file is no longer there")
        with transaction.atomic():
            report = import_file(name=name, data=data, partnership=slug, mapping=mapping)
            record_event(
                AuditEvent.Kind.IMPORT,
                report.summary(),
                user=User.objects.filter(pk=user_id).first(),
                partnership=Partnership.objects.filter(slug=slug).first(),
                request=SimpleNamespace(META={"REMOTE_ADDR": ip}),
                file=name,
                created=len(report.created),
                updated=len(report.updated),
                unchanged=len(report.unchanged),
                problems=len(report.problems),
                mapping=mapping,
            )
    except Exception as exc:
        logger.exception("import of %s (%s) failed", name, token)
        state.update(
            state="failed",
            note=f"The import failed and nothing was imported ({type(exc).__name__}).",
            finished=_now(),
        )
    else:
        state.update(
            state="done",
            note="Finished.",
            finished=_now(),
            summary=report.summary(),
            report=report.as_dict(),
        )
    finally:
        store.delete_upload(token)
    store.save_state(token, state)
    return state


def _in_thread(token: str, **kwargs) -> None:
    try:
        run(token, **kwargs)
    finally:
        connection.close()


def run_in_background(token: str, **kwargs) -> threading.Thread:
    thread = threading.Thread(
        target=_in_thread, args=(token,), kwargs=kwargs, name=f"import-{token}", daemon=False
    )
    thread.start()
    return thread

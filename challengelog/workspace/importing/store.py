"""Where an uploaded log waits between preview and import: files under VAR_DIR/uploads.

Each upload is named by a random token: `<token>` holds the bytes as uploaded,
`<token>.preview.json` the last dry run, and `<token>.json` the state of the import itself.
The state file is created exclusively when an import starts, so a token is imported at most
once however many times its confirm button is pressed. Nothing here is ever served directly.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

# Uploads not imported within a day are swept away with their preview and state.
TTL_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class AlreadyStarted(Exception):
    """The import of this token has already been started: it is never run twice."""


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def valid_token(token: str) -> bool:
    return bool(_TOKEN.match(token or ""))


def _path(token: str, suffix: str = "") -> Path:
    if not valid_token(token):
        raise ValueError("not an upload token")
    return uploads_dir() / f"{token}{suffix}"


def _write_json(path: Path, value: dict) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(value, default=str))
    os.replace(temporary, path)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def save_upload(data: bytes) -> str:
    sweep()
    token = secrets.token_urlsafe(24)
    path = _path(token)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)
    return token


def load_upload(token: str) -> bytes | None:
    try:
        return _path(token).read_bytes()
    except (FileNotFoundError, ValueError):
        return None


def delete_upload(token: str) -> None:
    """The bytes and the preview go; the state stays, to show the result."""
    for suffix in ("", ".preview.json"):
        _path(token, suffix).unlink(missing_ok=True)


def save_preview(token: str, preview: dict) -> None:
    _write_json(_path(token, ".preview.json"), preview)


def load_preview(token: str) -> dict | None:
    if not valid_token(token):
        return None
    return _read_json(_path(token, ".preview.json"))


def start(token: str, state: dict) -> None:
    """Claim the token for its one import, or raise AlreadyStarted."""
    path = _path(token, ".json")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AlreadyStarted(token) from None
    with open(descriptor, "w") as out:
        out.write(json.dumps(state, default=str))


def save_state(token: str, state: dict) -> None:
    _write_json(_path(token, ".json"), state)


def load_state(token: str) -> dict | None:
    if not valid_token(token):
        return None
    return _read_json(_path(token, ".json"))


def sweep(now: float | None = None) -> None:
    """Remove what is older than a day: abandoned uploads, old previews and results."""
    now = now or time.time()
    for path in uploads_dir().iterdir():
        try:
            if now - path.stat().st_mtime > TTL_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass

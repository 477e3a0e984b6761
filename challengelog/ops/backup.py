"""Backup and restore: one file holding the database and the files the database points to
(evidence, published downloads), made while the service runs.

The database is copied consistently: SQLite by its online backup (a snapshot, taken page by
page while other connections read and write), PostgreSQL by `pg_dump` (one transaction).
The files are copied after the database, so every file the copy refers to is there.

A backup is a gzipped tar: `manifest.json` (what it holds, with each member's SHA-256),
`database.sqlite3` or `database.pgdump`, and `files/<folder>/...`. It is written beside the
target under a temporary name and renamed at the end: a failed backup leaves nothing.

Restoring checks the whole archive first (manifest, checksums, engine, migrations); only
then does it replace the database (SQLite's backup API into the live database, in one step;
`pg_restore --single-transaction`) and the folders (the new folder is put in place by
renaming, the old one removed after). Then it migrates, in case the backup is older than the
code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1


class BackupError(Exception):
    """Something that stops a backup or a restore, said so that a person can act on it."""


def folders() -> dict[str, Path]:
    """The folders a backup holds, by the name they have inside it."""
    return {
        "evidence": Path(settings.MEDIA_ROOT),
        "published": Path(settings.VAR_DIR) / "published",
    }


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    conf = connection.settings_dict
    args = ["--dbname", conf["NAME"]]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install PostgreSQL's client tools")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-800:]}")


def _dump_database(target: Path, engine: str) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        args, env = _pg_env()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
            ],
            env,
            "pg_dump",
        )


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def _row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


@dataclass
class Summary:
    path: Path
    engine: str
    rows: int
    files: int
    size: int
    tables: dict[str, int] = field(default_factory=dict)


def backup(path: str | Path) -> Summary:
    """Write a backup to `path` (a new file; a folder gets a dated name inside it)."""
    engine = _engine()
    path = Path(path)
    if path.is_dir():
        path = path / f"challengelog-{dt.datetime.now():%Y-%m-%d-%H%M%S}.tar.gz"
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new name, nothing was overwritten")
    if not path.parent.exists():
        raise BackupError(f"There is no folder {path.parent}")
    with tempfile.TemporaryDirectory(prefix="challengelog-backup-") as work:
        work = Path(work)
        database = work / ("database.sqlite3" if engine == "sqlite" else "database.pgdump")
        tables = _row_counts()
        _dump_database(database, engine)
        members: dict[str, str] = {database.name: _sha256(database)}
        partial = path.with_name(f".{path.name}.partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(database, arcname=database.name)
                for name, folder in folders().items():
                    if not folder.is_dir():
                        continue
                    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
                        arcname = f"files/{name}/{file.relative_to(folder).as_posix()}"
                        members[arcname] = _sha256(file)
                        archive.add(file, arcname=arcname)
                manifest = {
                    "format": FORMAT,
                    "engine": engine,
                    "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "migrations": _migrations(),
                    "tables": tables,
                    "members": members,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                info.mtime = int(dt.datetime.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
            partial.chmod(0o600)  # it holds everything: only its owner reads it
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Summary(
        path=path,
        engine=engine,
        rows=sum(tables.values()),
        files=len(members) - 1,
        size=path.stat().st_size,
        tables=tables,
    )


def _read(path: Path, work: Path) -> dict:
    """Unpack and check the whole archive before anything is touched."""
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}")
    try:
        with tarfile.open(path, "r:*") as archive:
            names = archive.getnames()
            if "manifest.json" not in names:
                raise BackupError(f"{path.name} is not a Challenge Log backup: no manifest.json")
            archive.extractall(work, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"{path.name} cannot be read as a backup: {exc}") from None
    try:
        manifest = json.loads((work / "manifest.json").read_text())
        members = dict(manifest["members"])
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path.name} has a damaged manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name} is a backup format this version does not know")
    for name, digest in members.items():
        member = work / name
        if not member.is_file():
            raise BackupError(f"{path.name} is incomplete: {name} is missing")
        if _sha256(member) != digest:
            raise BackupError(f"{path.name} is damaged: {name} does not match its checksum")
    extra = (
        {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()}
        - set(members)
        - {"manifest.json"}
    )
    if extra:
        raise BackupError(
            f"{path.name} holds files its manifest does not list: {sorted(extra)[:3]}"
        )
    return manifest


def _check_migrations(manifest: dict) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, name in manifest.get("migrations", {}).items()
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of Challenge Log (it has the migrations "
            f"{', '.join(sorted(unknown)[:3])}): upgrade first, then restore"
        )


def _restore_database(work: Path, engine: str) -> None:
    if engine == "sqlite":
        source = sqlite3.connect(work / "database.sqlite3")
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_env()
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(work / "database.pgdump"),
            ],
            env,
            "pg_restore",
        )


def _swap_folder(new: Path, live: Path) -> None:
    live.parent.mkdir(parents=True, exist_ok=True)
    old = live.with_name(f".{live.name}.before-restore")
    shutil.rmtree(old, ignore_errors=True)
    staged = live.with_name(f".{live.name}.restoring")
    shutil.rmtree(staged, ignore_errors=True)
    if new.is_dir():
        shutil.copytree(new, staged)
    else:
        staged.mkdir()
    if live.exists():
        live.rename(old)
    staged.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def restore(path: str | Path) -> Summary:
    from challengelog.register import versions

    engine = _engine()
    path = Path(path)
    number = versions.current()
    with tempfile.TemporaryDirectory(prefix="challengelog-restore-") as work:
        work = Path(work)
        manifest = _read(path, work)
        if manifest.get("engine") != engine:
            raise BackupError(
                f"{path.name} is a {manifest.get('engine')} backup and this installation uses "
                f"{engine}: restore it into a {manifest.get('engine')} installation"
            )
        _check_migrations(manifest)
        _restore_database(work, engine)
        for name, live in folders().items():
            _swap_folder(work / "files" / name, live)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    versions.move_past(number)  # figures kept from before the restore are not shown again
    tables = manifest.get("tables", {})
    return Summary(
        path=path,
        engine=engine,
        rows=sum(tables.values()),
        files=len(manifest["members"]) - 1,
        size=path.stat().st_size,
        tables=tables,
    )

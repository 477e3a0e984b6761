"""Backup and restore: back up, change things, restore, and every row of every table and
every file is as it was; a damaged, foreign or missing backup is refused and changes
nothing."""

import hashlib
import io
import json
import tarfile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from challengelog.accounts.models import User
from challengelog.ops.backup import BackupError, backup, folders, restore
from challengelog.register import services, versions
from challengelog.register.models import Agency, Challenge, DataVersion, Evidence


def snapshot() -> tuple[dict, dict]:
    """Every row of every table the product's models have, and every file with its hash."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        # The data version is the installation's own count of changes: a restore moves it on.
        if model._meta.managed and model is not DataVersion:
            rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values())
    files = {}
    for name, folder in folders().items():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            key = f"{name}/{path.relative_to(folder).as_posix()}"
            files[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return rows, files


@pytest.fixture
def full(transactional_db, published):
    """The seed, published (its downloads on disk), and a response with two evidence files."""
    lead = User.objects.create_user(email="lead@example.org", password="x" * 14)
    challenge = Challenge.objects.get(reference="144")
    services.respond(
        challenge=challenge,
        user=lead,
        agency=Agency.objects.get(slug="children-and-families-service"),
        text="Audit attached",
        files=[
            SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n%%EOF\n"),
            SimpleUploadedFile("figures.csv", b"a,b\n1,2\n"),
        ],
    )
    return challenge


def test_restore_brings_back_every_row_and_file(full, tmp_path):
    before = snapshot()
    assert before[1], "the published downloads and the evidence are on disk"
    assert any(key.startswith("evidence/") for key in before[1])
    summary = backup(tmp_path)
    assert summary.path.parent == tmp_path
    assert summary.files == len(before[1])
    counted = sum(len(r) for r in before[0].values())
    assert summary.rows == counted + summary.tables[DataVersion._meta.db_table]

    # Changes of every kind after the backup.
    Challenge.objects.filter(reference="144").update(text="Changed after the backup")
    Challenge.objects.get(reference="97").delete()
    User.objects.create_user(email="new@example.org", password="x" * 14)
    evidence = Evidence.objects.first()
    evidence.file.storage.delete(evidence.file.name)
    (folders()["evidence"] / "stray.txt").write_text("not in the backup")
    assert snapshot() != before

    number = versions.current()
    restored = restore(summary.path)
    assert restored.rows == summary.rows
    assert snapshot() == before
    # Past every number figures were kept under, not back to the one in the backup.
    assert versions.current() > number


def test_the_command_line_backs_up_and_restores(full, tmp_path, capsys):
    before = snapshot()
    target = tmp_path / "nightly.tar.gz"
    call_command("backup", str(target))
    assert f"to {target}" in capsys.readouterr().out
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target))
    Challenge.objects.filter(reference="144").update(text="Changed")
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(target))
    assert Challenge.objects.get(reference="144").text == "Changed"
    call_command("restore", str(target), "--yes")
    assert snapshot() == before


def _rewrite(source, target, change):
    """A copy of the backup with `change(name, bytes)` applied to each member."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def test_a_bad_backup_is_refused_and_nothing_changes(full, tmp_path):
    good = backup(tmp_path / "good.tar.gz").path
    Challenge.objects.filter(reference="144").update(text="Kept")
    before = snapshot()

    def manifest(edit):
        def change(name, data):
            if name != "manifest.json":
                return data
            content = json.loads(data)
            edit(content)
            return json.dumps(content).encode()

        return change

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[:5000])
    not_a_backup = tmp_path / "notes.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(
        good,
        tampered,
        lambda name, data: data + b"x" if name.startswith("files/evidence/") else data,
    )
    missing = tmp_path / "missing.tar.gz"
    _rewrite(good, missing, lambda name, data: None if name.startswith("database") else data)
    foreign = tmp_path / "foreign.tar.gz"
    _rewrite(good, foreign, manifest(lambda m: m.update(engine="oracle")))
    newer = tmp_path / "newer.tar.gz"
    _rewrite(good, newer, manifest(lambda m: m["migrations"].update(register="9999_future")))
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"PK\x03\x04 a spreadsheet, not a backup" * 100)
    empty = tmp_path / "empty.tar"
    empty.write_bytes(b"\x00" * 3000)  # an empty tar archive

    cases = {
        tmp_path / "nowhere.tar.gz": "There is no backup file",
        truncated: "cannot be read as a backup",
        not_a_backup: "is not a Challenge Log backup",
        tampered: "does not match its checksum",
        missing: "is incomplete",
        foreign: "is a oracle backup",
        newer: "made by a newer version of Challenge Log",
        garbage: "cannot be read as a backup",
        empty: "is not a Challenge Log backup",
    }
    for path, message in cases.items():
        with pytest.raises(BackupError, match=message):
            restore(path)
        assert snapshot() == before, path.name

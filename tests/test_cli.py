"""The `challengelog` command: Django's commands plus import and export."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from challengelog.register.models import Challenge, Partnership


def test_import_then_export_json(db, seed_path, tmp_path, capsys):
    call_command("import", str(seed_path), "--partnership", "southampton")
    out = capsys.readouterr().out
    assert "148 challenges read; 148 were created" in out
    assert "Challenge 77 has no action" in out
    target = tmp_path / "log.json"
    call_command("export", "--format", "json", "--output", str(target))  # the only partnership
    records = json.loads(target.read_text())
    assert len(records) == 148
    assert records[0]["reference"] == "144"


def test_import_dry_run_writes_nothing(db, seed_path, capsys):
    call_command("import", str(seed_path), "--partnership", "southampton", "--dry-run")
    assert "148 would be created" in capsys.readouterr().out
    assert not Challenge.objects.exists()


def test_import_failure_lists_problems_and_exits_nonzero(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("No,Date,Challenge,To\n1,32/01/2020,Text,Police\n2,notadate,Text,Police\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(bad), "--partnership", "x")
    out = capsys.readouterr().out
    assert "bad.csv, line 2, column “Date”: “32/01/2020” is not a real date" in out
    assert "bad.csv, line 3" in out
    assert not Partnership.objects.exists()


def test_partnership_may_be_left_out_only_when_there_is_one(db, seed_path):
    with pytest.raises(CommandError, match="no partnership yet"):
        call_command("import", str(seed_path))
    call_command("import", str(seed_path), "--partnership", "one")
    call_command("import", str(seed_path))  # the only one: fine
    call_command("import", str(seed_path), "--partnership", "two")
    with pytest.raises(CommandError, match="several partnerships"):
        call_command("export", "--format", "csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_formats(seeded, tmp_path, fmt):
    target = tmp_path / f"log.{fmt}"
    call_command("export", "--partnership", "southampton", "--format", fmt, "--output", str(target))
    assert target.stat().st_size > 10_000


def test_the_console_script_runs_django_commands(tmp_path):
    env = {**os.environ, "CHALLENGELOG_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "challengelog", "help", "import"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "--dry-run" in result.stdout
    assert "--map" in result.stdout


def test_createadmin_prints_a_password_once(db, capsys):
    from challengelog.accounts.models import Membership, User

    Partnership.objects.create(name="P", slug="p")
    call_command("createadmin", "--email", "Boss@Example.org")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    user = User.objects.get()
    assert user.email == "boss@example.org"
    assert user.check_password(password)
    assert len(password) >= 16
    assert Membership.objects.get(user=user).role == "administrator"
    call_command("createadmin")
    assert "no administrator created" in capsys.readouterr().out
    assert User.objects.count() == 1

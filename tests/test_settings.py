"""Settings from the environment, with safe defaults."""

import os
import subprocess
import sys


def _settings(tmp_path, **env):
    code = (
        "import json, django.conf as c, challengelog.settings as s;"
        "print(json.dumps({'key': s.SECRET_KEY, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS,"
        "'engine': s.DATABASES['default']['ENGINE'],"
        "'options': s.DATABASES['default'].get('OPTIONS', {})}))"
    )
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environ.update(CHALLENGELOG_VAR_DIR=str(tmp_path), **env)
    import json

    out = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_defaults_are_safe_and_the_key_is_kept(tmp_path):
    first = _settings(tmp_path)
    assert first["debug"] is False
    assert first["hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert first["engine"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in first["options"]["init_command"]
    assert first["options"]["transaction_mode"] == "IMMEDIATE"
    assert len(first["key"]) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert _settings(tmp_path)["key"] == first["key"]


def test_environment_overrides(tmp_path):
    got = _settings(
        tmp_path,
        SECRET_KEY="k" * 50,
        DEBUG="true",
        ALLOWED_HOSTS="log.example.org, www.example.org",
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
    )
    assert got["key"] == "k" * 50
    assert got["debug"] is True
    assert got["hosts"] == ["log.example.org", "www.example.org"]
    assert got["engine"] == "django.db.backends.postgresql"
    assert not (tmp_path / "secret_key").exists()

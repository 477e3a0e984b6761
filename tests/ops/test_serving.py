"""Production serving: `challengelog serve` refuses to start until SECRET_KEY and
ALLOWED_HOSTS are set, then runs gunicorn with WhiteNoise; `check --deploy` is clean with
those settings; every answer carries the security headers; sessions end when left alone."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import time_machine
from django.core.management import CommandError, call_command

from challengelog.ops.management.commands.serve import problems

STRONG = "k" + "x7Qz-2mN_p4Lr9sT0vW3yB6dF8hJ1kA5cE7gI9oU2eR4tY6uP8aS0dG3fH5jK7lZ"


def _env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("DATABASE_URL", "DEBUG", "HTTPS", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        CHALLENGELOG_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="challengelog.example.org,127.0.0.1",
        DEBUG="false",
        **extra,
    )
    return env


def test_the_settings_a_deployment_needs_are_named():
    assert problems({"SECRET_KEY": STRONG, "ALLOWED_HOSTS": "a.example.org"}) == []
    missing = problems({})
    assert [p.split(" ")[0] for p in missing] == ["SECRET_KEY", "ALLOWED_HOSTS"]
    assert "too weak" in problems({"SECRET_KEY": "short", "ALLOWED_HOSTS": "a"})[0]
    assert "too weak" in problems({"SECRET_KEY": "a" * 60, "ALLOWED_HOSTS": "a"})[0]
    assert problems({"SECRET_KEY": STRONG, "ALLOWED_HOSTS": "*"}) == [
        "ALLOWED_HOSTS must name the hosts, not *"
    ]


def test_serve_refuses_to_start_and_says_why(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--check")
    assert "Not starting" in str(refused.value)
    assert "SECRET_KEY is not set" in str(refused.value)
    assert "ALLOWED_HOSTS is not set" in str(refused.value)


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "challengelog", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_gunicorn_serves_pages_and_compressed_static_files(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "challengelog", "serve", "--bind", f"127.0.0.1:{port}"],
        env=_env(tmp_path, WEB_CONCURRENCY="2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                page = _get(f"{base}/log/", **{"X-Forwarded-Proto": "https"})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(server.stdout.read().decode()[-3000:])
                time.sleep(0.5)
        assert page.status == 200
        assert page.headers["Server"].startswith("gunicorn")
        assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
        html = page.read().decode()
        # Plain http is sent to https (the proxy says which it was).
        plain = _get(f"{base}/log/")
        assert plain.status == 301
        assert plain.headers["Location"] == f"https://127.0.0.1:{port}/log/"
        # Static files: hashed names, cached for ever, compressed.
        css = html.split('rel="stylesheet" href="')[1].split('"')[0]
        assert css.startswith("/static/govuk/govuk-frontend.min.")
        assert css != "/static/govuk/govuk-frontend.min.css"
        styles = _get(base + css, **{"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"})
        assert styles.status == 200
        assert styles.headers["Content-Encoding"] == "gzip"
        assert "immutable" in styles.headers["Cache-Control"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_answer_carries_the_security_headers(client, as_user):
    public = client.get("/log/")
    assert public["Content-Security-Policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in public["Content-Security-Policy"]
    assert "camera=()" in public["Permissions-Policy"]
    assert public["Referrer-Policy"] == "same-origin"
    assert public["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in public.get("Cache-Control", "")
    staff = as_user("chair").get("/staff/southampton/log/144/")
    assert staff.status_code == 200
    assert staff["Cache-Control"] == "no-store"
    assert "unsafe-inline" not in client.get("/api/docs/")["Content-Security-Policy"]


def test_a_session_ends_after_half_an_hour_without_a_request(as_user):
    start = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = as_user("chair")
        assert client.get("/work/").status_code == 200
        # Busy: a request every 20 minutes keeps the session for two hours.
        for _ in range(6):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/work/").status_code == 200
        # Left for 31 minutes: signed out.
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/work/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")

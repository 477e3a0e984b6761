"""`challengelog serve`: the production server. It refuses to start until the settings a real
deployment needs are set, then migrates, collects the static files (compressed, with hashed
names) and runs gunicorn, which serves the pages and, through WhiteNoise, the static files."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def problems(environ=os.environ) -> list[str]:
    """What stops this installation being served in production, each said with its remedy."""
    found = []
    key = environ.get("SECRET_KEY", "")
    if not key:
        found.append(
            "SECRET_KEY is not set: make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and keep it with "
            "your other secrets (sessions and links are signed with it)"
        )
    elif len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        found.append("SECRET_KEY is too weak: use at least 50 random characters")
    hosts = [h.strip() for h in environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        found.append(
            "ALLOWED_HOSTS is not set: name the host names people use, comma-separated "
            "(for example challengelog.example.gov.uk)"
        )
    elif "*" in hosts:
        found.append("ALLOWED_HOSTS must name the hosts, not *")
    if settings.DEBUG:
        found.append("DEBUG is on: debug pages show settings and code to anyone; turn it off")
    return found


class Command(BaseCommand):
    help = (
        "Serve Challenge Log in production with gunicorn and WhiteNoise. Needs SECRET_KEY and "
        "ALLOWED_HOSTS, and DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("BIND", "127.0.0.1:8000"),
            help="Address and port (BIND; default 127.0.0.1:8000, behind a proxy)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", 0)) or min(2 * os.cpu_count() + 1, 9),
            help="gunicorn worker processes (WEB_CONCURRENCY; default 2 x cores + 1, at most 9)",
        )
        parser.add_argument(
            "--check", action="store_true", help="Check the settings only, then stop"
        )

    def handle(self, *args, bind, workers, check, **options):
        found = problems()
        if found:
            raise CommandError(
                "Not starting: this is not set up for production.\n"
                + "\n".join(f"  - {p}" for p in found)
            )
        if check:
            self.stdout.write("Ready to serve.")
            return
        import subprocess

        env = {**os.environ, "STATIC_MANIFEST": "true"}
        # The API is JSON only and its documentation is Swagger UI: the browsable API's and
        # ReDoc's files are not needed.
        collect = ["collectstatic", "--noinput", "-v0", "--ignore", "redoc"]
        collect += ["--ignore", "rest_framework"]
        for step in (["migrate", "--noinput"], collect):
            result = subprocess.run([sys.executable, "-m", "challengelog", *step], env=env)
            if result.returncode:
                raise CommandError(f"`challengelog {' '.join(step)}` failed: not starting")
        self.stdout.write(f"Serving on {bind} with {workers} workers")
        sys.stdout.flush()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "challengelog.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        ]
        os.execve(sys.executable, command, env)

"""A bounded load test: simulated people using Challenge Log at once, against the production
server (`challengelog serve`: gunicorn and WhiteNoise) on loopback. It stops by itself.

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--challenges 10000] [--think 0]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/challengelog_load .venv/bin/python bench/load.py

Without DATABASE_URL it uses a fresh SQLite file in a temporary folder; with it, the database
named (created when missing, and filled: use one kept for this). The mix, per request:

- 70% public pages and searches: the log's first page, a filtered page, a search, a
  challenge's page, an agency's page;
- 10% downloads: the public log as CSV or JSON, filtered to one year;
- 15% staff reads: the internal log and a challenge's internal page;
- 5% staff edits: recording progress on an open challenge (its form first, then the POST);
- and one import of 1,000 rows (`challengelog import`) a quarter of the way through.

It prints throughput, p50/p95/p99 latency and errors, overall and per kind, and then checks in
the database that every progress update the server confirmed is there exactly once and that
the import is whole."""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "load test password 1"
# Marks this run's progress updates, so a database kept from an earlier run is checked fairly.
RUN = secrets.token_hex(3)
SLUG = "bench-1"
EXPECTED = {"public": 200, "download": 200, "staff read": 200, "staff edit": 302}
WORDS = ["attendance", "neglect", "supervision", "domestic abuse", "training", "audit", "data"]


def setup(challenges: int, env: dict) -> None:
    """Migrate, generate the log, make the people, and write the file to import; in a child
    process, so that this one holds no database connection while the server runs."""
    code = f"""
import sys
sys.path.insert(0, {str(ROOT / "bench")!r})
from generate import generate, setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from challengelog.register.models import Partnership
if not Partnership.objects.filter(slug={SLUG!r}).exists():
    generate({challenges}, 1)
from challengelog.accounts.models import Membership, User
partnership = Partnership.objects.get(slug={SLUG!r})
for n in range(60):
    user, made = User.objects.get_or_create(email=f"chair{{n}}@load.example.org")
    if made:
        user.set_password({PASSWORD!r})
        user.save()
        Membership.objects.create(user=user, partnership=partnership, role="chair")
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def import_file(path: Path) -> None:
    """1,000 rows made from the seed log's rows, with new references."""
    from importlib.resources import files

    seed = (
        files("challengelog.demo")
        .joinpath("southampton-lscb-challenge-log-2013-2017.txt")
        .read_text(encoding="utf-8")
    )
    lines = [line for line in seed.splitlines() if "\t" in line]
    header, rows = lines[0], lines[1:]
    out = [header]
    for n in range(1000):
        cells = rows[n % len(rows)].split("\t")
        cells[0] = str(n + 1)
        out.append("\t".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Person:
    """One simulated person: a connection, cookies, and what they did."""

    def __init__(self, port: int, number: int, rng: random.Random):
        self.port = port
        self.rng = rng
        self.number = number
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # gunicorn closes after each answer: open again
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, content

    def sign_in(self) -> None:
        self.request("GET", "/sign-in/")
        status, _ = self.request(
            "POST",
            "/sign-in/",
            {
                "username": f"chair{self.number}@load.example.org",
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302:
            raise RuntimeError(f"person {self.number} could not sign in ({status})")


def run(port, users, seconds, references, open_refs, years, think=0.0):
    results: list[tuple[str, int, float]] = []
    confirmed: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def person(number: int) -> None:
        rng = random.Random(number)
        me = Person(port, number, rng)
        me.sign_in()
        done = 0
        while time.monotonic() < stop:
            if think:
                time.sleep(rng.uniform(0, 2 * think))  # reading the page before the next
            r = rng.random()
            reference = rng.choice(references)
            if r < 0.70:
                kind = "public"
                path = rng.choice(
                    [
                        f"/{SLUG}/log/",
                        f"/{SLUG}/log/?status=open&year={rng.choice(years)}",
                        f"/{SLUG}/log/?q={rng.choice(WORDS).replace(' ', '+')}",
                        f"/{SLUG}/log/{reference}/",
                        f"/{SLUG}/log/agencies/",
                    ]
                )
                method, body = "GET", None
            elif r < 0.80:
                kind = "download"
                path = (
                    f"/{SLUG}/log/download.{rng.choice(['csv', 'json'])}?year={rng.choice(years)}"
                )
                method, body = "GET", None
            elif r < 0.95:
                kind = "staff read"
                path = rng.choice([f"/staff/{SLUG}/log/", f"/staff/{SLUG}/log/{reference}/"])
                method, body = "GET", None
            else:
                kind = "staff edit"
                path = f"/staff/{SLUG}/log/{rng.choice(open_refs)}/progress/"
                began = time.perf_counter()
                status, page = me.request("GET", path)
                if status != 200:  # an open challenge's form must be there
                    with lock:
                        results.append((kind, status, time.perf_counter() - began))
                    continue
                fields = dict(
                    re.findall(rb'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
                )
                text = f"load {RUN} {number}-{done} {secrets.token_hex(4)}"
                body = {k.decode(): v.decode() for k, v in fields.items()}
                body.update(text=text, date=time.strftime("%d/%m/%Y"))
                status, _ = me.request("POST", path, body)
                elapsed = time.perf_counter() - began
                with lock:
                    results.append((kind, status, elapsed))
                    if status == 302:
                        confirmed.append(text)
                done += 1
                continue
            began = time.perf_counter()
            try:
                status, _ = me.request(method, path, body)
            except OSError:
                status = 0
            with lock:
                results.append((kind, status, time.perf_counter() - began))
            done += 1

    threads = [threading.Thread(target=person, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    return threads, results, confirmed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="mean seconds each person waits between requests (0: none, a stress test)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="challengelog-load-"))
    env = {
        **os.environ,
        "CHALLENGELOG_VAR_DIR": str(work),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "false",
        "DJANGO_SETTINGS_MODULE": "challengelog.settings",
        "SIGN_IN_ATTEMPTS": "1000",
        # Password sign-in only: the second step is not what is measured here.
        "TWO_FACTOR_ROLES": "",
    }
    database = env.get("DATABASE_URL", f"SQLite in {work}")
    print(f"Setting up {args.challenges:,} challenges ({database.split('@')[-1]})…", flush=True)
    setup(args.challenges, env)
    rows = work / "import.txt"
    import_file(rows)

    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from challengelog.register.models import Challenge, ProgressUpdate

    open_refs = list(
        Challenge.objects.filter(partnership__slug=SLUG, status="open").values_list(
            "reference", flat=True
        )[:2000]
    )
    references = open_refs + list(
        Challenge.objects.filter(partnership__slug=SLUG).values_list("reference", flat=True)[:2000]
    )
    years = sorted(
        {
            d.year
            for d in Challenge.objects.filter(partnership__slug=SLUG).dates("date_raised", "year")
        }
    )
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "challengelog",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/log/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
        print(
            f"{args.users} people (thinking {args.think:g} s) for {args.seconds:.0f} s against "
            "gunicorn "
            f"({args.workers} workers) on 127.0.0.1:{port}",
            flush=True,
        )
        began = time.monotonic()
        threads, results, confirmed = run(
            port, args.users, args.seconds, references, open_refs, years, args.think
        )
        time.sleep(args.seconds / 4)
        importing = time.perf_counter()
        imported = subprocess.run(
            [
                sys.executable,
                "-m",
                "challengelog",
                "import",
                str(rows),
                "--partnership",
                "load-import",
                "--name",
                "Load import",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        import_seconds = time.perf_counter() - importing
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - began
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    by_kind: dict[str, list[tuple[int, float]]] = defaultdict(list)
    statuses: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for kind, status, seconds in results:
        by_kind[kind].append((status, seconds))
        statuses[kind].append((kind, status))
        statuses["all"].append((kind, status))
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(
        f"{'kind':<12} {'requests':>9} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>7}"
    )
    for kind in ["public", "download", "staff read", "staff edit", "all"]:
        rows_ = [r for k, v in by_kind.items() for r in v] if kind == "all" else by_kind[kind]
        if not rows_:
            continue
        times = [s * 1000 for _, s in rows_]
        # Every page must come whole (200: a redirect to sign in is an error), every edit
        # must be confirmed (302 back to the challenge).
        errors = sum(1 for k, status in statuses[kind] if status != EXPECTED[k])
        print(
            f"{kind:<12} {len(rows_):>9,} {len(rows_) / elapsed:>7.1f} "
            f"{statistics.median(times):>7.0f} {percentile(times, 95):>7.0f} "
            f"{percentile(times, 99):>7.0f} {errors:>7}"
        )
    print(
        f"\nImport of 1,000 rows during the run: "
        f"{'done' if imported.returncode == 0 else 'FAILED'} in {import_seconds:.1f} s"
    )

    django.db.connections.close_all()
    stored = list(
        ProgressUpdate.objects.filter(text__startswith=f"load {RUN} ").values_list(
            "text", flat=True
        )
    )
    lost = set(confirmed) - set(stored)
    duplicated = len(stored) - len(set(stored))
    unconfirmed = set(stored) - set(confirmed)
    imported_rows = Challenge.objects.filter(partnership__slug="load-import").count()
    print(
        f"Writes confirmed: {len(confirmed)}; in the database: {len(stored)}; lost: "
        f"{len(lost)}; duplicated: {duplicated}; stored without confirmation: "
        f"{len(unconfirmed)}; imported rows: {imported_rows:,} of 1,000"
    )
    if lost or duplicated or imported_rows not in (0, 1000) or imported.returncode:
        raise SystemExit("Something was lost, duplicated or half-imported")


if __name__ == "__main__":
    main()

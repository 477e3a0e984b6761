"""Server time of the insight pages with a large log (default 100,000 challenges) in a fresh
SQLite database (or DATABASE_URL): the dashboard, the annual-report pack as JSON (the whole
log and one reporting year), and the public summary. Requests go through Django's full stack
in-process, each with nothing kept from the one before (the first look after a change).
Also how long finding the recurring concerns takes, which is done once after the log changes
and stored. Prints median and 95th percentile.

    .venv/bin/python bench/insights_bench.py [--rows 100000] [--repeat 10]
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="time the log already in CHALLENGELOG_VAR_DIR"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ and not args.reuse:
        os.environ["CHALLENGELOG_VAR_DIR"] = tempfile.mkdtemp(prefix="challengelog-bench-")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # Plain HTTP in-process, and no second sign-in step: neither is what is measured.
    os.environ["HTTPS"] = "false"
    os.environ["TWO_FACTOR_ROLES"] = ""
    from generate import generate, setup_django

    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from challengelog.accounts.models import User
    from challengelog.insights.services import refresh_recurring
    from challengelog.register.models import Partnership

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    reused = args.reuse and Partnership.objects.filter(slug="bench-1").exists()
    if not reused:
        generate(args.rows)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {connection.vendor}"
    )
    if reused:
        print(f"timing the log already there: {Partnership.objects.get(slug='bench-1')}")
    else:
        took = time.perf_counter() - began
        print(f"generated {args.rows:,} challenges (themes suggested) in {took:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    partnership = Partnership.objects.get(slug="bench-1")
    if not reused:
        began = time.perf_counter()
        found = len(refresh_recurring(partnership))
        print(
            f"recurring concerns found once after a change: {found} groups "
            f"in {time.perf_counter() - began:.1f} s"
        )
    # A server process does not carry the generator's objects: leave them to the collector.
    gc.collect()
    admin = User.objects.filter(email="bench@example.org").first() or User.objects.create_superuser(
        email="bench@example.org", password="bench-password-1"
    )
    client = Client()
    client.force_login(admin)
    pages = {
        "dashboard (whole log)": "/staff/bench-1/dashboard/",
        "dashboard (one reporting year)": "/staff/bench-1/dashboard/?ryear=2020",
        "report JSON (whole log)": "/staff/bench-1/report.json",
        "report JSON (one reporting year)": "/staff/bench-1/report.json?ryear=2020",
        "public summary": "/bench-1/log/summary/",
    }
    print(f"{'page':36} {'median ms':>10} {'p95 ms':>8}")
    for name, url in pages.items():
        # Once untimed: the process's first request of a page compiles its templates, and the
        # first read after the generation folds its counts in (PostgreSQL).
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeat):
            cache.clear()  # each look the first after a change: nothing kept from the last
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(f"{name:36} {statistics.median(times):10.0f} {p95:8.0f}")


if __name__ == "__main__":
    main()

"""Server time of the log's pages with a large log (default 100,000 challenges) in a fresh
SQLite database (or DATABASE_URL): the first page, a filtered page, searches, a later page,
a challenge page and an agency page. Requests go through Django's full stack in-process, so
the figures are server time without the network. Prints median and 95th percentile.

    .venv/bin/python bench/pages_bench.py [--rows 100000] [--repeat 30]
"""

import argparse
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
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["CHALLENGELOG_VAR_DIR"] = tempfile.mkdtemp(prefix="challengelog-bench-")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    from generate import generate, setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    generate(args.rows)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {connection.vendor} "
        f"{connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
    )
    print(f"generated {args.rows:,} challenges in {time.perf_counter() - began:.0f} s")
    # Fresh statistics, as a running database keeps them (PostgreSQL's autovacuum would).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    base = "/bench-1/log/"
    later = client.get(base + "?status=assured")
    after = later.content.decode().split('href="?status=assured&amp;after=')[1].split('"')[0]
    pages = {
        "first page": base,
        "filtered (agency, status, year)": base + "?agency=children-and-families-service"
        "&status=open&year=2020",
        "filtered (risk, raised by)": base + "?risk=not_recorded&raised_by=independent-chair",
        "search: attendance": base + "?q=attendance",
        "search: Section 11 + open": base + "?q=Section+11&status=open",
        "search: e-safety policy": base + "?q=e-safety+policy",
        "next page (keyset)": base + f"?status=assured&after={after}",
        "challenge page": base + "54321/",
        "agency page": base + "agencies/children-and-families-service/",
    }
    print(f"{'page':36} {'median':>9} {'p95':>9}")
    for label, url in pages.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{label:36} {statistics.median(times):7.1f}ms {p95:7.1f}ms")


if __name__ == "__main__":
    main()

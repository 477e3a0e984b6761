"""Server time of the follow-up pages and of `challengelog remind` with a large log (default
100,000 challenges) in a fresh SQLite database (or DATABASE_URL): a chair's home page (with the
challenges past their escalation timescale), the forward plan, the papers of the busiest
forum's next meeting (page and Word), a challenge page, and one run of remind. Requests go
through Django's full stack in-process. Prints median and 95th percentile.

    .venv/bin/python bench/followup_bench.py [--rows 100000] [--repeat 10] [--reuse]
"""

import argparse
import datetime as dt
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
    from generate import generate, setup_django

    setup_django()
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from challengelog.accounts.models import Membership, User
    from challengelog.followup import notices
    from challengelog.followup.models import Meeting
    from challengelog.register.models import Challenge, Partnership

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    reused = args.reuse and Partnership.objects.filter(slug="bench-1").exists()
    if not reused:
        generate(args.rows)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {connection.vendor}"
    )
    if not reused:
        print(f"generated {args.rows:,} challenges in {time.perf_counter() - began:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    partnership = Partnership.objects.get(slug="bench-1")
    today = timezone.localdate()
    busiest = (
        Challenge.objects.filter(partnership=partnership, status="open", forum__isnull=False)
        .values("forum")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    meeting, _ = Meeting.objects.get_or_create(
        partnership=partnership,
        forum_id=busiest["forum"],
        date=today + dt.timedelta(days=14),
    )
    gc.collect()
    chair = User.objects.filter(email="bench-chair@example.org").first()
    if chair is None:
        chair = User.objects.create_user(email="bench-chair@example.org", password="x" * 16)
        Membership.objects.create(user=chair, partnership=partnership, role="chair")
    client = Client()
    client.force_login(chair)
    open_one = Challenge.objects.filter(partnership=partnership, status="open").last()
    print(f"papers of {meeting}: {busiest['n']:,} open challenges on them")
    pages = {
        "home page (chair)": "/work/",
        "forward plan": "/staff/bench-1/meetings/",
        "meeting papers (page)": f"/staff/bench-1/meetings/{meeting.pk}/",
        "meeting papers (Word)": f"/staff/bench-1/meetings/{meeting.pk}/papers.docx",
        "challenge page": f"/staff/bench-1/log/{open_one.reference}/",
    }
    print(f"{'page':36} {'median ms':>10} {'p95 ms':>8}")
    for name, url in pages.items():
        times = []
        repeat = args.repeat if "papers" not in name else max(2, args.repeat // 5)
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(f"{name:36} {statistics.median(times):10.0f} {p95:8.0f}")
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    for run in ("first", "second"):
        started = time.perf_counter()
        made = notices.collect(today)
        made += notices.make_digests(today)
        sent = notices.deliver().sent
        took = (time.perf_counter() - started) * 1000
        print(f"remind, {run} run: {made} notices made, {sent} sent in {took:.0f} ms")


if __name__ == "__main__":
    main()

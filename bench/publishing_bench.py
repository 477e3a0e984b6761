"""Publishing speed: building the PDF of the published 148-challenge seed log, a whole
publish (redaction and every download), and a public page answered from its ETag (304)
and in full. Prints the figures.

    .venv/bin/python bench/publishing_bench.py [--repeat 5]
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
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ["CHALLENGELOG_VAR_DIR"] = tempfile.mkdtemp(prefix="challengelog-bench-")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    from generate import setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from challengelog.publishing import downloads, services
    from challengelog.register.models import Partnership

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    partnership = Partnership.objects.get(slug="southampton")
    publication = partnership.publications.first()
    records = services.published_records(partnership.published.all())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )

    def timed(label, func, repeat, unit="s"):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        scale = 1000 if unit == "ms" else 1
        print(
            f"{label:44} median {statistics.median(times) * scale:8.2f} {unit}  "
            f"best {min(times) * scale:8.2f} {unit}"
        )

    timed(
        "PDF of the 148-challenge log",
        lambda: downloads.to_pdf(
            records, partnership_name=partnership.name, published=publication.published_at
        ),
        args.repeat,
    )
    timed(
        "publish everything (redaction + 4 downloads)",
        lambda: services.publish(partnership=partnership, label="bench"),
        args.repeat,
    )
    client = Client()
    first = client.get("/southampton/log/")
    etag = first["ETag"]
    timed(
        "public log page, conditional (304)",
        lambda: client.get("/southampton/log/", HTTP_IF_NONE_MATCH=etag),
        200,
        "ms",
    )
    timed("public log page, full", lambda: client.get("/southampton/log/"), 100, "ms")
    timed(
        "whole-log CSV download (built at publish)",
        lambda: client.get("/southampton/log/download.csv"),
        100,
        "ms",
    )


if __name__ == "__main__":
    main()

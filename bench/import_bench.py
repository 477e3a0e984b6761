"""Import speed: the seed log (148 rows) and a generated log of 10,000 rows, each into a fresh
SQLite database, normalisation and the quality report included. Prints the figures.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--repeat 3]
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from importlib.resources import files


def generated_log(rows: int, seed_text: str) -> bytes:
    """A log in the seed's own text format, its cells recombined from the seed's rows."""
    lines = [line.split("\t") for line in seed_text.split("\n") if "\t" in line]
    header, data = lines[0], [cells for cells in lines[1:] if len(cells) == 10]
    rng = random.Random(20261126)
    out = ["Challenge Log", "", "\t".join(header)]
    for number in range(rows, 0, -1):
        cells = [rng.choice(data)[i] for i in range(10)]
        cells[0] = str(number)
        year = 2006 + (number * 19) // rows
        cells[1] = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
        cells[3] = f"{cells[3]} (case {number})"
        out.append("\t".join(cells))
        if number % 12 == 0:
            out += ["", "Challenge Log", ""]
    return "\n".join(out).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ.pop("DATABASE_URL", None)
    os.environ["CHALLENGELOG_VAR_DIR"] = tempfile.mkdtemp(prefix="challengelog-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "challengelog.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from challengelog.importing.services import import_file
    from challengelog.register.models import Partnership

    call_command("migrate", verbosity=0)
    seed = files("challengelog.demo").joinpath("southampton-lscb-challenge-log-2013-2017.txt")
    seed_bytes = seed.read_bytes()
    big = generated_log(args.rows, seed_bytes.decode())

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    for label, name, data in (
        ("seed log (148 rows)", "seed.txt", seed_bytes),
        (f"generated log ({args.rows:,} rows)", "big.txt", big),
    ):
        times = []
        for run in range(args.repeat):
            slug = f"bench-{len(times)}-{run}-{name.split('.')[0]}"
            start = time.perf_counter()
            report = import_file(name=name, data=data, partnership=slug)
            times.append(time.perf_counter() - start)
            if not report.ok:
                sys.exit(f"import failed: {report.problems[:3]}")
            Partnership.objects.filter(slug=slug).delete()
        reimport_slug = f"bench-re-{name.split('.')[0]}"
        import_file(name=name, data=data, partnership=reimport_slug)
        start = time.perf_counter()
        report = import_file(name=name, data=data, partnership=reimport_slug)
        again = time.perf_counter() - start
        if not report.ok or len(report.unchanged) != report.rows_read:
            sys.exit(f"re-import changed something: {report.summary()}")
        print(
            f"{label}: import median {statistics.median(times):.2f} s "
            f"(best {min(times):.2f} s of {args.repeat}); re-import unchanged {again:.2f} s"
        )


if __name__ == "__main__":
    main()

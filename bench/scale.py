"""Scale: a generated log of N challenges (bench/generate.py) on SQLite or PostgreSQL, and what
each page costs the server, cold and warm; the downloads; an import of 10,000 rows; and, over
HTTP on loopback, requests per second of the public pages beside Datasette's equivalent pages
on the same SQLite file. Results go to bench/results/<database>-<N>.json and are printed;
`--readme` rewrites the README's results table from every results file.

    .venv/bin/python bench/scale.py --size 100000                      # SQLite
    .venv/bin/python bench/scale.py --size 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/challengelog_scale  # PostgreSQL
    .venv/bin/python bench/scale.py --readme

`make bench-scale` runs 10,000 and 100,000 on SQLite and on PostgreSQL (when one answers at
127.0.0.1:5432) and rewrites the README. The PostgreSQL database named is dropped and made
again, unless `--keep DIR` is given: then the generated log (and, on SQLite, its database
file) is kept with DIR as the data folder, and a later run with the same `--keep DIR` and size
measures it again without generating it anew. Datasette is installed by
`pip install -e '.[bench]'`.

Cold: the page built (the public page cache emptied before each request). Warm: the same
address asked again (public pages from the cache; staff pages are built every time). Server
time is measured in-process through Django's whole stack (no network), `--repeat` times each.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import math
import os
import platform
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
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))
SLUG = "bench-1"
ADMIN = "scale-admin@example.org"
BEGIN, END = "<!-- scale results: begin -->", "<!-- scale results: end -->"


def percentile(values: list[float], pct: float) -> float:
    """Nearest rank: of 30 values, the p95 is the 29th."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * pct / 100) - 1)]


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def prepare_environment(database: str, keep: str | None = None) -> dict:
    """The environment the runs share. With keep, DIR is the data folder and an existing
    PostgreSQL database is kept for build() to reuse."""
    env = {
        "DJANGO_SETTINGS_MODULE": "challengelog.settings",
        "TWO_FACTOR_ROLES": "",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "HTTPS": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        env["CHALLENGELOG_VAR_DIR"] = str(Path(keep).resolve())
    else:
        env["CHALLENGELOG_VAR_DIR"] = tempfile.mkdtemp(prefix="challengelog-scale-")
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = database
        import psycopg

        url = urlsplit(database)
        name = url.path.lstrip("/")
        admin = database.replace(url.path, "/postgres")
        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and not keep:
                connection.execute(f'DROP DATABASE "{name}"')
            if not exists or not keep:
                connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(env)
    return env


def kept_build(size: int) -> dict | None:
    """What an earlier build of this size in the same data folder took, if it is all there."""
    from challengelog.accounts.models import User
    from challengelog.publishing.models import Publication
    from challengelog.register.models import Challenge

    record = Path(os.environ["CHALLENGELOG_VAR_DIR"]) / "scale-build.json"
    if not record.exists():
        return None
    built = json.loads(record.read_text())
    publication = Publication.objects.filter(partnership__slug=SLUG).first()
    if (
        built.get("size") != size
        or not User.objects.filter(email=ADMIN).exists()
        or publication is None
        or not all(Path(path).exists() for path in (publication.files or {}).values())
        or Challenge.objects.filter(partnership__slug=SLUG).count() != size
    ):
        return None
    return built["build"]


def build(size: int, keep: bool = False) -> dict:
    """Migrate, generate, make the whole-log CSV and JSON, and an administrator; with keep,
    reuse an earlier build of the same size in the same data folder."""
    from django.core.management import call_command
    from generate import generate

    from challengelog.accounts.models import Membership, User
    from challengelog.publishing import downloads
    from challengelog.publishing.models import PublishedChallenge
    from challengelog.publishing.services import iter_published_records
    from challengelog.register.models import Partnership

    call_command("migrate", verbosity=0)
    if keep and (earlier := kept_build(size)):
        print("  reusing the log generated earlier", flush=True)
        settle()
        return earlier
    User.objects.filter(email=ADMIN).delete()
    began = time.perf_counter()
    generate(size)
    generated = time.perf_counter() - began
    partnership = Partnership.objects.get(slug=SLUG)
    publication = partnership.publications.first()
    folder = Path(os.environ["CHALLENGELOG_VAR_DIR"]) / "published"
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    files = {}
    for fmt, stream in downloads.STREAMS.items():
        path = folder / f"whole.{fmt}"
        with path.open("wb") as handle:
            rows = PublishedChallenge.objects.filter(partnership=partnership)
            for piece in stream(iter_published_records(rows)):
                handle.write(piece)
        files[fmt] = str(path)
    publication.files = files
    publication.save(update_fields=["files"])
    whole_files = time.perf_counter() - began
    user = User.objects.create_user(email=ADMIN, password="scale password 1")
    Membership.objects.create(user=user, partnership=partnership, role="administrator")
    settle()
    figures = {"generate_s": round(generated, 1), "whole_csv_json_s": round(whole_files, 1)}
    record = Path(os.environ["CHALLENGELOG_VAR_DIR"]) / "scale-build.json"
    record.write_text(json.dumps({"size": size, "build": figures}) + "\n")
    return figures


def settle() -> None:
    """The planner's statistics, and on PostgreSQL the dead rows a generation or a migration
    left (a million search documents rewritten) cleared, as autovacuum would have done by the
    time anyone reads a log this size: measured otherwise, the pages read past them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def page_addresses(client) -> dict[str, tuple[str, bool]]:
    from challengelog.register.models import Agency, Challenge

    agency = Agency.objects.filter(partnership__slug=SLUG, slug="children-and-families-service")
    agency_slug = agency.first().slug if agency.exists() else ""
    reference = (
        Challenge.objects.filter(partnership__slug=SLUG)
        .order_by("reference_number")
        .values_list("reference", flat=True)
    )
    middle = reference[max(0, reference.count() // 2)]
    year = dt.date.today().year - 5
    base = f"/{SLUG}/log/"
    return {
        "public: first page": (base, False),
        "public: filtered (agency, status, year)": (
            f"{base}?agency={agency_slug}&status=open&year={year}",
            False,
        ),
        "public: search 'attendance'": (f"{base}?q=attendance", False),
        "public: search 'Section 11' + open": (f"{base}?q=Section+11&status=open", False),
        "public: search 'e-safety policy'": (f"{base}?q=e-safety+policy", False),
        "public: a challenge": (f"{base}{middle}/", False),
        "staff: internal log": (f"/staff/{SLUG}/log/", True),
        "staff: internal log, search": (f"/staff/{SLUG}/log/?q=attendance", True),
        "staff: a challenge": (f"/staff/{SLUG}/log/{middle}/", True),
        "staff: dashboard": (f"/staff/{SLUG}/dashboard/", True),
    }


def time_pages(repeat: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from challengelog.accounts.models import User

    public, staff = Client(), Client()
    staff.force_login(User.objects.get(email=ADMIN))
    out = {}
    # The process's first requests compile the templates and fill Django's own caches: a few
    # other pages before timing, so "cold" is the page's own cost.
    for client, path in (
        (public, f"/{SLUG}/log/?status=withdrawn"),
        (public, f"/{SLUG}/log/1/"),
        (staff, f"/staff/{SLUG}/log/?status=withdrawn"),
        (staff, f"/staff/{SLUG}/log/1/"),
        (staff, f"/staff/{SLUG}/dashboard/?ryear=2020"),
    ):
        client.get(path)
    for label, (path, signed_in) in page_addresses(public).items():
        client = staff if signed_in else public

        def get(path=path, client=client):
            began = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, (path, response.status_code)
            return elapsed

        cold = []
        for _ in range(repeat):
            cache.clear()
            cold.append(get())
        get()
        warm = [get() for _ in range(repeat)]
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get()
        out[label] = {
            "path": path,
            "cold_p50": round(statistics.median(cold), 1),
            "cold_p95": round(percentile(cold, 95), 1),
            "warm_p50": round(statistics.median(warm), 1),
            "warm_p95": round(percentile(warm, 95), 1),
            "queries": len(queries),
        }
        print(f"  {label:42} {out[label]}", flush=True)
    return out


def time_downloads() -> dict:
    """Time to the first byte, the whole, MB/s and the peak of Python's memory (tracemalloc,
    in a second run) of each download."""
    from django.core.cache import cache
    from django.test import Client

    year = dt.date.today().year - 5
    base = f"/{SLUG}/log/download"
    client = Client()
    out = {}
    for label, path in {
        "whole log, CSV (file)": f"{base}.csv",
        "whole log, JSON (file)": f"{base}.json",
        "open challenges, CSV (streamed)": f"{base}.csv?status=open",
        "open challenges, JSON (streamed)": f"{base}.json?status=open",
        "one year's open challenges, Excel": f"{base}.xlsx?year={year}&status=open",
        "one year, Excel (refused above 20,000)": f"{base}.xlsx?year={year}",
    }.items():
        figures = {}
        for measure_memory in (False, True):
            cache.clear()
            if measure_memory:
                tracemalloc.start()
            began = time.perf_counter()
            response = client.get(path)
            if response.status_code == 400 and "refused" in label:
                figures = {"refused": True}
                break
            assert response.status_code == 200, (path, response.status_code)
            first = None
            size = 0
            if response.streaming:
                for piece in response.streaming_content:
                    if first is None:
                        first = time.perf_counter()
                    size += len(piece)
            else:
                first = time.perf_counter()
                size = len(response.content)
            total = time.perf_counter() - began
            if measure_memory:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                figures["peak_mb"] = round(peak / 2**20, 1)
            else:
                figures.update(
                    first_byte_ms=round((first - began) * 1000, 1),
                    total_s=round(total, 2),
                    mb=round(size / 2**20, 1),
                    mb_per_s=round(size / 2**20 / total, 1) if total else None,
                )
            response.close()
        out[label] = figures
        print(f"  {label:42} {figures}", flush=True)
    return out


def time_import() -> dict:
    from import_bench import generated_log

    from challengelog.importing.services import import_file
    from challengelog.register.models import Partnership

    seed = ROOT / "challengelog" / "demo" / "southampton-lscb-challenge-log-2013-2017.txt"
    data = generated_log(10_000, seed.read_text())
    # A kept log may hold an earlier run's import: gone first, so this one is new rows.
    Partnership.objects.filter(slug="scale-import").delete()
    began = time.perf_counter()
    report = import_file(name="big.txt", data=data, partnership="scale-import")
    seconds = time.perf_counter() - began
    assert report.ok, report.problems[:3]
    return {"rows": 10_000, "seconds": round(seconds, 1)}


# --- over HTTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port}")


def hammer(port: int, path: str, seconds: float, connections: int) -> dict:
    """`connections` clients asking for `path` one after another for `seconds`."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            mine.append(time.perf_counter() - began)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ms = [t * 1000 for t in times]
    return {
        "rps": round(len(times) / elapsed, 1),
        "p50": round(statistics.median(ms), 1),
        "p95": round(percentile(ms, 95), 1),
        "errors": errors[0],
    }


def rss_mb(pid: int) -> float:
    """The largest resident size of the process and its children, in MB."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{pid}$", status, re.M):
                pids.append(int(entry.name))
    largest = 0
    for one in pids:
        try:
            match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{one}/status").read_text(), re.M)
        except OSError:
            continue
        if match:
            largest = max(largest, int(match.group(1)))
    return round(largest / 1024, 1)


@contextlib.contextmanager
def serving(command: list[str], env: dict):
    """A server started in its own session and stopped with everything it forked."""
    server = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def over_http(env: dict, seconds: float, connections: int, datasette: bool) -> dict:
    from challengelog.register.models import Challenge

    middle = Challenge.objects.filter(partnership__slug=SLUG).order_by("reference_number")
    reference = middle[middle.count() // 2].reference
    ours = {
        "table page": f"/{SLUG}/log/",
        "search": f"/{SLUG}/log/?q=attendance",
        "row page": f"/{SLUG}/log/{reference}/",
    }
    port = free_port()
    command = [str(Path(sys.executable).parent / "challengelog"), "serve"]
    workers = {"WEB_CONCURRENCY": str(2 * (os.cpu_count() or 1) + 1)}
    out: dict = {"ours": {}, "datasette": {}}
    with serving([*command, "--bind", f"127.0.0.1:{port}"], {**env, **workers}) as server:
        wait_for(port, ours["table page"], 120)
        for label, path in ours.items():
            hammer(port, path, 1, connections)  # every worker builds it once
            out["ours"][label] = hammer(port, path, seconds, connections)
            print(f"  ours      {label:12} {out['ours'][label]}", flush=True)
        # The biggest answers the server gives: the whole log and a streamed filtered file.
        for path in (f"/{SLUG}/log/download.json", f"/{SLUG}/log/download.json?status=open"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.request("GET", path)
            response = connection.getresponse()
            while response.read(1 << 16):
                pass
            assert response.status == 200, (path, response.status)
        out["server_rss_mb"] = rss_mb(server.pid)
    if not datasette:
        return out
    from django.conf import settings
    from django.db import connection

    from challengelog.publishing.models import PublishedChallenge

    table = PublishedChallenge._meta.db_table
    row = PublishedChallenge.objects.get(partnership__slug=SLUG, reference=reference).pk
    database = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    metadata = Path(env["CHALLENGELOG_VAR_DIR"]) / "datasette.json"
    name = database.stem
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    name: {"tables": {table: {"fts_table": f"{table}_fts", "fts_pk": "id"}}}
                }
            }
        )
    )
    theirs = {
        "table page": f"/{name}/{table}?_facet=status&_size=50",
        "search": f"/{name}/{table}?_search=attendance&_size=50",
        "row page": f"/{name}/{table}/{row}",
    }
    port = free_port()
    limits = [
        "--setting",
        "sql_time_limit_ms",
        "20000",
        "--setting",
        "facet_time_limit_ms",
        "20000",
    ]
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(database),
        "--metadata",
        str(metadata),
    ]
    with serving([*command, "--port", str(port), *limits], {}):
        wait_for(port, theirs["row page"], 120)
        for label, path in theirs.items():
            hammer(port, path, 1, connections)
            out["datasette"][label] = hammer(port, path, seconds, connections)
            print(f"  datasette {label:12} {out['datasette'][label]}", flush=True)
    out["datasette_paths"] = theirs
    out["our_paths"] = ours
    return out


# --- the README -----------------------------------------------------------------------------


def _label(result: dict) -> str:
    return f"{'SQLite' if result['database'] == 'sqlite' else 'PostgreSQL'} {result['size']:,}"


def _section(results: list[dict], key: str, heading: str, cell) -> list[str]:
    """A table: one row per measured thing, one column per run."""
    lines = [
        f"| {heading} | " + " | ".join(_label(r) for r in results) + " |",
        "| --- |" + " --- |" * len(results),
    ]
    for label in results[0][key]:
        cells = [cell(r[key][label]) if label in r[key] else "" for r in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def readme_table() -> str:
    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    results.sort(key=lambda r: (r["database"] != "sqlite", r["size"]))
    if not results:
        return "(no results yet: run `make bench-scale`)"
    lines = [
        f"Measured by `bench/scale.py` on {results[0]['machine']}; "
        f"`make bench-scale` (or `bench/scale.py --readme` after single runs) rewrites this.",
        "",
        "Server time in ms, p95 of cold (built) / warm (asked again), and queries per page:",
        "",
        *_section(
            results,
            "pages",
            "page",
            lambda p: f"{p['cold_p95']:g} / {p['warm_p95']:g} ({p['queries']})",
        ),
        "",
        "Downloads: time to the first byte, MB/s, peak Python memory:",
        "",
        *_section(
            results,
            "downloads",
            "download",
            lambda d: (
                "refused (400)"
                if d.get("refused")
                else f"{d['first_byte_ms']:g} ms, {d['mb']:g} MB at {d['mb_per_s']:g} MB/s, "
                f"{d['peak_mb']:g} MB"
            ),
        ),
    ]
    lines += [
        "",
        "| | " + " | ".join(_label(r) for r in results) + " |",
        "| --- |" + " --- |" * len(results),
        "| generating the log | "
        + " | ".join(f"{r['build']['generate_s']:g} s" for r in results)
        + " |",
        "| import of 10,000 rows | "
        + " | ".join(f"{r['import']['seconds']:g} s" for r in results)
        + " |",
        "| server process, largest resident size | "
        + " | ".join(f"{r['http'].get('server_rss_mb', 0):g} MB" for r in results)
        + " |",
    ]
    compared = [r for r in results if r["http"].get("datasette")]
    if compared:
        lines += [
            "",
            "Over HTTP on loopback, "
            f"{compared[0]['connections']} clients at once for {compared[0]['seconds']:g} s per "
            "page, Challenge Log (gunicorn) beside Datasette on the same SQLite file; requests "
            "per second (p95 ms):",
            "",
            "| log | page | Challenge Log | Datasette | ratio |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in compared:
            for label, ours in r["http"]["ours"].items():
                theirs = r["http"]["datasette"][label]
                ratio = ours["rps"] / theirs["rps"] if theirs["rps"] else float("inf")
                lines.append(
                    f"| {_label(r)} | {label} | {ours['rps']:g} ({ours['p95']:g}) | "
                    f"{theirs['rps']:g} ({theirs['p95']:g}) | {ratio:.1f}x |"
                )
    return "\n".join(lines)


def rewrite_readme() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} ... {END} section")
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END)
    readme.write_text(text[:start] + "\n" + readme_table() + "\n" + text[end:])
    print("README.md: results table rewritten")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=5, help="per page over HTTP")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--readme", action="store_true", help="only rewrite the README table")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated log in DIR and reuse it")
    parser.add_argument("--build-only", action="store_true", help="generate, measure nothing")
    args = parser.parse_args()
    if args.readme:
        rewrite_readme()
        return
    env = prepare_environment(args.database, args.keep)
    from generate import setup_django

    setup_django()
    kind = "sqlite" if args.database == "sqlite" else "postgresql"
    print(f"{kind}, {args.size:,} challenges, on {machine()}", flush=True)
    result = {
        "database": kind,
        "size": args.size,
        "machine": machine(),
        "date": dt.date.today().isoformat(),
        "connections": args.connections,
        "seconds": args.seconds,
    }
    result["build"] = build(args.size, keep=bool(args.keep))
    print(f"  built: {result['build']}", flush=True)
    if args.build_only:
        return
    result["pages"] = time_pages(args.repeat)
    result["downloads"] = time_downloads()
    result["import"] = time_import()
    print(f"  import: {result['import']}", flush=True)
    result["http"] = over_http(
        env, args.seconds, args.connections, datasette=kind == "sqlite" and not args.no_datasette
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{kind}-{args.size}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The personal-data detector: precision and recall per kind on the labelled set, how many
organisations it leaves alone, and its speed over the labelled sentences and over every field
of the seed log. Prints the figures; asserts nothing.

    .venv/bin/python bench/redaction_bench.py [--repeat 5] [--misses] [--module PATH]

--module times and scores another copy of redaction.py (an earlier version, say) in place of
the installed one, so that two versions can be compared on the same machine.
"""

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.publishing import personal_data_scoring as scoring  # noqa: E402

SEED = "southampton-lscb-challenge-log-2013-2017.txt"


def load_module(path: str | None):
    if not path:
        from challengelog.publishing import redaction

        return redaction
    spec = importlib.util.spec_from_file_location("redaction_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def seed_fields() -> tuple[list[str], set[str]]:
    """Every cell a publish redacts (meeting, challenge, from, to, action, progress) of the seed,
    and the canonical names a caller would pass as known terms."""
    text = files("challengelog.demo").joinpath(SEED).read_text("utf-8")
    rows = [line.rstrip("\r").split("\t") for line in text.split("\n") if "\t" in line][1:]
    fields, known = [], set()
    for cells in rows:
        if len(cells) == 9:
            cells = [*cells[:6], "", *cells[6:]]
        fields += [cells[i] for i in (2, 3, 4, 5, 7, 8) if i < len(cells)]
        known |= {cells[i] for i in (2, 4, 5) if cells[i]}
    return fields, known


def timed(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list every miss and false find")
    parser.add_argument("--module", help="path of another redaction.py to score and time")
    args = parser.parse_args()
    module = load_module(args.module)
    labelled = scoring.load()
    sentences = [s["text"] for s in labelled["sentences"]]
    terms = labelled["known_terms"]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; detector: {args.module or module.__file__}"
    )
    print(f"labelled set: {len(sentences)} sentences\n")
    with_terms = scoring.score(module.detect, labelled)
    print("with the partnership's known terms")
    print(scoring.table(with_terms))
    print("\nwithout known terms")
    print(scoring.table(scoring.score(module.detect, labelled, known_terms=())))
    if args.misses:
        print("\n" + "\n".join(with_terms.misses))

    module.detect("warm up", terms)
    elapsed = timed(lambda: [module.detect(s, terms) for s in sentences], args.repeat)
    print(
        f"\nspeed, labelled sentences: {elapsed / len(sentences) * 1e6:8.1f} µs a sentence, "
        f"{elapsed / len(sentences) * 1e6:8.1f} ms per 1,000 sentences"
    )
    fields, known = seed_fields()
    elapsed = timed(lambda: [module.detect(f, known) for f in fields], args.repeat)
    per_field = elapsed / len(fields)
    print(
        f"speed, seed log: {elapsed * 1000:8.1f} ms for its {len(fields)} fields "
        f"({per_field * 1e6:.1f} µs a field; 100,000 challenges of 7 fields: "
        f"{per_field * 700_000:.0f} s)"
    )
    big = ("The LSCB Chair asked Priya Shah for the Section 11 figures. " * 1700)[:100_000]
    elapsed = timed(lambda: module.detect(big, ["LSCB"]), args.repeat)
    print(f"speed, one 100,000-character field: {elapsed * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

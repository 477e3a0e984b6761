"""A synthetic challenge log, written straight into the database: N challenges across P
partnerships, their text recombined from the seed log's sentences, agencies, forums and
raisers from the canonical lists its import builds, dates over 15 years, about 80% assured.

    .venv/bin/python bench/generate.py 100000 [--partnerships 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import time


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "challengelog.settings")
    import django

    django.setup()


def generate(n: int, partnerships: int = 1, seed: int = 20261126) -> list[str]:
    """Create the partnerships bench-1 ... bench-P with n challenges in all; returns slugs."""
    from importlib.resources import files

    from django.db import transaction

    from challengelog.importing.services import import_file
    from challengelog.insights.services import suggest_themes
    from challengelog.register.models import Action, Challenge, Partnership, ProgressUpdate

    rng = random.Random(seed)
    data = (
        files("challengelog.demo")
        .joinpath("southampton-lscb-challenge-log-2013-2017.txt")
        .read_bytes()
    )
    slugs = []
    per = n // partnerships
    for p in range(1, partnerships + 1):
        slug = f"bench-{p}"
        Partnership.objects.filter(slug=slug).delete()
        # The seed gives each partnership its canonical lists and its vocabulary.
        import_file(
            name="seed.txt",
            data=data,
            partnership=slug,
            partnership_name=f"Benchmark Partnership {p}",
        )
        partnership = Partnership.objects.get(slug=slug)
        seeds = list(partnership.challenges.prefetch_related("agencies", "updates"))
        sentences = sorted(
            {
                s.strip()
                for c in seeds
                for s in re.split(r"(?<=[.?])\s+", c.text)
                if len(s.strip()) > 20
            }
        )
        actions = sorted({c.action for c in seeds if c.action})
        progress = sorted({u.text for c in seeds for u in c.updates.all()})
        partnership.challenges.all().delete()
        start = dt.date.today() - dt.timedelta(days=15 * 365)
        through = Challenge.agencies.through
        with transaction.atomic():
            for batch_start in range(0, per, 5000):
                batch = []
                for i in range(batch_start, min(per, batch_start + 5000)):
                    model = rng.choice(seeds)
                    date = start + dt.timedelta(days=(i * 15 * 365) // per)
                    text = " ".join(rng.sample(sentences, rng.randint(1, 3)))
                    assured = rng.random() < 0.8 and i < per * 0.97
                    batch.append(
                        Challenge(
                            partnership=partnership,
                            reference=str(i + 1),
                            reference_number=i + 1,
                            date_raised=date,
                            forum=model.forum,
                            meeting_as_recorded=model.meeting_as_recorded,
                            raised_by=model.raised_by,
                            raised_by_as_recorded=model.raised_by_as_recorded,
                            to_as_recorded=model.to_as_recorded,
                            to_all_partners=model.to_all_partners,
                            text=text,
                            risk=rng.choice(["yes", "yes", "no", "not_recorded"]),
                            action=rng.choice(actions),
                            status="assured" if assured else "open",
                            date_resolved=(
                                date + dt.timedelta(days=rng.randint(7, 400)) if assured else None
                            ),
                            # Open ones: some still await a response, some were escalated.
                            awaiting_since=(date if not assured and rng.random() < 0.3 else None),
                            stage=1 if assured else rng.choice([1, 1, 1, 2, 2, 3, 4]),
                        )
                    )
                    batch[-1]._agencies = [a.pk for a in model.agencies.all()]
                Challenge.objects.bulk_create(batch)
                through.objects.bulk_create(
                    through(challenge_id=c.pk, agency_id=a) for c in batch for a in c._agencies
                )
                ProgressUpdate.objects.bulk_create(
                    ProgressUpdate(
                        challenge_id=c.pk, text=rng.choice(progress), imported=True, position=1
                    )
                    for c in batch
                )
                # An agreed action, with a due date, on every open challenge.
                Action.objects.bulk_create(
                    Action(
                        challenge_id=c.pk,
                        text=rng.choice(actions),
                        agency_id=(c._agencies or [None])[0],
                        due=c.date_raised + dt.timedelta(days=rng.randint(20, 120)),
                    )
                    for c in batch
                    if c.status == "open"
                )
                suggest_themes(batch)
        publish_copy(partnership)
        slugs.append(slug)
    return slugs


def publish_copy(partnership) -> None:
    """Make the generated log public by copying it into the published table in SQL: the
    public pages are what the benchmarks measure, and a real publish (redaction, and a PDF of
    every challenge) of a synthetic log this size would only measure the publish."""
    from django.db import connection, transaction

    from challengelog.publishing.models import Publication

    columns = (
        "reference",
        "reference_number",
        "date_raised",
        "meeting_as_recorded",
        "raised_by_as_recorded",
        "to_all_partners",
        "to_as_recorded",
        "text",
        "risk",
        "action",
        "status",
        "date_resolved",
        "outcome",
    )
    with transaction.atomic():
        publication = Publication.objects.create(
            partnership=partnership, published_by_label="benchmark"
        )
        with connection.cursor() as cursor:
            # The generated names hold no person's: published as they are.
            for kind, table in (
                ("agency", "register_agency"),
                ("forum", "register_forum"),
                ("raiser", "register_raiser"),
            ):
                cursor.execute(
                    "INSERT INTO publishing_publishedentry (partnership_id, kind, source_id, "
                    f"name, slug, aliases) SELECT partnership_id, %s, id, name, slug, '[]' "
                    f"FROM {table} WHERE partnership_id = %s",
                    [kind, partnership.pk],
                )
            entry = (
                "(SELECT e.id FROM publishing_publishedentry e WHERE e.partnership_id = "
                "c.partnership_id AND e.kind = '{}' AND e.source_id = c.{})"
            )
            cursor.execute(
                f"INSERT INTO publishing_publishedchallenge (partnership_id, source_id, "
                f"source_fingerprint, publication_id, progress, forum_id, raised_by_id, "
                f"{', '.join(columns)}) "
                f"SELECT c.partnership_id, c.id, '', %s, coalesce((SELECT u.text FROM "
                f"register_progressupdate u WHERE u.challenge_id = c.id ORDER BY u.position "
                f"DESC LIMIT 1), ''), {entry.format('forum', 'forum_id')}, "
                f"{entry.format('raiser', 'raised_by_id')}, "
                f"{', '.join('c.' + col for col in columns)} "
                f"FROM register_challenge c WHERE c.partnership_id = %s",
                [publication.pk, partnership.pk],
            )
            cursor.execute(
                "INSERT INTO publishing_publishedchallenge_agencies (publishedchallenge_id, "
                "publishedentry_id) SELECT p.id, e.id FROM publishing_publishedchallenge p "
                "JOIN register_challenge_agencies a ON a.challenge_id = p.source_id "
                "JOIN publishing_publishedentry e ON e.partnership_id = p.partnership_id "
                "AND e.kind = 'agency' AND e.source_id = a.agency_id "
                "WHERE p.partnership_id = %s",
                [partnership.pk],
            )
        publication.count = publication.total = partnership.published.count()
        publication.save(update_fields=["count", "total"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--partnerships", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    slugs = generate(args.n, args.partnerships)
    print(
        f"generated {args.n:,} challenges in {', '.join(slugs)} "
        f"in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()

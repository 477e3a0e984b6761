import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from challengelog.ops.export import WRITERS
from challengelog.register.management.partnership import chosen_partnership


class Command(BaseCommand):
    help = "Export a partnership's log as JSON, CSV or Excel, or the published log (--public)."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="the partnership's short name (slug)")
        parser.add_argument("--format", choices=["csv", "json", "pdf", "xlsx"], default="json")
        parser.add_argument(
            "--public",
            action="store_true",
            help="the published log (as the public downloads), not the register",
        )
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        partnership = chosen_partnership(options["partnership"])
        fmt = options["format"]
        if options["public"]:
            from challengelog.publishing import downloads, services

            publication = partnership.publications.first()
            if publication is None:
                raise CommandError(f"nothing of {partnership} is published yet: run publish")
            records = services.published_records(partnership.published.all())
            if fmt == "pdf":
                data = downloads.to_pdf(
                    records, partnership_name=partnership.name, published=publication.published_at
                )
            else:
                data = getattr(downloads, f"to_{fmt}")(records)
        elif fmt == "pdf":
            raise CommandError("the PDF is of the published log: add --public")
        else:
            data = WRITERS[fmt](partnership)
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"Wrote {options['output']} ({len(data):,} bytes)")
        elif fmt in ("xlsx", "pdf") and sys.stdout.isatty():
            raise CommandError("that format is binary: give --output PATH")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()

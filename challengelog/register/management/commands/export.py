import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from challengelog.register.export import WRITERS
from challengelog.register.models import Partnership
from challengelog.register.selectors import PartnershipNotChosen, partnership_slug


class Command(BaseCommand):
    help = "Export a partnership's challenge log as JSON, CSV or Excel."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="the partnership's short name (slug)")
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            slug = partnership_slug(options["partnership"])
        except PartnershipNotChosen as exc:
            raise CommandError(str(exc)) from None
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"no partnership “{slug}”")
        data = WRITERS[options["format"]](partnership)
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"Wrote {options['output']} ({len(data):,} bytes)")
        elif options["format"] == "xlsx" and sys.stdout.isatty():
            raise CommandError("Excel is binary: give --output PATH")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from challengelog.insights import report
from challengelog.register.management.partnership import chosen_partnership

FORMATS = ("json", "html", "pdf", "docx")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"“{text}” is not a date: write it as year-month-day, like 2016-04-01"
        ) from None


class Command(BaseCommand):
    help = (
        "Write the annual-report pack of a partnership for a period (challenges raised from "
        "--from to --to, both included) as JSON, HTML, PDF or Word."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="the partnership's short name (slug)")
        parser.add_argument("--from", dest="date_from", help="first day, as 2016-04-01")
        parser.add_argument("--to", dest="date_to", help="last day, as 2017-03-31")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        partnership = chosen_partnership(options["partnership"])
        start = _date(options["date_from"]) if options["date_from"] else None
        end = _date(options["date_to"]) if options["date_to"] else None
        if start and end and start > end:
            raise CommandError("--from is after --to: the period would be empty")
        fmt = options["format"]
        output = options["output"]
        if fmt in ("pdf", "docx") and not output and sys.stdout.isatty():
            raise CommandError(f"a {fmt} file needs --output PATH")

        listing = "references" if fmt == "json" else "full"
        data = report.build(partnership, report.Period(start, end), listing=listing)
        if fmt == "json":
            body = report.dumps(data)
        elif fmt == "docx":
            from challengelog.insights.docx import to_docx

            body = to_docx(data)
        else:
            from challengelog.insights.layout import pack_context

            context = pack_context(partnership, data, log_url=f"/staff/{partnership.slug}/log/")
            if fmt == "pdf":
                from challengelog.insights.pdf import to_pdf

                body = to_pdf(context)
            else:
                from challengelog.insights.pdf import to_html

                body = to_html(context).encode()
        if output:
            Path(output).write_bytes(body)
            self.stderr.write(
                f"Wrote the pack of {partnership} for {data['period']['label'].lower()} "
                f"({data['total']} challenges) to {output}"
            )
        else:
            sys.stdout.buffer.write(body)
            sys.stdout.flush()

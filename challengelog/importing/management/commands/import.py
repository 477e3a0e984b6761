from django.core.management.base import BaseCommand, CommandError

from challengelog.accounts.models import AuditEvent, record_event
from challengelog.importing.services import ImportReport, import_file
from challengelog.register.models import Partnership
from challengelog.register.selectors import PartnershipNotChosen, partnership_slug


def print_report(command: BaseCommand, report: ImportReport, verbose: bool) -> None:
    out = command.stdout
    if report.problems:
        out.write(command.style.ERROR(report.summary()))
        for problem in report.problems:
            out.write(f"  - {problem}")
        return
    out.write(command.style.SUCCESS(report.summary()))
    if report.updated:
        out.write(
            "Updated: "
            + "; ".join(f"{ref} ({', '.join(fields)})" for ref, fields in report.updated.items())
        )
    for note in report.notes:
        out.write(f"Note: {note}")
    if report.findings:
        out.write(f"Data-quality findings ({len(report.findings)}):")
        for finding in report.findings:
            if verbose or finding.kind != "names_merged" or len(report.findings) < 60:
                out.write(f"  - {finding.message}")


class Command(BaseCommand):
    help = "Import a challenge log (text export, CSV, Excel, Word table or JSON export)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--partnership", help="the partnership's short name (slug)")
        parser.add_argument("--name", help="the partnership's full name, when it is new")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and check everything, write nothing"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar='"Header=field"',
            help="read the column with this header as this field",
        )

    def handle(self, *args, **options):
        try:
            slug = partnership_slug(options["partnership"])
        except PartnershipNotChosen as exc:
            raise CommandError(str(exc)) from None
        report = import_file(
            path=options["path"],
            partnership=slug,
            partnership_name=options["name"],
            dry_run=options["dry_run"],
            mapping=options["map"],
        )
        print_report(self, report, options["verbosity"] > 1)
        if not report.ok:
            raise CommandError("nothing was imported")
        if not report.dry_run:
            record_event(
                AuditEvent.Kind.IMPORT,
                f"Command line: {report.summary()}",
                partnership=Partnership.objects.get(slug=slug),
                user_label="command line",
                created=len(report.created),
                updated=len(report.updated),
            )

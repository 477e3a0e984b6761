from importlib.resources import files

from django.core.management.base import BaseCommand, CommandError

from challengelog.importing.services import import_file
from challengelog.register.models import Challenge

SEED = "southampton-lscb-challenge-log-2013-2017.txt"


class Command(BaseCommand):
    help = "Load the Southampton LSCB log (2013-2017) as demo data when the register is empty."

    def handle(self, *args, **options):
        if Challenge.objects.exists():
            self.stdout.write("The register already holds challenges: demo data not loaded.")
            return
        data = files("challengelog.demo").joinpath(SEED).read_bytes()
        report = import_file(
            name=SEED, data=data, partnership="southampton", partnership_name="Southampton LSCB"
        )
        if not report.ok:
            raise CommandError("; ".join(str(p) for p in report.problems))
        self.stdout.write(self.style.SUCCESS(f"Demo data: {report.summary()}"))
        # The Southampton log was published already: publish it in one step, names nobody
        # has reviewed removed.
        from challengelog.publishing.services import publish
        from challengelog.register.models import Partnership

        publication = publish(
            partnership=Partnership.objects.get(slug="southampton"), label="demo data"
        )
        self.stdout.write(f"Published {publication.count} challenges.")

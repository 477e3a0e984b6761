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
        planned = plan_demo_meetings(Partnership.objects.get(slug="southampton"))
        self.stdout.write(f"Forward plan: {planned} meetings in the coming months.")


def plan_demo_meetings(partnership) -> int:
    """A forward plan for the demo: the board and its busiest groups meet every six or eight
    weeks from now, on a Tuesday or Thursday that is a working day."""
    import datetime as dt

    from django.utils import timezone

    from challengelog.followup.models import Meeting
    from challengelog.followup.workingdays import is_working_day
    from challengelog.register.models import Forum

    today = timezone.localdate()
    made = 0
    plan = [("LSCB", 1, 8), ("Monitoring and Evaluation", 3, 6), ("Executive", 1, 6)]
    for start, weekday, weeks in plan:
        forum = (
            Forum.objects.filter(partnership=partnership, kind=Forum.Kind.MEETING)
            .filter(name__istartswith=start)
            .order_by("name")
            .first()
        )
        if forum is None:
            continue
        day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7)
        for _ in range(4):
            while not is_working_day(day):
                day += dt.timedelta(days=1)
            _, created = Meeting.objects.get_or_create(
                partnership=partnership, forum=forum, date=day
            )
            made += created
            day += dt.timedelta(weeks=weeks)
    return made

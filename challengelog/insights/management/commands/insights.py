import time

from django.core.management.base import BaseCommand, CommandError

from challengelog.insights.services import refresh_recurring, suggest_themes
from challengelog.register.models import Partnership


class Command(BaseCommand):
    help = (
        "Find each partnership's recurring concerns again (pages do it themselves for logs of "
        "up to 5,000 challenges; run this from cron for larger ones). With --themes, suggest "
        "themes again for every challenge whose themes staff have not set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="only this partnership (its short name)")
        parser.add_argument("--themes", action="store_true", help="suggest themes again too")

    def handle(self, *args, **options):
        partnerships = Partnership.objects.all()
        if options["partnership"]:
            partnerships = partnerships.filter(slug=options["partnership"])
            if not partnerships.exists():
                raise CommandError(f"no partnership “{options['partnership']}”")
        for partnership in partnerships:
            began = time.perf_counter()
            if options["themes"]:
                challenges = partnership.challenges.only("id", "text", "action")
                suggested = 0
                for start in range(0, challenges.count(), 2000):
                    suggested += suggest_themes(challenges.order_by("pk")[start : start + 2000])
                self.stdout.write(f"{partnership}: {suggested} themes suggested")
            groups = refresh_recurring(partnership)
            self.stdout.write(
                f"{partnership}: {len(groups)} recurring concerns found in "
                f"{time.perf_counter() - began:.1f} s"
            )

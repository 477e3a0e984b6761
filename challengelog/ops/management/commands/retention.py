from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from challengelog.ops import retention
from challengelog.register.models import Partnership


class Command(BaseCommand):
    help = (
        "Apply each partnership's retention rule: delete closed challenges kept longer than "
        "the rule allows, with their history and evidence files. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="One partnership's slug (default: all)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing"
        )

    def handle(self, *args, partnership=None, dry_run=False, **options):
        partnerships = Partnership.objects.filter(retention_months__isnull=False)
        if partnership:
            partnerships = Partnership.objects.filter(slug=partnership)
            if not partnerships.exists():
                raise CommandError(f"No partnership “{partnership}”")
        today = timezone.localdate()
        for p in partnerships:
            if p.retention_months is None:
                self.stdout.write(f"{p.name}: no retention rule, nothing deleted")
                continue
            if dry_run:
                count = retention.due(p, today).count()
                self.stdout.write(
                    f"{p.name}: {count} closed challenge(s) closed before "
                    f"{retention.cutoff(p, today):%d/%m/%Y} would be deleted"
                )
                continue
            done = retention.apply(p, today)
            self.stdout.write(
                f"{p.name}: deleted {len(done.references)} closed challenge(s) and "
                f"{done.files} evidence file(s)"
            )

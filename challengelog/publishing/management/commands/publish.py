from django.core.management.base import BaseCommand, CommandError

from challengelog.publishing import services
from challengelog.register.models import Partnership
from challengelog.register.selectors import PartnershipNotChosen, partnership_slug


class Command(BaseCommand):
    help = (
        "Publish every challenge of a partnership (names nobody reviewed stay removed) and "
        "build its downloads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="the partnership's short name (slug)")
        parser.add_argument("references", nargs="*", help="only these challenges")

    def handle(self, *args, **options):
        try:
            slug = partnership_slug(options["partnership"])
        except PartnershipNotChosen as exc:
            raise CommandError(str(exc)) from None
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"no partnership “{slug}”")
        references = options["references"] or None
        if references:
            known = set(partnership.challenges.values_list("reference", flat=True))
            unknown = [r for r in references if r not in known]
            if unknown:
                raise CommandError(f"no challenge {', '.join(unknown)} in {partnership}")
        publication = services.publish(
            partnership=partnership, references=references, label="command line"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {publication.count} challenges of {partnership} "
                f"({publication.total} public); downloads built."
            )
        )

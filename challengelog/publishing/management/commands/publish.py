from django.core.management.base import BaseCommand, CommandError

from challengelog.publishing import services
from challengelog.register.management.partnership import chosen_partnership


class Command(BaseCommand):
    help = (
        "Publish every challenge of a partnership (names nobody reviewed stay removed) and "
        "build its downloads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="the partnership's short name (slug)")
        parser.add_argument("references", nargs="*", help="only these challenges")

    def handle(self, *args, **options):
        partnership = chosen_partnership(options["partnership"])
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

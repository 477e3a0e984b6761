from django.core.management.base import BaseCommand, CommandError

from challengelog.publishing import review, services
from challengelog.register.management.partnership import chosen_partnership


class Command(BaseCommand):
    help = (
        "Publish the approved challenges of a partnership and build its downloads; a "
        "partnership that publishes without review publishes every challenge (names nobody "
        "reviewed stay removed)."
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
        approvals, waiting = None, 0
        if review.review_required(partnership):
            approvals = review.approved_references(partnership)
            if references:
                approvals = [a for a in approvals if a["reference"] in references]
            waiting = len(services.pending(partnership)) - len(approvals)
            if not approvals:
                raise CommandError(
                    f"nothing of {partnership} is approved for publishing: approve the new "
                    f"and changed challenges at /staff/{partnership.slug}/publishing/ first "
                    "(or set the partnership to publish without review there)"
                )
            references = [a["reference"] for a in approvals]
        publication = services.publish(
            partnership=partnership,
            references=references,
            label="command line",
            approvals=approvals,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {publication.count} challenges of {partnership} "
                f"({publication.total} public); downloads built."
            )
        )
        if approvals is not None and waiting:
            self.stdout.write(f"{waiting} new or changed challenges wait for approval.")

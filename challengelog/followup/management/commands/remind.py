"""challengelog remind: make and send the e-mail notices that are due. Safe to run as often as
cron likes: each notice is made once and sent once; one that fails is tried again next run."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from challengelog.followup import notices


class Command(BaseCommand):
    help = (
        "Send the e-mail notices that are due: reminders before due dates, overdue actions, "
        "responses past their escalation timescale, and weekly digests. Run it from cron (every "
        "15 minutes is plenty); running it twice never sends a notice twice."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        made = notices.collect(today)
        digests = notices.make_digests(today)
        result = notices.deliver()
        waiting = notices.unsent_count()
        self.stdout.write(
            f"{made} new notice{'s' if made != 1 else ''}, {digests} digest"
            f"{'s' if digests != 1 else ''}; {result.sent} sent, {result.failed} failed; "
            f"{waiting} waiting."
        )
        if result.failed:
            raise CommandError(
                f"{result.failed} notice{'s' if result.failed != 1 else ''} could not be sent "
                f"and will be tried again on the next run: {'; '.join(result.errors[:3])}"
            )

"""Meetings as records: an import records the meeting each challenge was raised at."""

import datetime as dt

from challengelog.followup.models import AgendaItem, Meeting
from challengelog.importing.services import import_file
from challengelog.register.models import Challenge


def test_the_import_records_the_meeting_each_challenge_was_raised_at(seeded, seed_path):
    raised = AgendaItem.objects.filter(role="raised").select_related("meeting__forum")
    by_reference = {item.challenge.reference: item.meeting for item in raised}
    meeting = by_reference["144"]
    assert (meeting.forum.name, meeting.date) == ("LSCB", dt.date(2017, 6, 20))
    # Every challenge with a date and a forum that is a meeting has one; audits and reports
    # (Section 11 Audit, Single Agency Report) are not meetings and have none.
    expected = Challenge.objects.filter(forum__kind="meeting", date_raised__isnull=False)
    assert set(by_reference) == set(expected.values_list("reference", flat=True))
    assert "Section 11 Audit" not in {m.forum.name for m in Meeting.objects.all()}
    # Two challenges raised at one meeting share it.
    assert Meeting.objects.count() < len(by_reference)
    # Importing again makes nothing twice.
    counts = (Meeting.objects.count(), AgendaItem.objects.count())
    assert import_file(path=seed_path, partnership="southampton").ok
    assert (Meeting.objects.count(), AgendaItem.objects.count()) == counts

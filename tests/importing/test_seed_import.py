"""The seed log imports whole, and its export gives back the file's cells exactly."""

import datetime as dt

from challengelog.importing.services import import_file
from challengelog.ops import export
from challengelog.register.models import Challenge, Partnership, ProgressUpdate


def _exported(slug="southampton"):
    return {r["reference"]: r for r in export.records(Partnership.objects.get(slug=slug))}


def test_seed_gives_148_challenges_117_resolved(seeded):
    assert Challenge.objects.count() == 148
    assert sum(r["resolved"] for r in _exported().values()) == 117
    assert Challenge.objects.filter(status="assured").count() == 117
    assert Challenge.objects.filter(status="open").count() == 31


def test_exported_values_equal_the_files_cells(seeded, seed_rows):
    exported = _exported()
    assert len(seed_rows) == len(exported) == 148
    risk = {"Y": True, "y": True, "N": False, "": None}
    for cells in seed_rows:
        if len(cells) == 9:  # rows 1-4: no Risk? column
            cells = [*cells[:6], "", *cells[6:]]
        ref, date, meeting, text, raised_by, to, risk_cell, action, progress, resolved = [
            c.strip() for c in cells
        ]
        record = exported[ref]
        assert record["date"] == dt.datetime.strptime(date, "%d/%m/%Y").date().isoformat()
        assert record["meeting"] == meeting
        assert record["challenge"] == text
        assert record["raised_by"] == raised_by
        assert record["to"] == to
        assert record["risk"] is risk[risk_cell], ref
        assert record["action"] == action
        assert record["progress"] == progress
        assert record["resolved"] is (resolved == "Y")


def test_rows_without_risk_column_are_not_recorded_and_resolved(seeded):
    exported = _exported()
    for ref in ("1", "2", "3", "4"):
        assert exported[ref]["risk"] is None
        assert exported[ref]["resolved"] is True
    assert exported["4"]["action"] == "To amend document to reflect changes."


def test_json_export_is_newest_first_with_the_promised_keys(seeded):
    records = export.records(Partnership.objects.get(slug="southampton"))
    dates = [r["date"] for r in records]
    assert dates == sorted(dates, reverse=True)
    for key in (*export.AS_RECORDED, "status", "forum", "agencies", "updates"):
        assert key in records[0]


def test_imported_progress_is_the_first_timeline_entry_without_a_date(seeded):
    updates = ProgressUpdate.objects.filter(challenge__reference="146")
    assert [(u.date, u.imported, u.text) for u in updates] == [
        (
            None,
            True,
            "Checked against other areas and agreed that the numbers are similar "
            "to other comparative areas",
        )
    ]
    assert not ProgressUpdate.objects.exclude(date=None).exists()


def test_all_partners_links_to_the_marker_not_an_agency(seeded):
    challenge = Challenge.objects.get(reference="97")  # To: "All agencies"
    assert challenge.to_all_partners
    assert not challenge.agencies.exists()
    assert not Partnership.objects.get().agency_set.filter(name__istartswith="all ").exists()


def test_seed_report_names_the_out_of_sequence_date_and_the_empty_action(seeded):
    messages = {f.kind: [] for f in seeded.findings}
    for f in seeded.findings:
        messages[f.kind].append(f)
    out_of_sequence = messages["date_out_of_sequence"]
    assert any(f.references == ["144", "145"] for f in out_of_sequence)
    assert "Challenge 144 is dated 20/06/2017, after challenge 145" in out_of_sequence[0].message
    assert [f.references for f in messages["empty_action"]] == [["77"]]
    not_recorded = messages["risk_not_recorded"][0]
    assert len(not_recorded.references) == 83
    disagreements = {f.references[0] for f in messages["to_disagrees"]}
    assert disagreements == {"70", "32"}
    assert {f.references[0] for f in messages["cut_short"]} == {"73"}
    assert messages["names_merged"]
    assert messages["names_for_review"]


def test_reimporting_the_same_file_changes_nothing(seeded, seed_path):
    before = list(Challenge.objects.order_by("pk").values())
    updates_before = list(ProgressUpdate.objects.order_by("pk").values())
    report = import_file(path=seed_path, partnership="southampton")
    assert report.ok
    assert (report.created, report.updated, len(report.unchanged)) == ([], {}, 148)
    assert list(Challenge.objects.order_by("pk").values()) == before
    assert list(ProgressUpdate.objects.order_by("pk").values()) == updates_before


def test_a_changed_file_updates_the_changed_challenges_and_says_which(seeded, seed_path):
    text = seed_path.read_text()
    text = text.replace(
        "Survey has been completed - yet to be circulated.\t",
        "Survey circulated to all partners.\tY",
    )
    text = text.replace(
        "LADO attended and discussed the annual report",
        "LADO attended and presented the annual report",
    )
    seed_path.write_text(text)
    report = import_file(path=seed_path, partnership="southampton")
    assert report.ok
    assert report.updated == {"141": ["status", "progress"], "139": ["progress"]}
    assert len(report.unchanged) == 146
    challenge = Challenge.objects.get(reference="141")
    assert challenge.status == "assured"
    assert [u.text for u in challenge.updates.all()] == ["Survey circulated to all partners."]


def test_dry_run_reports_and_writes_nothing(db, seed_path):
    report = import_file(path=seed_path, partnership="southampton", dry_run=True)
    assert report.ok
    assert report.dry_run
    assert len(report.created) == 148
    assert not Partnership.objects.exists()
    assert not Challenge.objects.exists()


def test_reimport_keeps_the_reference_lists_as_staff_left_them(seeded, seed_path):
    """After an administrator merges UKBF into Border Force, importing the log again changes
    nothing: a name as recorded keeps the entry it has now."""
    from challengelog.register.models import Agency
    from challengelog.workspace.lists.services import merge_entries

    ukbf = Agency.objects.get(name="UKBF")
    border_force = Agency.objects.get(name="Border Force")
    merge_entries(source=ukbf, target=border_force, user=None)
    report = import_file(path=seed_path, partnership="southampton")
    assert (report.created, report.updated) == ([], {})
    assert [a.name for a in Challenge.objects.get(reference="15").agencies.all()] == [
        "Border Force"
    ]
    assert not Agency.objects.filter(name="UKBF").exists()


def test_each_imported_challenge_starts_its_history_with_the_import(seeded):
    history = Challenge.history.model
    challenges = {c.pk: c for c in Challenge.objects.all()}
    records = list(history.objects.all())
    assert len(records) == len(challenges) == 148
    tracked = [f.attname for f in history.tracked_fields]
    for record in records:
        assert record.history_type == "+"
        assert (
            record.history_change_reason
            == "Imported from southampton-lscb-challenge-log-2013-2017.txt"
        )
        assert record.history_user_id is None
        live = challenges[record.id]
        assert {name: getattr(record, name) for name in tracked} == {
            name: getattr(live, name) for name in tracked
        }
    assert len({r.history_date for r in records}) == 1


def test_an_import_by_a_signed_in_person_records_them_in_the_history(db, seed_path, rf):
    from simple_history.models import HistoricalRecords

    from challengelog.accounts.models import User
    from challengelog.importing.services import import_file

    user = User.objects.create_user(email="manager@example.org", password="a long password 1")
    request = rf.get("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        report = import_file(path=seed_path, partnership="southampton")
    finally:
        del HistoricalRecords.context.request
    assert report.ok
    assert set(Challenge.history.values_list("history_user_id", flat=True)) == {user.pk}

"""The publish workflow: the public log shows the approved copy, personal names removed
unless a reviewer kept them, downloads built from it, pages answering conditional requests."""

import csv
import html
import io
import json
import re

import openpyxl
import pdfplumber
from django.core.management import call_command

from challengelog.accounts.models import AuditEvent, Membership, User
from challengelog.publishing import redaction, services
from challengelog.publishing.models import PublishedChallenge
from challengelog.register.models import Agency, Challenge, Forum, Partnership, Raiser


def _partnership():
    return Partnership.objects.get(slug="southampton")


def _seed_names(seed_rows) -> tuple[set[str], set[str]]:
    """Every person's name the detector finds in the raw seed (read from the file, not code),
    and each with the words just before it, as it stood."""
    terms = services.known_terms(_partnership())
    names, contexts = set(), set()
    for cells in seed_rows:
        for cell in cells[2:]:
            cell = cell.strip()
            for hit in redaction.detect(cell, terms):
                names.add(hit.text)
                contexts.add(cell[max(0, hit.start - 15) : hit.end])
    return names, contexts


def _public_texts(client) -> dict[str, str]:
    pages = {}
    partnership = _partnership()
    for reference in partnership.challenges.values_list("reference", flat=True):
        pages[f"challenge {reference}"] = client.get(f"/southampton/log/{reference}/").text
    url = "/southampton/log/"
    while url:
        page = client.get(url).text
        pages[url] = page
        found = re.search(r'href="(\?after=[^"]+)" rel="next"', page)
        url = f"/southampton/log/{found.group(1).replace('&amp;', '&')}" if found else None
    for kind, model in (("agencies", Agency), ("meetings", Forum), ("raised-by", Raiser)):
        pages[kind] = client.get(f"/southampton/log/{kind}/").text
        for slug in model.objects.filter(partnership=partnership).values_list("slug", flat=True):
            pages[f"{kind}/{slug}"] = client.get(f"/southampton/log/{kind}/{slug}/").text
    pages["csv"] = client.get("/southampton/log/download.csv").getvalue().decode("utf-8-sig")
    pages["json"] = client.get("/southampton/log/download.json").getvalue().decode()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/southampton/log/download.xlsx").getvalue())
    )
    pages["xlsx"] = "\n".join(
        str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None
    )
    with pdfplumber.open(io.BytesIO(client.get("/southampton/log/download.pdf").getvalue())) as pdf:
        pages["pdf"] = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return pages


def test_after_a_default_publish_no_personal_name_is_public(published, client, seed_rows):
    names, contexts = _seed_names(seed_rows)
    assert len(names) >= 7, names
    assert {"KM", "NC", "SM", "JC", "HL"} <= names
    full_names = {n for n in names if len(n) > 3}
    assert len(full_names) >= 4
    for where, text in _public_texts(client).items():
        text = html.unescape(text)
        # A full name must appear nowhere; initials ("SM") may stand for a service elsewhere
        # ("midwife for SM"), so each is checked where it was used as a name.
        for name in full_names:
            assert name not in text, (name, where)
        for context in contexts:
            assert context not in text, (context, where)
    assert "[name removed]" in client.get("/southampton/log/147/").text
    assert "[councillor]" in client.get("/southampton/log/147/").text


def test_the_public_log_keeps_the_old_text_until_the_next_publish(published, client):
    challenge = Challenge.objects.get(reference="148")
    challenge.text = "Emergency plan revised after the audit."
    challenge.save()
    assert "Emergency plan revised" not in client.get("/southampton/log/148/").text
    assert "Emergency Incident Plan" in client.get("/southampton/log/148/").text
    assert services.pending(_partnership()) == ["148"]
    services.publish(partnership=_partnership(), references=["148"], label="test")
    assert "Emergency plan revised" in client.get("/southampton/log/148/").text
    assert services.pending(_partnership()) == []


def test_nothing_is_public_before_it_is_published(seeded, client):
    # Not even that the partnership, its agencies, meetings or raisers exist.
    assert "Southampton" not in client.get("/log/").text
    for url in (
        "/southampton/log/",
        "/southampton/log/148/",
        "/southampton/log/download.csv",
        "/southampton/log/summary/",
        "/southampton/log/agencies/",
        "/southampton/log/agencies/police/",
        "/southampton/log/raised-by/",
        "/southampton/log/meetings/",
        "/api/partnerships/southampton/published/",
        "/api/partnerships/southampton/published/148/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Southampton" not in response.text, url
    assert "southampton" not in client.get("/api/").text


def test_a_reviewers_decisions_are_applied(published, client):
    partnership = _partnership()
    services.review_name(
        partnership=partnership, name="KM", replacement="the Board Chair", user=None
    )
    services.review_name(
        partnership=partnership, name="Anne Downie", replacement="Anne Downie", user=None
    )
    services.publish(partnership=partnership, label="test")
    assert "the Board Chair to take this further" in client.get("/southampton/log/111/").text
    assert "Lead is Anne Downie" in client.get("/southampton/log/23/").text


def test_downloads_honour_the_filters_and_say_what_they_are(published, client):
    response = client.get("/southampton/log/download.csv?status=open")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(
        r'attachment; filename="southampton-challenge-log-\d{4}-\d\d-\d\d\.csv"',
        response["Content-Disposition"],
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 31
    whole = json.loads(client.get("/southampton/log/download.json").getvalue())
    assert len(whole) == 148
    assert whole == services.published_records(PublishedChallenge.objects.all())
    bad = client.get("/southampton/log/download.csv?year=1066")
    assert bad.status_code == 400
    assert "Choose a year" in bad.text


def test_a_filtered_pdf_is_limited(published, client, monkeypatch):
    from challengelog.site import downloads as views

    monkeypatch.setattr(views, "PDF_ROW_LIMIT", 10)
    refused = client.get("/southampton/log/download.pdf?status=open")
    assert refused.status_code == 400
    assert "at most 10 challenges" in refused.text
    small = client.get("/southampton/log/download.pdf?raised_by=designated-doctor")
    assert small.status_code == 200
    assert small["Content-Type"] == "application/pdf"


def test_a_large_log_has_no_whole_pdf_and_says_so(published, client, monkeypatch):
    """Above WHOLE_PDF_LIMIT the publish makes no whole-log PDF: the page offers none, and the
    address asked anyway says why and what to do instead."""
    from challengelog.publishing import downloads
    from challengelog.site import downloads as views

    monkeypatch.setattr(downloads, "WHOLE_PDF_LIMIT", 100)
    monkeypatch.setattr(views, "PDF_ROW_LIMIT", 50)
    services.publish(partnership=_partnership(), label="large")
    files = _partnership().publications.first().files
    assert sorted(files) == ["csv", "json", "xlsx"]
    page = client.get("/southampton/log/").text
    assert "download.pdf" not in page
    assert re.search(r"download.xlsx\">Excel</a> or\s+<a[^>]+download.json", page)
    refused = client.get("/southampton/log/download.pdf")
    assert refused.status_code == 400
    assert "made for logs of up to 100 challenges and this one has 148" in refused.text
    # With filters the page offers the PDF again, and a narrow one is made.
    assert "download.pdf?status=open" in client.get("/southampton/log/?status=open").text
    small = client.get("/southampton/log/download.pdf?raised_by=designated-doctor")
    assert small.status_code == 200


def test_a_large_filtered_excel_is_written_to_a_file_and_a_larger_one_refused(
    published, client, monkeypatch
):
    from openpyxl import load_workbook

    from challengelog.site import downloads as views

    monkeypatch.setattr(views, "STREAM_ABOVE", 10)
    response = client.get("/southampton/log/download.xlsx?status=assured")
    assert response.status_code == 200
    assert response.streaming  # from the temporary file, not built in memory
    sheet = load_workbook(io.BytesIO(response.getvalue()))["Challenge log"]
    assured = PublishedChallenge.objects.filter(status="assured").count()
    assert sheet.max_row == 1 + assured
    assert sheet.auto_filter.ref == f"A1:K{1 + assured}"
    monkeypatch.setattr(views, "XLSX_ROW_LIMIT", 50)
    refused = client.get("/southampton/log/download.xlsx?status=assured")
    assert refused.status_code == 400
    assert f"at most 50 challenges and these filters match {assured}" in refused.text
    assert client.get("/southampton/log/download.xlsx?status=open").status_code == 200


def test_public_pages_answer_conditional_requests(published, client):
    first = client.get("/southampton/log/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/southampton/log/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert (
        client.get("/southampton/log/download.csv", HTTP_IF_MODIFIED_SINCE=modified).status_code
        == 304
    )
    services.publish(partnership=_partnership(), label="test")
    assert client.get("/southampton/log/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_publishing_is_for_chairs_and_administrators_and_is_audited(published, client):
    partnership = _partnership()
    from challengelog.publishing import review

    review.set_without_review(partnership=partnership, without_review=True, user=None)
    for role, seen, expected in (
        ("agency_lead", 403, 403),
        ("member", 200, 403),  # members see the page and may change public wording only
        ("chair", 200, 200),
    ):
        user = User.objects.create_user(email=f"{role}@example.org", password="x" * 14)
        Membership.objects.create(user=user, partnership=partnership, role=role)
        client.force_login(user)
        assert client.get("/staff/southampton/publishing/").status_code == seen
        posted = client.post("/staff/southampton/publishing/publish/", {"scope": "all"})
        assert posted.status_code == (302 if expected == 200 else 403)
    page = client.get("/staff/southampton/publishing/").text
    assert "KM" in page
    assert "Not reviewed" in page
    refused = client.post(
        "/staff/southampton/publishing/publish/",
        {"scope": "chosen", "references": "148 9999"},
        follow=True,
    )
    assert "there is no 9999" in refused.text
    events = AuditEvent.objects.filter(kind="publish", summary__startswith="Published")
    assert events.count() == 2  # the fixture's and the chair's
    assert events.first().user_label == "chair@example.org"


def test_command_line_publish_and_public_export(seeded, tmp_path, capsys):
    from challengelog.publishing import review

    # Without review only where the partnership chose it (tests/publishing/test_review.py).
    review.set_without_review(partnership=_partnership(), without_review=True, user=None)
    call_command("publish", "--partnership", "southampton")
    assert "Published 148 challenges" in capsys.readouterr().out
    target = tmp_path / "log.pdf"
    call_command("export", "--public", "--format", "pdf", "--output", str(target))
    with pdfplumber.open(target) as pdf:
        assert all("Challenge Log" in (p.extract_text() or "") for p in pdf.pages)
    json_path = tmp_path / "log.json"
    call_command("export", "--public", "--format", "json", "--output", str(json_path))
    records = json.loads(json_path.read_text())
    assert "Steve" not in json_path.read_text()
    assert len(records) == 148


def test_accessibility_statement(client, db):
    page = client.get("/accessibility/").text
    assert "How accessible this website is" in page
    assert "How this website was tested" in page


def test_public_search_reads_only_the_published_copy(published, client):
    def count(q):
        page = client.get(f"/southampton/log/?q={q}").text
        return re.search(r"(\d+) challenges? match", page).group(1)

    assert count("Downie") == "0"  # a name removed from challenge 23's progress
    assert count("sprinklers") == "1"
    challenge = Challenge.objects.get(reference="148")
    challenge.text = "Quarry lagoon safety"
    challenge.save()
    assert count("lagoon") == "0"  # not published yet
    services.publish(partnership=_partnership(), references=["148"], label="test")
    assert count("lagoon") == "1"


def test_large_downloads_are_streamed_with_the_same_bytes(published, client, monkeypatch):
    """The whole-log files come from the disk in pieces; a filtered CSV or JSON above
    STREAM_ABOVE rows is written as it is read; the bytes are those of the file built whole."""
    from challengelog.publishing import downloads
    from challengelog.site import downloads as views

    whole = client.get("/southampton/log/download.csv")
    assert whole.streaming
    assert whole["Content-Length"] == str(len(whole.getvalue()))
    built = client.get("/southampton/log/download.json?status=open")
    assert not built.streaming
    monkeypatch.setattr(views, "STREAM_ABOVE", 10)
    monkeypatch.setattr(downloads, "CHUNK_ROWS", 7)
    for fmt in ("csv", "json"):
        streamed = client.get(f"/southampton/log/download.{fmt}?status=assured")
        assert streamed.streaming, fmt
        pieces = list(streamed.streaming_content)
        assert len(pieces) > 5, fmt  # in pieces, not one
        rows = PublishedChallenge.objects.filter(status="assured")
        expected = getattr(downloads, f"to_{fmt}")(services.published_records(rows))
        assert b"".join(pieces) == expected, fmt
    assert json.loads(downloads.to_json([])) == []
    assert downloads.to_csv([]).decode("utf-8-sig").count("\r\n") == 1


def test_records_read_in_chunks_equal_the_records_read_whole(published):
    """Downloads read plain values a chunk at a time; the API and the PDF read model rows.
    Both give the same records, in the same order, agencies and meetings included."""
    rows = PublishedChallenge.objects.all()
    whole = services.published_records(rows)
    assert len(whole) == 148
    assert any(r["agencies"] for r in whole)
    assert any(r["forum"] for r in whole)
    assert {r["risk"] for r in whole} == {True, False, None}
    assert list(services.iter_published_records(rows, chunk_size=7)) == whole
    assert list(services.iter_published_records(rows.none())) == []


def test_json_in_pieces_is_json_dumps_of_the_whole(published):
    from challengelog.publishing import downloads

    records = services.published_records(PublishedChallenge.objects.all())
    data = [{key: r[key] for key in downloads.PUBLIC_KEYS} for r in records]
    expected = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
    assert downloads.to_json(records) == expected


def test_json_keeps_line_separators_inside_text_exactly():
    from challengelog.publishing import downloads

    record = dict.fromkeys(downloads.PUBLIC_KEYS)
    record.update(reference="1", challenge="a\u2028b\u2029c\x85d\ne")
    loaded = json.loads(downloads.to_json([record, record]))
    assert loaded[0]["challenge"] == "a\u2028b\u2029c\x85d\ne"
    expected = json.dumps(
        [{k: record[k] for k in downloads.PUBLIC_KEYS}] * 2, ensure_ascii=False, indent=2
    )
    assert downloads.to_json([record, record]) == (expected + "\n").encode()


def test_the_next_publish_drops_the_public_copy_of_a_deleted_challenge(published, client):
    partnership = Partnership.objects.get()
    Challenge.objects.get(reference="84").delete()
    # Until then the published log is what was published.
    assert client.get("/southampton/log/84/").status_code == 200
    publication = services.publish(partnership=partnership, label="test")
    assert publication.total == 147
    assert not PublishedChallenge.objects.filter(reference="84").exists()
    assert client.get("/southampton/log/84/").status_code == 404
    assert "147 challenges." in client.get("/southampton/log/").text

"""Import in the browser: upload, preview with a column mapping, confirm once, the result."""

import re
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from challengelog.accounts.models import AuditEvent
from challengelog.importing.models import ImportRun
from challengelog.register.models import Challenge
from challengelog.workspace.importing import jobs, store

from .conftest import make_user

SEED = "southampton-lscb-challenge-log-2013-2017.txt"
BASE = "/staff/test/import/"

MAPPING_CSV = (
    b"When,Concern raised,Body\n"
    b"01/02/2020,Why are referrals to early help falling?,Children's Services\n"
    b"15/03/2020,The training offer for schools has not been reviewed,Education\n"
    b"02/04/2020,Police attendance at case conferences is low,Police\n"
)


def upload(client, name, data, slug="test"):
    return client.post(f"/staff/{slug}/import/", {"file": SimpleUploadedFile(name, data)})


def token_of(response) -> str:
    assert response.status_code == 302, response.content[:2000]
    match = re.fullmatch(r"/staff/[\w-]+/import/([\w-]+)/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def challenges(slug="test") -> int:
    return Challenge.objects.filter(partnership__slug=slug).count()


def test_upload_page_offers_a_file_upload(admin_client):
    page = admin_client.get(BASE)
    assert page.status_code == 200
    assert 'type="file"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert 'accept=".txt,.csv,.xlsx,.docx,.json"' in page.text
    assert "<script>" not in page.text
    assert "style=" not in page.text


def test_seed_upload_preview_confirm_and_result(admin_client, admin, seed_bytes):
    token = token_of(upload(admin_client, SEED, seed_bytes))
    stored = settings.VAR_DIR / "uploads" / token
    assert stored.read_bytes() == seed_bytes
    assert admin_client.session["imports"][token]["name"] == SEED

    preview = admin_client.get(f"{BASE}{token}/")
    assert preview.status_code == 200
    text = preview.text
    assert "148 challenges read; 148 would be created, 0 would be updated" in text
    assert "Challenges would be created (148)" in text
    assert "Dates out of sequence (1)" in text
    assert "Challenge 144 is dated 20/06/2017, after challenge 145" in text
    assert "Date of challenge" in text  # the columns recognised: field -> header
    assert "Confirm and import" in text
    assert "Nothing will be imported" not in text
    assert "no-store" in preview["Cache-Control"]  # "back" after confirming asks again
    assert challenges() == 0  # a dry run writes nothing

    done = admin_client.post(f"{BASE}{token}/confirm/")
    assert done.status_code == 302
    assert done["Location"] == f"{BASE}{token}/status/"
    assert challenges() == 148
    assert not stored.exists()

    result = admin_client.get(done["Location"])
    assert result.status_code == 200
    assert "Import complete" in result.text
    assert "148 created, 0 updated" in result.text
    assert 'http-equiv="refresh"' not in result.text

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert event.user == admin
    assert event.partnership.slug == "test"
    assert (
        event.summary
        == f"{SEED}: 148 challenges read; 148 were created, 0 were updated, 0 unchanged."
    )
    assert event.detail["created"] == 148
    assert event.detail["updated"] == 0
    assert event.detail["file"] == SEED


def test_reimport_previews_unchanged_and_updated(admin_client, seed_bytes):
    token = token_of(upload(admin_client, SEED, seed_bytes))
    admin_client.post(f"{BASE}{token}/confirm/")
    changed = seed_bytes.replace(
        b"Safety in Southampton's tower blocks raised.", b"Safety in tower blocks raised."
    )
    assert changed != seed_bytes
    token = token_of(upload(admin_client, SEED, changed))
    preview = admin_client.get(f"{BASE}{token}/")
    assert "0 would be created, 1 would be updated, 147 unchanged" in preview.text
    assert re.search(r"<th[^>]*>\d+</th>\s*<td[^>]*>Challenge</td>", preview.text)


def test_replaying_confirm_imports_nothing_twice(admin_client, seed_bytes):
    token = token_of(upload(admin_client, SEED, seed_bytes))
    assert admin_client.post(f"{BASE}{token}/confirm/").status_code == 302
    again = admin_client.post(f"{BASE}{token}/confirm/")
    assert again.status_code == 409
    assert "already been imported" in again.text
    # Even with the session forgetting that it confirmed, the claimed token is not re-run.
    session = admin_client.session
    session["imports"][token]["confirmed"] = False
    session.save()
    assert admin_client.post(f"{BASE}{token}/confirm/").status_code == 409
    assert challenges() == 148
    assert ImportRun.objects.count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).count() == 1
    # The preview of a confirmed token goes to its result.
    assert admin_client.get(f"{BASE}{token}/")["Location"] == f"{BASE}{token}/status/"


def test_confirm_is_post_only(admin_client, seed_bytes):
    token = token_of(upload(admin_client, SEED, seed_bytes))
    assert admin_client.get(f"{BASE}{token}/confirm/").status_code == 405
    assert challenges() == 0


def test_confirm_needs_the_csrf_token(admin, seed_bytes):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    page = client.get(BASE)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        BASE, {"file": SimpleUploadedFile(SEED, seed_bytes), "csrfmiddlewaretoken": csrf}
    )
    token = token_of(response)
    assert client.post(f"{BASE}{token}/confirm/").status_code == 403
    assert challenges() == 0


def test_a_csv_needing_a_mapping(admin_client):
    token = token_of(upload(admin_client, "concerns.csv", MAPPING_CSV))
    preview = admin_client.get(f"{BASE}{token}/")
    assert preview.status_code == 200
    assert "no header row found" in preview.text
    assert "Nothing will be imported until these are fixed" in preview.text
    assert "Confirm and import" not in preview.text
    # A select for each header of the file, with the fields and "ignore".
    for index, header in enumerate(["When", "Concern raised", "Body"]):
        assert f'for="id_column_{index}">“{header}”' in preview.text
    assert '<option value="date_resolved">' in preview.text
    assert '<option value="ignore" selected>' in preview.text

    # Confirming a file with problems imports nothing.
    assert admin_client.post(f"{BASE}{token}/confirm/")["Location"] == f"{BASE}{token}/"
    assert challenges() == 0

    mapped = admin_client.post(
        f"{BASE}{token}/",
        {"column_0": "date", "column_1": "challenge", "column_2": "to", "extra": ""},
    )
    assert mapped.status_code == 302
    assert admin_client.session["imports"][token]["mapping"] == [
        "When=date",
        "Concern raised=challenge",
        "Body=to",
    ]
    preview = admin_client.get(f"{BASE}{token}/")
    assert "3 challenges read; 3 would be created" in preview.text
    assert "Nothing will be imported" not in preview.text
    assert "Confirm and import" in preview.text
    assert '<option value="challenge" selected>' in preview.text

    assert admin_client.post(f"{BASE}{token}/confirm/").status_code == 302
    assert challenges() == 3
    texts = set(Challenge.objects.values_list("text", flat=True))
    assert "Police attendance at case conferences is low" in texts
    assert AuditEvent.objects.get(kind="import").detail["mapping"] == [
        "When=date",
        "Concern raised=challenge",
        "Body=to",
    ]


def test_free_text_mapping_lines_are_checked(admin_client):
    token = token_of(upload(admin_client, "concerns.csv", MAPPING_CSV))
    bad = admin_client.post(
        f"{BASE}{token}/",
        {"column_0": "ignore", "column_1": "ignore", "column_2": "ignore", "extra": "When=wen"},
    )
    assert bad.status_code == 200
    assert "“wen” is not a field" in bad.text
    assert admin_client.session["imports"][token]["mapping"] == []
    good = admin_client.post(
        f"{BASE}{token}/",
        {
            "column_0": "ignore",
            "column_1": "ignore",
            "column_2": "ignore",
            "extra": "When=date\nConcern raised=challenge\r\nBody=to\n",
        },
    )
    assert good.status_code == 302
    assert "3 would be created" in admin_client.get(f"{BASE}{token}/").text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "The selected file is empty"),
        ("blank.csv", b"  \r\n\r\n", "The selected file is empty"),
        (
            "binary.txt",
            b"\x00\x01\x02\x03" * 200,
            "The selected file cannot be read: this is not a text file (it contains binary data)",
        ),
        (
            "fake.xlsx",
            b"this is not a spreadsheet",
            "The selected file cannot be read: not a valid Excel file",
        ),
        ("log.pdf", b"%PDF-1.4", "The selected file must be a TXT, CSV, XLSX, DOCX or JSON file"),
    ],
)
def test_unreadable_uploads_get_a_clear_error(admin_client, name, data, message):
    response = upload(admin_client, name, data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert (
        not any((settings.VAR_DIR / "uploads").glob("*"))
        if (settings.VAR_DIR / "uploads").exists()
        else True
    )


def test_no_file_and_too_large_a_file(admin_client, settings):
    response = admin_client.post(BASE, {})
    assert "Select a file to import" in response.text
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(admin_client, "big.csv", b"a,b,c\n" * 1000)
    assert "The selected file must be smaller than 1 KB" in response.text


@pytest.mark.parametrize("role", ["chair", "member", "agency_lead"])
def test_only_administrators_may_import(client, partnership, role):
    client.force_login(make_user(partnership, role))
    token = "a" * 32
    assert client.get(BASE).status_code == 403
    assert upload(client, "x.csv", MAPPING_CSV).status_code == 403
    assert client.get(f"{BASE}{token}/").status_code == 403
    assert client.post(f"{BASE}{token}/confirm/").status_code == 403
    assert client.get(f"{BASE}{token}/status/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, partnership):
    token = "a" * 32
    for method, url in [
        ("get", BASE),
        ("post", BASE),
        ("get", f"{BASE}{token}/"),
        ("post", f"{BASE}{token}/"),
        ("post", f"{BASE}{token}/confirm/"),
        ("get", f"{BASE}{token}/confirm/"),
        ("get", f"{BASE}{token}/status/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/?next="), url


def test_an_administrator_of_another_partnership_is_refused(client, seeded):
    from challengelog.register.models import Partnership

    other = Partnership.objects.create(name="Other", slug="other")
    client.force_login(make_user(other, "administrator"))
    assert client.get("/staff/southampton/import/").status_code == 403


def test_another_sessions_unknown_or_expired_token_is_not_available(
    admin_client, partnership, seed_bytes
):
    from django.test import Client

    token = token_of(upload(admin_client, SEED, seed_bytes))
    other = Client()
    other.force_login(make_user(partnership, "administrator", "second@example.org"))
    for method, url in [
        ("get", f"{BASE}{token}/"),
        ("post", f"{BASE}{token}/confirm/"),
        ("get", f"{BASE}{token}/status/"),
    ]:
        response = getattr(other, method)(url)
        assert response.status_code == 404, url
        assert "This import is not available" in response.text
    assert challenges() == 0

    for unknown in ["b" * 32, "..%2F..%2Fsecret_key", "short"]:
        response = admin_client.get(f"{BASE}{unknown}/")
        assert response.status_code == 404

    # The same token under another partnership's address is not the same upload.
    from challengelog.register.models import Partnership

    Partnership.objects.create(name="Other", slug="other")
    assert admin_client.get(f"/staff/other/import/{token}/").status_code == 403

    session = admin_client.session
    session["imports"][token]["created"] -= store.TTL_SECONDS + 1
    session.save()
    expired = admin_client.post(f"{BASE}{token}/confirm/")
    assert expired.status_code == 404
    assert "expired" in expired.text
    assert challenges() == 0


def test_status_page_refreshes_only_while_running(admin_client, admin, seed_bytes):
    token = token_of(upload(admin_client, SEED, seed_bytes))
    session = admin_client.session
    session["imports"][token]["confirmed"] = True
    session.save()
    state = {
        "state": "running",
        "note": "Reading 148 rows",
        "user": admin.pk,
        "slug": "test",
        "name": SEED,
        "rows": 148,
        "started": "2025-01-01T10:00:00+00:00",
    }
    store.save_state(token, state)
    running = admin_client.get(f"{BASE}{token}/status/")
    assert running.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in running.text
    assert "Importing… this page refreshes itself" in running.text
    assert "Reading 148 rows" in running.text

    store.save_state(token, {**state, "state": "failed", "note": "The import failed"})
    failed = admin_client.get(f"{BASE}{token}/status/")
    assert 'http-equiv="refresh"' not in failed.text
    assert "The import failed" in failed.text
    assert "Nothing was imported" in failed.text


@pytest.mark.django_db(transaction=True)
def test_a_long_file_is_imported_in_the_background(
    admin_client, seed_bytes, monkeypatch, partnership
):
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 100)
    token = token_of(upload(admin_client, SEED, seed_bytes))
    preview = admin_client.get(f"{BASE}{token}/")
    assert "imported in the background" in preview.text

    started = []
    real_start = jobs.run_in_background

    def spy(*args, **kwargs):
        thread = real_start(*args, **kwargs)
        started.append(thread)
        return thread

    monkeypatch.setattr(jobs, "run_in_background", spy)
    response = admin_client.post(f"{BASE}{token}/confirm/")
    assert response.status_code == 302
    assert len(started) == 1
    assert isinstance(started[0], threading.Thread)
    assert started[0].name == f"import-{token}"
    started[0].join(timeout=120)
    assert not started[0].is_alive()

    state = store.load_state(token)
    assert state["state"] == "done", state
    assert state["background"] is True
    assert len(state["report"]["created"]) == 148
    assert challenges() == 148
    assert AuditEvent.objects.get(kind="import").detail["created"] == 148
    result = admin_client.get(f"{BASE}{token}/status/")
    assert "Import complete" in result.text
    assert 'http-equiv="refresh"' not in result.text
    assert admin_client.post(f"{BASE}{token}/confirm/").status_code == 409
    assert challenges() == 148

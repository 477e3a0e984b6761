"""Public pages are kept in the cache under the publication they show: the second visit is not
built again (a change to the published rows is not seen until the next publish), the next
publish is seen at once, each address is kept on its own, and errors are not kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challengelog.publishing.models import PublishedChallenge
from challengelog.publishing.services import publish
from challengelog.register.models import Challenge, Partnership

PAGES = [
    "/southampton/log/",
    "/southampton/log/?q=attendance",
    "/southampton/log/144/",
    "/southampton/log/agencies/",
    "/southampton/log/agencies/children-and-families-service/",
    "/southampton/log/summary/",
]


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, len(captured)


def test_a_page_is_built_once_per_publication(client, published):
    for path in PAGES:
        first, built = queries(client, path)
        again, kept = queries(client, path)
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]
        assert again["ETag"] == first["ETag"]
        # At most which publication is the latest (remembered for a second), nothing else.
        assert kept <= 1, (path, kept)
        assert built > kept


def test_the_next_publish_is_seen_at_once_and_nothing_before_it(client, published):
    before = client.get("/southampton/log/144/").text
    PublishedChallenge.objects.filter(reference="144").update(text="Zebracanary text")
    assert client.get("/southampton/log/144/").text == before
    Challenge.objects.filter(reference="144").update(text="Zebracanary text")
    publish(partnership=Partnership.objects.get(slug="southampton"), label="again")
    assert "Zebracanary text" in client.get("/southampton/log/144/").text
    # A search is kept under its own address.
    assert "Zebracanary" not in client.get("/southampton/log/?q=attendance").text
    assert "Zebracanary" in client.get("/southampton/log/?q=zebracanary").text


@pytest.mark.parametrize("path", ["/southampton/log/99999/", "/southampton/log/agencies/nobody/"])
def test_errors_are_not_kept(client, published, path):
    assert client.get(path).status_code == 404
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 404
    assert len(captured) > 1


def test_a_filtered_download_is_kept_with_its_file_name(client, published):
    first = client.get("/southampton/log/download.csv?status=open")
    again = client.get("/southampton/log/download.csv?status=open")
    assert first.status_code == again.status_code == 200
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again.content == b"".join(first) if first.streaming else first.content


def test_a_kept_page_is_answered_before_sessions_with_every_header(client, published):
    built = client.get("/southampton/log/")
    kept = client.get("/southampton/log/")
    # Answered before the session was looked at (which adds Vary: Cookie to the built one).
    assert "Cookie" in built.get("Vary", "")
    assert not kept.has_header("Vary")
    assert kept.content == built.content
    for header in ("ETag", "Last-Modified", "Content-Security-Policy", "X-Frame-Options"):
        assert kept[header] == built[header], header
    assert kept["X-Content-Type-Options"] == "nosniff"
    assert client.get("/southampton/log/", HTTP_IF_NONE_MATCH=built["ETag"]).status_code == 304


def test_a_signed_in_person_goes_the_whole_way(client, published, django_user_model):
    client.get("/southampton/log/")  # kept
    user = django_user_model.objects.create_user(email="reader@example.org", password="x" * 14)
    client.force_login(user)
    page = client.get("/southampton/log/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"  # set after sign-in is known


def test_a_publish_elsewhere_is_seen_once_the_remembered_publication_expires(
    client, published, monkeypatch
):
    """Another server process publishes: no signal reaches this one, which reads the latest
    publication again after PUBLICATION_SECONDS."""
    import datetime as dt

    from challengelog.publishing import latest
    from challengelog.publishing.models import Publication

    monkeypatch.setattr(latest, "PUBLICATION_SECONDS", 3600)
    first = client.get("/southampton/log/")
    client.get("/southampton/log/")
    later = published.published_at + dt.timedelta(days=1)
    Publication.objects.filter(pk=published.pk).update(published_at=later)  # no signal
    assert client.get("/southampton/log/")["ETag"] == first["ETag"]
    monkeypatch.setattr(latest, "PUBLICATION_SECONDS", 0)
    assert client.get("/southampton/log/")["ETag"] != first["ETag"]

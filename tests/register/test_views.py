import pytest

from challengelog.register.models import Partnership


def test_log_redirects_to_the_only_partnership(seeded, client):
    response = client.get("/log/")
    assert response.status_code == 302
    assert response["Location"] == "/southampton/log/"
    page = client.get("/southampton/log/")
    assert page.status_code == 200
    assert "Southampton LSCB" in page.text
    assert "Safety in Southampton&#x27;s tower blocks raised." in page.text


def test_log_lists_partnerships_when_there_are_several(seeded, client):
    Partnership.objects.create(name="Another Board", slug="another")
    response = client.get("/log/")
    assert response.status_code == 200
    assert "/southampton/log/" in response.text
    assert "/another/log/" in response.text


@pytest.mark.django_db
def test_unknown_partnership_is_not_found(client):
    assert client.get("/nowhere/log/").status_code == 404

"""The log's pages: filters, search, keyset pagination, and a bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challengelog.register import selectors
from challengelog.register.models import Challenge, Partnership


def _refs(response) -> list[str]:
    return re.findall(
        r'href="/southampton/log/([^/"]+)/"><span class="govuk-visually-hidden">', response.text
    )


def test_log_redirects_to_the_only_partnership(published, client):
    response = client.get("/log/")
    assert response.status_code == 302
    assert response["Location"] == "/southampton/log/"
    page = client.get("/southampton/log/")
    assert page.status_code == 200
    assert "Southampton LSCB" in page.text
    assert "Safety in Southampton&#x27;s tower blocks raised." in page.text
    assert "148 challenges." in page.text


def test_log_lists_partnerships_when_there_are_several(published, client):
    from challengelog.publishing.services import publish

    another = Partnership.objects.create(name="Another Board", slug="another")
    # Nothing of a partnership is public before its first publish, not even its name.
    assert client.get("/log/")["Location"] == "/southampton/log/"
    assert client.get("/another/log/").status_code == 404
    publish(partnership=another, label="test")
    response = client.get("/log/")
    assert response.status_code == 200
    assert "/southampton/log/" in response.text
    assert "/another/log/" in response.text


@pytest.mark.django_db
def test_unknown_partnership_and_challenge_are_not_found(client, published):
    assert client.get("/nowhere/log/").status_code == 404
    assert client.get("/southampton/log/9999/").status_code == 404
    assert client.get("/southampton/log/agencies/no-such-agency/").status_code == 404


def test_first_page_is_newest_first_and_pages_follow_by_keyset(published, client):
    first = client.get("/southampton/log/")
    refs = _refs(first)
    assert len(refs) == selectors.PAGE_SIZE == 50
    assert refs[:3] == ["144", "148", "147"]
    next_link = re.search(r'href="\?(after=[^"]+)" rel="next"', first.text).group(1)
    second = client.get(f"/southampton/log/?{next_link}")
    assert _refs(second)[0] == "98"
    seen = refs + _refs(second)
    third = client.get(
        "/southampton/log/?" + re.search(r'href="\?(after=[^"]+)" rel="next"', second.text).group(1)
    )
    seen += _refs(third)
    assert sorted(seen, key=int) == [str(n) for n in range(1, 149)]
    assert 'rel="next"' not in third.text
    previous = re.search(r'href="\?(before=[^"]+)" rel="prev"', third.text).group(1)
    assert _refs(client.get(f"/southampton/log/?{previous}")) == _refs(second)


def test_filters_combine_and_show_as_removable(published, client):
    response = client.get("/southampton/log/?q=attendance&status=open&risk=yes")
    assert _refs(response) == ["137", "131", "108", "99"]
    assert "4 challenges match these filters." in response.text
    assert (
        'href="?status=open&amp;risk=yes">Remove <span class="govuk-visually-hidden">filter '
        "</span>Search: attendance" in response.text
    )
    assert 'href="?q=attendance&amp;risk=yes"' in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("agency=children-and-families-service&year=2014", ["46", "30", "29", "27"]),
        (
            "forum=single-agency-report&risk=not_recorded",
            ["25", "21", "20", "19", "17", "11", "10", "9", "8", "7", "5", "2"],
        ),
        ("raised_by=designated-doctor", ["96"]),
        ("agency=all-partners&status=open", ["138", "81"]),
        ("risk=no", ["140"]),
        ("status=open&year=2017&q=zebra", []),
    ],
)
def test_each_filter(published, client, query, expected):
    assert _refs(client.get(f"/southampton/log/?{query}")) == expected


def test_bad_filters_are_named_and_ignored(published, client):
    response = client.get("/southampton/log/?agency=nobody&year=1066&after=garbage")
    assert response.status_code == 200
    assert (
        "Agency challenged: Choose a agency challenged from the list" in response.text
        or "Choose an agency" in response.text
    )
    assert "Choose a year in which the log has challenges" in response.text
    assert "That page link could not be read" in response.text
    assert len(_refs(response)) == 50


def test_challenge_page_shows_every_published_field(published, client):
    response = client.get("/southampton/log/84/")
    text = response.text
    for expected in (
        "Challenge 84",
        "9 December 2015",
        "MET Group",
        "MET group members",
        "Police/Barnardos",
        "Barnardos",
        "Police",
        "Yes",
        "Assured",
        "Commissioning have held a contract monitoring meeting",
        "Published ",
        "Chair of MET Group to speak with",
    ):
        assert expected in text, expected


def test_entry_pages_list_with_counts(published, client):
    index = client.get("/southampton/log/agencies/")
    assert "Children and Families Service" in index.text
    assert "8 challenges addressed to all partners" in index.text
    page = client.get("/southampton/log/agencies/children-and-families-service/")
    assert "26 challenges: 7 open, 19 assured." in page.text
    assert "“Children &amp; Families Service”" in page.text
    assert len(_refs(page)) == 26
    meetings = client.get("/southampton/log/meetings/single-agency-report/")
    assert len(_refs(meetings)) == 12
    raisers = client.get("/southampton/log/raised-by/independent-chair/?status=open")
    assert _refs(raisers) == []


def test_a_filtered_count_is_capped_above_a_thousand(published, monkeypatch, client):
    assert selectors.COUNT_LIMIT == 1_000
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 100)
    page = client.get("/southampton/log/?status=assured").text
    assert "More than 100 challenges match these filters." in page
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 200)
    page = client.get("/southampton/log/?status=assured&q=").text
    assert "117 challenges match these filters." in page


def test_the_unfiltered_log_gives_the_publications_count_without_counting(
    published, monkeypatch, client
):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 100)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/southampton/log/").text
    assert "148 challenges." in page
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/southampton/log/",
        "/southampton/log/?q=attendance&status=assured",
        "/southampton/log/agencies/children-and-families-service/",
        "/southampton/log/84/",
        "/southampton/log/agencies/",
    ],
)
def test_queries_per_page_do_not_grow_with_the_rows(published, client, url):
    few = _queries(client, url)
    partnership = Partnership.objects.get()
    agency = partnership.agency_set.get(slug="children-and-families-service")
    for n in range(60):
        challenge = Challenge.objects.create(
            partnership=partnership,
            reference=str(1000 + n),
            text=f"attendance {n}",
            status="assured",
        )
        challenge.agencies.add(agency)
        challenge.updates.create(text="progress", position=1)
    from challengelog.publishing.services import publish

    publish(partnership=partnership, label="test")
    assert _queries(client, url) == few


def test_filter_options_mark_the_one_in_use_and_escape_every_label(published, client):
    partnership = Partnership.objects.get()
    agency = partnership.agency_set.create(name='<b>"Quoted" & Co</b>', slug="quoted-co")
    partnership.challenges.get(reference="148").agencies.add(agency)
    from challengelog.publishing.services import publish

    publish(partnership=partnership, label="test")
    # The public address is made from the published label, not the internal slug.
    page = client.get("/southampton/log/?status=open&agency=bquoted-cob").text
    assert '<option value="open" selected>Open</option>' in page
    assert '<option value="assured">Assured</option>' in page
    assert '<option value="" selected>' not in page
    assert "&lt;b&gt;&quot;Quoted&quot; &amp; Co&lt;/b&gt;</option>" in page
    assert '<option value="bquoted-cob" selected>' in page
    assert "<b>" not in page


def test_each_row_shows_its_status_as_a_coloured_tag(published, client):
    tags = re.findall(
        r'<strong class="govuk-tag (govuk-tag--\w+)">(\w+)</strong>',
        client.get("/southampton/log/").text,
    )
    assert len(tags) == 50
    colours = {"Open": "govuk-tag--yellow", "Assured": "govuk-tag--green"}
    for colour, label in tags:
        assert colours.get(label, "govuk-tag--grey") == colour
    assert {"Open", "Assured"} <= {label for _, label in tags}


def test_a_search_with_many_matches_walks_the_log_and_finds_the_same_page(
    published, monkeypatch, client
):
    from django.db import transaction

    from challengelog.register import filters

    partnership = Partnership.objects.get()
    queryset = filters.search(partnership.published.all(), "safeguarding")
    ordered = queryset.order_by(*selectors.NEWEST_FIRST)[:51]
    walked = selectors._in_order(ordered, walk=True)
    assert len(walked) > 10
    assert walked == list(ordered)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            selectors._in_order(ordered, walk=True)
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone() == ("on",)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 10)
    page = client.get("/southampton/log/?q=safeguarding").text
    assert "More than 10 challenges match these filters." in page
    assert (
        _refs(client.get("/southampton/log/?q=safeguarding")) == [c.reference for c in walked][:50]
    )


@pytest.mark.parametrize("model_name", ["challenge", "published"])
def test_the_first_and_last_dates_read_the_log_index_without_sorting(published, model_name):
    """The year lists ask for the first and last date raised. On SQLite with statistics
    (ANALYZE, run by the migrations) "date raised is not null" alone once chose the status
    index and sorted every row: 60 ms at 100,000 on every dashboard."""
    from challengelog.publishing.models import PublishedChallenge
    from challengelog.register.models import dated

    model = Challenge if model_name == "challenge" else PublishedChallenge
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queryset = dated(model.objects.filter(partnership=Partnership.objects.get()))
    for order in ("sort_date", "-sort_date"):
        query = queryset.order_by(order).values_list("date_raised", flat=True)[:1]
        assert list(query) == [
            min(dates) if order == "sort_date" else max(dates)
            for dates in [[d for d in queryset.values_list("date_raised", flat=True) if d]]
        ]
        sql, params = query.query.sql_with_params()
        # A range on the sort date (the index's second column) on every database.
        assert '"sort_date" >' in sql, sql
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "log_order" in plan, plan
            assert "TEMP B-TREE" not in plan, plan

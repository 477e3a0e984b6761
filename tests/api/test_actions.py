"""Actions over the API: the open actions with the internal log's owner and due filters, read
one, add one to an open challenge, mark one done; by the web pages' rules."""

import datetime as dt

import pytest
import time_machine

from challengelog.register.models import Action, Challenge

P = "/api/partnerships/southampton"
TODAY = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def _add(client, reference, **body):
    return client.post(
        f"{P}/challenges/{reference}/actions/", body, content_type="application/json"
    )


def test_a_chair_adds_an_action_then_marks_it_done(api, seeded, frozen):
    client = api("chair")
    added = _add(client, "144", text="Share the audit", agency="police", due="2026-12-01")
    assert added.status_code == 201, added.json()
    action = added.json()
    assert action["challenge"] == "144"
    assert action["agency"] == "Police"
    assert action["due"] == "2026-12-01"
    assert action["completed_on"] is None
    stored = Action.objects.get(pk=action["id"])
    assert stored.position == Challenge.objects.get(reference="144").actions.count()
    assert stored.history.first().history_user.email == "chair@example.org"
    # The challenge lists it too, with its id.
    challenge = client.get(f"{P}/challenges/144/").json()
    assert action["id"] in [a["id"] for a in challenge["actions"]]

    done = client.patch(
        f"{P}/actions/{action['id']}/",
        {"completed_on": "2026-11-25"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["completed_on"] == "2026-11-25"
    assert Action.objects.get(pk=action["id"]).completed_on == dt.date(2026, 11, 25)
    again = client.patch(
        f"{P}/actions/{action['id']}/",
        {"completed_on": "2026-11-26"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["fields"] == {"completed_on": ["This action was marked done on 2026-11-25"]}


def test_mistakes_are_named_and_nothing_is_written(api, seeded, frozen):
    client = api("chair")
    before = Action.objects.count()
    cases = [
        ({"agency": "police"}, {"text": ["Enter the action"]}),
        (
            {"text": "x", "agency": "atlantis"},
            {"agency": ["No agency “atlantis” in this partnership"]},
        ),
        (
            {"text": "x", "due_forum": "executive"},
            {
                "due_forum": [
                    "No meeting of “executive” is planned whose papers have not yet gone "
                    "out: add one to the forward plan, or give a due date"
                ]
            },
        ),
        (
            {"text": "x", "due_forum": "nowhere"},
            {"due_forum": ["No meeting or source “nowhere” in this partnership"]},
        ),
    ]
    for body, fields in cases:
        response = _add(client, "144", **body)
        assert response.status_code == 400, body
        assert response.json()["fields"] == fields, body
    assert _add(client, "144", text="x", due="2031-12-01").status_code == 400
    # A challenge that is no longer open takes no new action.
    closed = _add(client, "146", text="More")
    assert closed.status_code == 400
    assert "reopen it before adding an action" in closed.json()["error"] + str(closed.json())
    assert Action.objects.count() == before

    action = Action.objects.get(pk=_add(client, "144", text="Report back").json()["id"])
    for body, field in [
        ({"completed_on": "2026-12-25"}, "completed_on"),
        ({"completed_on": "yesterday-ish"}, "completed_on"),
        ({"completed_on": "2016-01-01"}, "completed_on"),
        ({"text": "Reworded"}, "text"),
        ({}, "completed_on"),
    ]:
        response = client.patch(f"{P}/actions/{action.pk}/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert field in response.json()["fields"], (body, response.json())
    assert Action.objects.get(pk=action.pk).completed_on is None
    assert Action.objects.get(pk=action.pk).text == action.text


def test_roles_decide_who_sees_adds_and_marks_done(api, seeded, frozen):
    # 144 is addressed to Children and Families Service.
    action = Action.objects.get(pk=_add(api("chair"), "144", text="Report back").json()["id"])
    url = f"{P}/actions/{action.pk}/"
    assert api("lead").get(url).status_code == 200
    assert api("member").get(url).status_code == 200
    assert api("other_lead").get(url).status_code == 404  # not addressed to Barnardos
    body = {"completed_on": "2026-11-26"}
    assert api("member").patch(url, body, content_type="application/json").status_code == 403
    assert api("lead").patch(url, body, content_type="application/json").status_code == 403
    assert api("other_lead").patch(url, body, content_type="application/json").status_code == 404
    assert _add(api("lead"), "144", text="x").status_code == 403
    assert _add(api("other_lead"), "144", text="x").status_code == 404
    assert api("anonymous").get(f"{P}/actions/").status_code == 401
    assert Action.objects.get(pk=action.pk).completed_on is None
    # Another partnership's action is not found through this one.
    assert api("chair").get(f"{P}/actions/999999/").status_code == 404
    # The other lead's list holds only actions of challenges to Barnardos or to all partners.
    for reference in ("65", "97"):  # to Barnardos; to all partners
        Challenge.objects.filter(reference=reference).update(status="open")
        assert _add(api("chair"), reference, text="Report back").status_code == 201
    seen = api("other_lead").get(f"{P}/actions/?state=all").json()["results"]
    assert sorted(row["challenge"] for row in seen) == ["65", "97"]


def test_the_list_filters_by_owner_due_and_state_and_pages_by_due_date(
    api, seeded, frozen, monkeypatch
):
    from challengelog.api import actions as module

    client = api("chair")
    for due in ("2026-11-20", "2026-12-02", "2026-12-01", None, "2026-11-25"):
        body = {"text": f"Due {due}", "agency": "police"}
        if due:
            body["due"] = due
        assert _add(client, "144", **body).status_code == 201
    police = client.get(f"{P}/actions/?owner=police").json()["results"]
    assert [a["due"] for a in police] == [
        "2026-11-20",
        "2026-11-25",
        "2026-12-01",
        "2026-12-02",
        None,
    ]
    assert [a["overdue_by"] for a in police] == [4, 1, 0, 0, 0]
    overdue = client.get(f"{P}/actions/?owner=police&due=overdue").json()["results"]
    assert [a["due"] for a in overdue] == ["2026-11-20", "2026-11-25"]
    soon = client.get(f"{P}/actions/?owner=police&due=soon").json()["results"]
    assert [a["due"] for a in soon] == ["2026-12-01", "2026-12-02"]

    # Paging: every open action once, soonest due first, undated last.
    monkeypatch.setattr(module, "PAGE_SIZE", 3)
    everything = Action.objects.filter(
        completed_on__isnull=True,
        challenge__status="open",
        challenge__partnership__slug="southampton",
    )
    seen, url = [], f"{P}/actions/"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 3
        seen += page["results"]
        url = page["next"]
    assert sorted(a["id"] for a in seen) == sorted(everything.values_list("pk", flat=True))
    keys = [(a["due"] is None, a["due"] or "", a["id"]) for a in seen]
    assert keys == sorted(keys)

    done = client.patch(
        f"{P}/actions/{police[0]['id']}/",
        {"completed_on": "2026-11-26"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert police[0]["id"] not in [
        a["id"] for a in client.get(f"{P}/actions/?owner=police").json()["results"]
    ]
    finished = client.get(f"{P}/actions/?owner=police&state=done").json()["results"]
    assert [a["id"] for a in finished] == [police[0]["id"]]
    assert client.get(f"{P}/actions/?challenge=144&state=all").json()["results"]

    for query, field in [
        ("owner=atlantis", "owner"),
        ("due=tomorrow", "due"),
        ("state=lost", "state"),
        ("after=garbage", "after"),
    ]:
        response = client.get(f"{P}/actions/?{query}")
        assert response.status_code == 400, query
        assert field in response.json()["fields"], query


def test_an_action_due_by_the_next_meeting_takes_its_papers_day(api, seeded, frozen):
    from challengelog.followup.models import Meeting
    from challengelog.register.models import Forum

    forum = Forum.objects.get(partnership__slug="southampton", slug="executive")
    Meeting.objects.create(partnership=forum.partnership, forum=forum, date=dt.date(2026, 12, 14))
    added = _add(api("chair"), "144", text="Report back", due_forum="executive")
    assert added.status_code == 201, added.json()
    # Papers go out five working days before the meeting.
    assert added.json()["due"] == "2026-12-07"
    assert added.json()["due_meeting"] == {"forum": "Executive", "date": "2026-12-14"}

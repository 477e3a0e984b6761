"""Who may reach which internal page: every internal URL for every role, and anonymous."""

import pytest

from challengelog.register.models import Challenge

S = "/staff/southampton"
# Challenge 144 is addressed to Children and Families Service; 97 to all partners.
PAGES = {
    "my work": "/work/",
    "internal log": f"{S}/log/",
    "export csv": f"{S}/export.csv",
    "raise": f"{S}/raise/",
    "audit": f"{S}/audit/",
    "challenge": f"{S}/log/144/",
    "edit": f"{S}/log/144/edit/",
    "progress": f"{S}/log/144/progress/",
    "respond": f"{S}/log/144/respond/",
    "assure": f"{S}/log/144/assure/",
    "close": f"{S}/log/144/close/",
    "reopen": f"{S}/log/146/reopen/",
    "history": f"{S}/log/144/history/",
    "add action": f"{S}/log/144/actions/add/",
    "who viewed": f"{S}/log/144/viewed/",
    "person search": f"{S}/people/?name=Smith",
    "records management": f"{S}/records/",
    "all-partners challenge": f"{S}/log/97/",
    "respond to all partners": f"{S}/log/97/respond/",
    "lists": f"{S}/lists/",
    "import": f"{S}/import/",
    "publishing": f"{S}/publishing/",
    "dashboard": f"{S}/dashboard/",
    "report pack": f"{S}/report/",
    "report pdf": f"{S}/report.pdf?ryear=2016",
    "report docx": f"{S}/report.docx?ryear=2016",
    "report json": f"{S}/report.json",
    "themes": f"{S}/log/144/themes/",
    "meetings": f"{S}/meetings/",
    "meeting papers": f"{S}/meetings/{{meeting}}/",
    "papers pdf": f"{S}/meetings/{{meeting}}/papers.pdf",
    "papers docx": f"{S}/meetings/{{meeting}}/papers.docx",
    "change meeting": f"{S}/meetings/{{meeting}}/edit/",
    "record outcomes": f"{S}/meetings/{{meeting}}/outcomes/",
    "escalate": f"{S}/log/144/escalate/",
    "letter": f"{S}/log/144/letter/",
    "letter pdf": f"{S}/log/144/letter.pdf",
    "letter docx": f"{S}/log/144/letter.docx",
    "follow-up settings": f"{S}/follow-up/",
    "notices": "/account/notices/",
    "api tokens": "/account/tokens/",
    "two-factor": "/account/two-factor/",
    "two-factor setup": "/account/two-factor/setup/",
    "two-factor code": "/account/two-factor/code/",
    "partnership api tokens": f"{S}/tokens/",
    "partnership two-factor": f"{S}/two-factor/",
}
OK, NO, GONE = 200, 403, 404
EXPECTED = {
    #                         admin chair member lead other_lead
    "my work": (OK, OK, OK, OK, OK),
    "internal log": (OK, OK, OK, OK, OK),
    "export csv": (OK, OK, OK, OK, OK),
    "raise": (OK, OK, NO, NO, NO),
    "audit": (OK, NO, NO, NO, NO),
    "challenge": (OK, OK, OK, OK, GONE),
    "edit": (OK, OK, NO, NO, GONE),
    "progress": (OK, OK, NO, NO, GONE),
    "respond": (OK, NO, NO, OK, GONE),
    "assure": (OK, OK, NO, NO, GONE),
    "close": (OK, OK, NO, NO, GONE),
    "reopen": (OK, OK, NO, GONE, GONE),
    "history": (OK, OK, OK, OK, GONE),
    "add action": (OK, OK, NO, NO, GONE),
    "who viewed": (OK, NO, NO, NO, NO),
    "person search": (OK, NO, NO, NO, NO),
    "records management": (OK, NO, NO, NO, NO),
    "all-partners challenge": (OK, OK, OK, OK, OK),
    "respond to all partners": (OK, NO, NO, OK, OK),
    "lists": (OK, NO, NO, NO, NO),
    "import": (OK, NO, NO, NO, NO),
    "publishing": (OK, OK, OK, NO, NO),  # members see it and may change public wording
    "dashboard": (OK, OK, OK, OK, OK),
    "report pack": (OK, OK, OK, NO, NO),
    "report pdf": (OK, OK, OK, NO, NO),
    "report docx": (OK, OK, OK, NO, NO),
    "report json": (OK, OK, OK, NO, NO),
    "themes": (OK, OK, NO, NO, GONE),
    "meetings": (OK, OK, OK, NO, NO),
    "meeting papers": (OK, OK, OK, NO, NO),
    "papers pdf": (OK, OK, OK, NO, NO),
    "papers docx": (OK, OK, OK, NO, NO),
    "change meeting": (OK, OK, NO, NO, NO),
    "record outcomes": (OK, OK, NO, NO, NO),
    "escalate": (OK, OK, NO, NO, GONE),
    "letter": (OK, OK, NO, NO, GONE),
    "letter pdf": (OK, OK, NO, NO, GONE),
    "letter docx": (OK, OK, NO, NO, GONE),
    "follow-up settings": (OK, NO, NO, NO, NO),
    "notices": (OK, OK, OK, OK, OK),
    "api tokens": (OK, OK, OK, OK, OK),
    "two-factor": (OK, OK, OK, OK, OK),
    "two-factor setup": (OK, OK, OK, OK, OK),
    "two-factor code": (302, 302, 302, 302, 302),  # nothing set up: sent to set it up
    "partnership api tokens": (OK, NO, NO, NO, NO),
    "partnership two-factor": (OK, NO, NO, NO, NO),
}
ROLES = ["admin", "chair", "member", "lead", "other_lead"]


def url(page: str) -> str:
    """The page's address; meeting pages use the meeting challenge 144 was raised at."""
    from challengelog.followup.models import Meeting

    if "{meeting}" not in PAGES[page]:
        return PAGES[page]
    meeting = Meeting.objects.get(items__challenge__reference="144", items__role="raised")
    return PAGES[page].format(meeting=meeting.pk)


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitors_are_sent_to_sign_in(client, seeded, page):
    response = client.get(url(page))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize("page", list(PAGES))
def test_each_role_reaches_what_it_may(as_user, page):
    """Each role in turn on one page (one database per page: the seed import is the cost)."""
    for role, expected in zip(ROLES, EXPECTED[page], strict=True):
        assert as_user(role).get(url(page)).status_code == expected, (page, role)


@pytest.mark.parametrize("role", ["member", "lead", "other_lead"])
def test_posts_are_refused_as_well_as_pages(as_user, role):
    client = as_user(role)
    before = Challenge.objects.get(reference="144").version
    for url in (f"{S}/log/144/edit/", f"{S}/log/144/assure/", f"{S}/log/144/progress/"):
        response = client.post(
            url, {"text": "x", "outcome": "x", "date": "01/01/2020", "version": before}
        )
        assert response.status_code in (403, 404)
    assert Challenge.objects.get(reference="144").status == "open"
    assert Challenge.objects.get(reference="144").version == before


def test_an_agency_lead_sees_only_their_agencys_challenges_everywhere(as_user):
    client = as_user("other_lead")  # Barnardos
    log = client.get(f"{S}/log/?q=supervision+orders")
    assert "144" not in log.text.split("Challenges, newest first")[-1]
    everything = client.get(f"{S}/log/").text
    assert "/staff/southampton/log/65/" in everything  # to Barnardos
    assert "/staff/southampton/log/144/" not in everything
    exported = client.get(f"{S}/export.json").json()
    references = {r["reference"] for r in exported}
    assert "144" not in references
    assert {"65", "83", "84", "97"} <= references
    assert all(r["to_all_partners"] or "Barnardos" in r["agencies"] for r in exported)


def test_a_public_page_stays_public_and_unchanged(client, published):
    assert client.get("/southampton/log/144/").status_code == 200

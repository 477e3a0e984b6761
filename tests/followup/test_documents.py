"""The letter and the meeting papers, opened as a reader would (python-docx, pdfplumber) and
checked against the data; the letter's wording is the partnership's to edit."""

import datetime as dt
import io

import pdfplumber
import pytest
import time_machine
from docx import Document

from challengelog.followup import letters, papers
from challengelog.followup.meetings import settings_for
from challengelog.followup.models import Meeting
from challengelog.register.models import Agency, Challenge, Forum
from challengelog.register.services import ActionInput
from tests.followup.conftest import LONDON

S = "/staff/southampton"


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def challenge(raise_one):
    cfs = Agency.objects.get(slug="children-and-families-service")
    with time_machine.travel(dt.datetime(2026, 5, 21, 10, tzinfo=LONDON)):
        return raise_one(
            dt.date(2026, 5, 21),
            actions=[
                ActionInput(
                    text="Report supervision order numbers quarterly",
                    agency=cfs,
                    lead="Head of Service",
                    due=dt.date(2026, 6, 30),
                )
            ],
        )


def test_the_letter_as_word_and_pdf_holds_the_challenge(as_user, challenge):
    client = as_user("chair")
    page = client.get(f"{S}/log/{challenge.reference}/letter/")
    assert page.status_code == 200
    assert "Letter to Children and Families Service" in page.text
    with time_machine.travel(dt.datetime(2026, 5, 22, 10, tzinfo=LONDON)):
        word = client.get(f"{S}/log/{challenge.reference}/letter.docx")
        pdf = client.get(f"{S}/log/{challenge.reference}/letter.pdf")
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f"challenge-{challenge.reference}-letter-children-and-families-service.docx"
        in (word["Content-Disposition"])
    )
    for text in (squash(docx_text(word.content)), squash(pdf_text(pdf.content))):
        assert "Southampton LSCB" in text
        assert "22 May 2026" in text  # the date of the letter
        assert "To: Children and Families Service" in text
        assert f"Challenge {challenge.reference} from Southampton LSCB" in text  # subject
        assert "Dear Head of Service," in text
        assert "raised at Executive on 21 May 2026" in text
        assert challenge.text in text
        assert "Report supervision order numbers quarterly (due 30 June 2026)" in text
        assert "by 30 June 2026" in text
        assert "stage 1 of our escalation procedure (Business unit officer)" in text
        assert "within 5 working days" in text
        assert "Chair, Southampton LSCB" in text  # no signatory set: the default
        assert "OFFICIAL-SENSITIVE" in text
    assert pdf.content.startswith(b"%PDF")


def test_the_partnership_edits_the_letter_and_a_wrong_placeholder_is_refused(
    as_user, challenge, partnership
):
    client = as_user("admin")
    form = client.get(f"{S}/follow-up/")
    assert "{{ agency }}" in form.text
    data = {
        "stages-TOTAL_FORMS": "5",
        "stages-INITIAL_FORMS": "4",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "8",
        "papers_days": "5",
        "remind_days": "3",
        "signatory": "Independent Chair",
        "letter_subject": "About {{ reference }}",
        "letter_body": "To {{ agenc }},\n\n{{ challenge }}\n\n{{ signatory }}",
    }
    for n, (name, days) in enumerate(
        [("Officer", 5), ("Subgroup chair", 5), ("Independent chair", 10), ("Executive", 10)]
    ):
        data[f"stages-{n}-name"], data[f"stages-{n}-days"] = name, str(days)
    refused = client.post(f"{S}/follow-up/", data)
    assert refused.status_code == 200
    assert "{{ agenc }} is not a placeholder: use only those listed" in refused.text
    assert settings_for(partnership).signatory == ""  # nothing saved
    data["letter_body"] = "To {{ agency }},\n\n{{ challenge }}\n\n{{ signatory }}"
    assert client.post(f"{S}/follow-up/", data).status_code == 302
    # Text that looks like a placeholder inside the challenge stays as it was typed.
    Challenge.objects.filter(pk=challenge.pk).update(text="Why {{ signatory }} <b>now</b>?")
    challenge.refresh_from_db()
    built = letters.build(
        challenge, Agency.objects.get(slug="children-and-families-service"), dt.date(2026, 5, 22)
    )
    assert built.subject == f"About {challenge.reference}"
    assert built.paragraphs == [
        "To Children and Families Service,",
        "Why {{ signatory }} <b>now</b>?",
        "Independent Chair",
    ]
    page = client.get(f"{S}/log/{challenge.reference}/letter/")
    assert "Why {{ signatory }} &lt;b&gt;now&lt;/b&gt;?" in page.text
    assert "<b>now</b>" not in page.text


def test_a_stage_with_open_challenges_cannot_be_removed(as_user, challenge):
    challenge.stage = 4
    challenge.save()
    data = {
        "stages-TOTAL_FORMS": "4",
        "stages-INITIAL_FORMS": "4",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "8",
        "papers_days": "5",
        "remind_days": "3",
        "signatory": "",
        "letter_subject": "x",
        "letter_body": "y",
        "stages-0-name": "Officer",
        "stages-0-days": "5",
        "stages-1-name": "Manager",
        "stages-1-days": "5",
        "stages-2-name": "Chair",
        "stages-2-days": "10",
    }
    response = as_user("admin").post(f"{S}/follow-up/", data)
    assert "1 open challenge is at a stage after stage 3" in response.text
    assert "Nothing was saved" in response.text
    from challengelog.followup.models import EscalationStage

    assert EscalationStage.objects.filter(partnership=challenge.partnership).count() == 4
    assert EscalationStage.objects.get(partnership=challenge.partnership, number=1).name == (
        "Business unit officer"
    )


@pytest.fixture
def board_meeting(partnership):
    forum = Forum.objects.get(partnership=partnership, name="LSCB")
    return Meeting.objects.create(
        partnership=partnership, forum=forum, date=dt.date(2026, 12, 8), location="Civic Centre"
    )


def test_meeting_papers_as_pdf_and_word_hold_what_the_page_holds(as_user, board_meeting):
    expected = [
        c.reference
        for c in Challenge.objects.filter(
            partnership=board_meeting.partnership, status="open", forum=board_meeting.forum
        ).order_by("sort_date", "reference_number")
    ]
    assert len(expected) >= 3
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)):
        context = papers.build(board_meeting, dt.date(2026, 12, 1))
        client = as_user("member")
        page = client.get(f"{S}/meetings/{board_meeting.pk}/")
        word = client.get(f"{S}/meetings/{board_meeting.pk}/papers.docx")
        pdf = client.get(f"{S}/meetings/{board_meeting.pk}/papers.pdf")
    assert [e["challenge"].reference for e in context["items"]] == expected
    assert context["deadline"] == dt.date(2026, 12, 1)  # 5 working days before Tuesday 8th
    assert "Papers go out Tuesday 1 December 2026" in page.text
    assert 'filename="lscb-2026-12-08-papers.docx"' in word["Content-Disposition"]
    for text in (docx_text(word.content), pdf_text(pdf.content)):
        flat = squash(text)
        assert "Papers: LSCB, 8 December 2026" in flat
        assert f"Open challenges: {len(expected)}" in flat
        positions = [flat.index(f"Challenge {ref}") for ref in expected]
        assert positions == sorted(positions)  # oldest first, each present
        for entry in context["items"]:
            latest = entry["latest"]
            if latest:
                assert squash(latest.text)[:60] in flat
    ready = [e["challenge"].reference for e in context["ready"]]
    assert f"Ready to be agreed as assured: {len(ready)}" in squash(docx_text(word.content))


def test_papers_list_actions_due_and_challenges_assigned_by_meeting_or_stage(
    as_user, partnership, raise_one, board_meeting
):
    from challengelog.followup.models import EscalationStage
    from challengelog.followup.stages import stages

    executive = Forum.objects.get(partnership=partnership, name="Executive")
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)):
        due_here = raise_one(
            dt.date(2026, 11, 26),
            forum="Executive",
            actions=[ActionInput(text="Bring the audit", due_forum=board_meeting.forum)],
        )
        at_stage = raise_one(dt.date(2026, 11, 26), forum="Executive", text="Stage four item")
        late = raise_one(
            dt.date(2026, 11, 26),
            forum="Executive",
            text="Overdue item",
            actions=[ActionInput(text="Long overdue", due=dt.date(2026, 11, 27))],
        )
    stages(partnership)
    EscalationStage.objects.filter(partnership=partnership, number=4).update(
        forum=board_meeting.forum
    )
    Challenge.objects.filter(pk=at_stage.pk).update(stage=4)
    context = papers.build(board_meeting, dt.date(2026, 12, 1))
    listed = {e["challenge"].reference for e in context["items"]}
    assert due_here.reference in listed  # its action is due by this meeting
    assert at_stage.reference in listed  # at the stage this forum holds
    assert late.reference not in listed  # raised at the Executive, nothing here
    assert [a.text for a in context["due"]] == ["Bring the audit"]
    assert context["due"][0].due == dt.date(2026, 12, 1)
    assert executive.meetings.count() >= 1


HOSTILE = (
    '<script>alert(1)</script> =HYPERLINK("http://x") \'; DROP TABLE x; -- '
    "\u202egnp.exe \u200b zero\x0bwidth {{ signatory }}"
)


def test_hostile_text_stays_text_in_the_letter_and_the_papers(as_user, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(text=HOSTILE)
    challenge.refresh_from_db()
    meeting = Meeting.objects.create(
        partnership=challenge.partnership, forum=challenge.forum, date=dt.date(2026, 12, 8)
    )
    client = as_user("chair")
    page = client.get(f"{S}/meetings/{meeting.pk}/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    letter = client.get(f"{S}/log/{challenge.reference}/letter/").text
    assert "<script>alert(1)</script>" not in letter
    expected = '<script>alert(1)</script> =HYPERLINK("http://x") \'; DROP TABLE x; --'
    for url in (
        f"{S}/log/{challenge.reference}/letter.docx",
        f"{S}/meetings/{meeting.pk}/papers.docx",
    ):
        text = docx_text(client.get(url).content)
        assert expected in text
        assert "\u202egnp.exe" in text  # kept, as typed
        assert "zerowidth" in text  # controls XML cannot hold are dropped
        assert "{{ signatory }}" in text  # not filled in
    for url in (
        f"{S}/log/{challenge.reference}/letter.pdf",
        f"{S}/meetings/{meeting.pk}/papers.pdf",
    ):
        text = pdf_text(client.get(url).content)
        assert "<script>alert(1)</script> =HYPERLINK" in text
        assert "{{ signatory }}" in text  # and the text layer survives the control character


def test_long_papers_list_the_oldest_and_say_where_the_rest_are(
    as_user, board_meeting, monkeypatch
):
    monkeypatch.setattr(papers, "PAPERS_LIMIT", 3)
    open_here = Challenge.objects.filter(status="open", forum=board_meeting.forum).order_by(
        "sort_date", "reference_number"
    )
    total = open_here.count()
    context = papers.build(board_meeting, dt.date(2026, 12, 1))
    assert [e["challenge"].reference for e in context["items"]] == [
        c.reference for c in open_here[:3]
    ]
    assert (context["total"], context["more"]) == (total, total - 3)
    page = as_user("chair").get(f"{S}/meetings/{board_meeting.pk}/").text
    assert f"The 3 oldest of {total} open challenges are listed" in page
    assert f'?forum=lscb&amp;status=open">all {total} are in the internal log' in page
    log = as_user("chair").get(f"{S}/log/?forum=lscb&status=open").text
    assert f"{total} challenges match" in log
    word = squash(
        docx_text(as_user("chair").get(f"{S}/meetings/{board_meeting.pk}/papers.docx").content)
    )
    assert f"Open challenges: {total} (the 3 oldest listed here)" in word
    assert f"the other {total - 3} are in the internal log" in word

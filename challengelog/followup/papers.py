"""Meeting papers: for one meeting, the open challenges raised at or assigned to its forum with
their latest progress, the actions due by the meeting or overdue, and those ready to be agreed
as assured. One dictionary for the page, the PDF and the Word document.

A challenge is "assigned to" a forum when one of its open actions is due by a meeting of that
forum, or when it is at an escalation stage that forum holds. It is "ready to be agreed as
assured" when it awaits no response, has no open action left, and either its actions were all
done or the last word in its timeline is the agency's response.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string

from challengelog.followup.meetings import papers_deadline, settings_for
from challengelog.followup.models import AgendaItem, EscalationStage, Meeting
from challengelog.followup.stages import stages, standing
from challengelog.followup.workingdays import overdue_by
from challengelog.insights.docx import clean
from challengelog.ops.marking import mark_docx, marking
from challengelog.register.models import Action, Challenge, ProgressUpdate

# Papers a board can read: beyond this many open challenges the oldest are listed and the
# papers say how many more there are, with a link to them in the internal log.
PAPERS_LIMIT = 150


def challenges_for(meeting: Meeting):
    """The open challenges on the papers of `meeting`, oldest first."""
    held = EscalationStage.objects.filter(
        partnership=meeting.partnership, forum=meeting.forum
    ).values_list("number", flat=True)
    due_here = Action.objects.filter(
        completed_on__isnull=True, due_meeting__forum=meeting.forum
    ).values("challenge_id")
    return (
        Challenge.objects.filter(partnership=meeting.partnership, status=Challenge.Status.OPEN)
        .filter(Q(forum=meeting.forum) | Q(pk__in=due_here) | Q(stage__in=list(held)))
        .select_related("forum", "partnership")
        .prefetch_related(
            "agencies",
            Prefetch("actions", queryset=Action.objects.select_related("agency", "due_meeting")),
            "updates",
        )
        .order_by("sort_date", "reference_number", "id")
    )


def _ready(challenge: Challenge, updates: list, open_actions: list) -> bool:
    if challenge.awaiting_since is not None or open_actions:
        return False
    if challenge.actions.all():
        return True  # every action done
    return bool(updates) and updates[-1].kind == ProgressUpdate.Kind.RESPONSE


def build(meeting: Meeting, today: dt.date) -> dict:
    conf = settings_for(meeting.partnership)
    all_stages = stages(meeting.partnership)
    reviewed = {
        item.challenge_id: item
        for item in AgendaItem.objects.filter(meeting=meeting, role=AgendaItem.Role.REVIEWED)
    }
    items, due, ready = [], [], []
    on_papers = challenges_for(meeting)
    listed = list(on_papers[:PAPERS_LIMIT])
    total = len(listed) if len(listed) < PAPERS_LIMIT else on_papers.count()
    for challenge in listed:
        updates = list(challenge.updates.all())
        latest = updates[-1] if updates else None
        open_actions = [a for a in challenge.actions.all() if a.completed_on is None]
        for action in open_actions:
            action.late_by = overdue_by(action.due, meeting.date)
            if action.due and (action.due <= meeting.date or action.late_by):
                due.append(action)
        where = standing(challenge, all_stages, today)
        is_ready = _ready(challenge, updates, open_actions)
        entry = {
            "challenge": challenge,
            "agencies": ", ".join(a.name for a in challenge.agencies.all())
            or challenge.to_as_recorded,
            "latest": latest,
            "actions": open_actions,
            "standing": where,
            "ready": is_ready,
            "reviewed": reviewed.get(challenge.pk),
            "raised_here": challenge.forum_id == meeting.forum_id,
        }
        items.append(entry)
        if is_ready:
            ready.append(entry)
    due.sort(key=lambda a: (a.due, a.challenge.reference_number))
    return {
        "meeting": meeting,
        "partnership": meeting.partnership,
        "deadline": papers_deadline(meeting, conf.papers_days),
        "items": items,
        "total": total,
        "more": total - len(items),
        "due": due,
        "ready": ready,
        "flagged": [i for i in items if i["standing"].flagged],
        "today": today,
        "outcomes_recorded": list(
            AgendaItem.objects.filter(meeting=meeting, role=AgendaItem.Role.REVIEWED)
        ),
    }


def title(meeting: Meeting) -> str:
    return f"Papers: {meeting}"


def filename(meeting: Meeting) -> str:
    return f"{meeting.forum.slug}-{meeting.date.isoformat()}-papers"


def to_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    from challengelog.publishing.downloads import url_fetcher

    # Control characters have no glyph: one in the text spoils the font's text layer.
    html = clean(render_to_string("followup/papers_pdf.html", context))
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf(pdf_variant="pdf/ua-1")


def _long(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not recorded"


def to_docx(context: dict) -> bytes:
    """The papers for the board pack: Arial 11, A4, one section per challenge."""
    from docx import Document
    from docx.shared import Mm, Pt

    meeting = context["meeting"]
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = title(meeting)
    mark_docx(document)
    document.add_paragraph(marking())
    document.add_heading(clean(title(meeting)), level=0)
    document.add_paragraph(
        f"{clean(meeting.partnership.name)}. Meeting on {_long(meeting.date)}"
        + (f", {clean(meeting.location)}" if meeting.location else "")
        + f". Papers drawn up {_long(context['today'])}."
    )

    document.add_heading("Summary", level=1)
    for line in (
        f"Open challenges: {context['total']}"
        + (f" (the {len(context['items'])} oldest listed here)" if context["more"] else ""),
        f"Actions due by the meeting or overdue: {len(context['due'])}",
        f"Ready to be agreed as assured: {len(context['ready'])}",
        f"Past the timescale of their escalation stage: {len(context['flagged'])}",
    ):
        document.add_paragraph(line, style="List Bullet")

    document.add_heading("Actions due by the meeting or overdue", level=1)
    if context["due"]:
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("Challenge", "Action", "Owner", "Due"), strict=True
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for action in context["due"]:
            row = table.add_row().cells
            row[0].text = clean(action.challenge.reference)
            row[1].text = clean(action.text)
            row[2].text = clean(action.agency.name if action.agency else "")
            row[3].text = _long(action.due) + (
                f" (overdue by {action.late_by} working days)" if action.late_by else ""
            )
    else:
        document.add_paragraph("None.")

    document.add_heading("Ready to be agreed as assured", level=1)
    if context["ready"]:
        for entry in context["ready"]:
            document.add_paragraph(
                f"Challenge {clean(entry['challenge'].reference)}: {clean(entry['agencies'])}",
                style="List Bullet",
            )
    else:
        document.add_paragraph("None.")

    document.add_heading("Open challenges", level=1)
    if not context["items"]:
        document.add_paragraph("No open challenge is raised at or assigned to this forum.")
    if context["more"]:
        document.add_paragraph(
            f"The {len(context['items'])} oldest of {context['total']:,} open challenges are "
            f"listed; the other {context['more']:,} are in the internal log."
        )
    for entry in context["items"]:
        challenge = entry["challenge"]
        where = entry["standing"]
        document.add_heading(f"Challenge {clean(challenge.reference)}", level=2)
        facts = [
            ("Raised", f"{_long(challenge.date_raised)}, {clean(challenge.meeting_as_recorded)}"),
            ("To", clean(entry["agencies"])),
            ("Challenge", clean(challenge.text)),
        ]
        if where.stage:
            state = f"Stage {where.stage.number} of {where.of}: {clean(where.stage.name)}"
            if where.awaiting_since:
                state += f"; response due by {_long(where.due)}"
                if where.late_by:
                    state += f", overdue by {where.late_by} working days"
            else:
                state += "; answered"
            facts.append(("Escalation", state))
        latest = entry["latest"]
        facts.append(
            (
                "Latest progress",
                f"{_long(latest.date) if latest.date else 'Date not recorded'}: "
                f"{clean(latest.text)}"
                if latest
                else "None yet",
            )
        )
        if entry["ready"]:
            facts.append(("Ready", "Ready to be agreed as assured"))
        for label, text in facts:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

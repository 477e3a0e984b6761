"""The chair's letter to an agency about a challenge: the partnership's own wording, with
{{ placeholders }} filled from the challenge, as a Word document and a PDF.

The wording is the partnership's text, not a Django template: only the placeholders below are
replaced, so nothing typed into it can reach the program.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string

from challengelog.followup.meetings import settings_for
from challengelog.followup.stages import stages, standing
from challengelog.insights.docx import clean
from challengelog.ops.marking import mark_docx, marking
from challengelog.register.models import Agency, Challenge

PLACEHOLDERS = {
    "partnership": "the partnership's name",
    "reference": "the challenge's reference",
    "date_raised": "the date it was raised",
    "meeting": "the meeting it was raised at",
    "agency": "the agency the letter is to",
    "lead": "the agency's lead: the named lead of its action, or its agency leads",
    "challenge": "the challenge",
    "actions": "the actions agreed for the agency (or the action as recorded)",
    "due": "the earliest due date of those actions, or the stage's response date",
    "stage": "the name of the escalation stage it is at",
    "stage_number": "the number of that stage",
    "stage_days": "the stage's timescale in working days",
    "today": "the date of the letter",
    "signatory": "who signs (from the follow-up settings)",
}
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _long(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not recorded"


@dataclass
class Letter:
    challenge: Challenge
    agency: Agency
    subject: str
    paragraphs: list[str]
    date: dt.date
    partnership_name: str

    @property
    def filename(self) -> str:
        return f"challenge-{self.challenge.reference}-letter-{self.agency.slug}"


def values(challenge: Challenge, agency: Agency, today: dt.date) -> dict[str, str]:
    conf = settings_for(challenge.partnership)
    where = standing(challenge, stages(challenge.partnership), today)
    actions = [a for a in challenge.actions.all() if a.completed_on is None]
    own = [a for a in actions if a.agency_id == agency.pk] or [
        a for a in actions if a.agency_id is None
    ]
    if own:
        action_text = "\n".join(
            f"{a.text}" + (f" (due {_long(a.due)})" if a.due else "") for a in own
        )
    else:
        action_text = challenge.action or "To be agreed."
    dues = sorted(a.due for a in own if a.due)
    due = dues[0] if dues else where.due
    named = sorted({a.lead for a in own if a.lead})
    if not named:
        named = sorted(
            str(m.user) for m in agency.leads.filter(user__is_active=True).select_related("user")
        )
    return {
        "partnership": challenge.partnership.name,
        "reference": challenge.reference,
        "date_raised": _long(challenge.date_raised),
        "meeting": challenge.forum.name if challenge.forum else "a meeting",
        "agency": agency.name,
        "lead": " and ".join(named) if named else f"{agency.name} lead",
        "challenge": challenge.text,
        "actions": action_text,
        "due": _long(due) if due else "the date agreed",
        "stage": where.stage.name if where.stage else "",
        "stage_number": str(where.stage.number) if where.stage else "",
        "stage_days": str(where.stage.days) if where.stage else "",
        "today": _long(today),
        "signatory": conf.signatory or f"Chair, {challenge.partnership.name}",
    }


def build(challenge: Challenge, agency: Agency, today: dt.date) -> Letter:
    conf = settings_for(challenge.partnership)
    filled = {name: clean(value) for name, value in values(challenge, agency, today).items()}
    body = fill(clean(conf.letter_body), filled)
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
    return Letter(
        challenge=challenge,
        agency=agency,
        subject=fill(clean(conf.letter_subject), filled),
        paragraphs=paragraphs,
        date=today,
        partnership_name=challenge.partnership.name,
    )


def to_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(25))
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    document.core_properties.title = letter.subject
    document.core_properties.author = letter.partnership_name
    head = document.add_paragraph()
    head.add_run(clean(letter.partnership_name)).bold = True
    mark_docx(document)
    document.add_paragraph(marking())
    document.add_paragraph(_long(letter.date))
    document.add_paragraph(f"To: {clean(letter.agency.name)}")
    document.add_heading(letter.subject, level=1)
    for paragraph in letter.paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(letter: Letter) -> bytes:
    from weasyprint import HTML

    from challengelog.publishing.downloads import url_fetcher

    html = render_to_string("followup/letter_pdf.html", {"letter": letter})
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf(pdf_variant="pdf/ua-1")

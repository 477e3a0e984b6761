"""The annual-report pack as a PDF: the pack's page, laid out for A4 and rendered by WeasyPrint
with a fetcher that loads nothing from outside the document."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

CSS_PATH = Path(__file__).parent / "templates" / "insights" / "report_pdf.css"


def to_html(context: dict) -> str:
    """The pack as one standalone HTML file, its styles inside it."""
    html = render_to_string("insights/report_pdf.html", context)
    style = CSS_PATH.read_text(encoding="utf-8")
    return html.replace("</head>", f"<style>{style}</style>\n</head>", 1)


def to_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML

    from challengelog.publishing.downloads import url_fetcher

    fetcher = url_fetcher()
    html = render_to_string("insights/report_pdf.html", context)
    stylesheet = CSS(string=CSS_PATH.read_text(encoding="utf-8"), url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")

"""The published log as files to download, whole or filtered."""

import tempfile
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from challengelog.publishing import downloads, services
from challengelog.register import filters
from challengelog.register.models import Partnership
from challengelog.site.views import public_page

PDF_ROW_LIMIT = 500
# A filtered Excel file is made on request up to this many rows (about ten seconds of work).
XLSX_ROW_LIMIT = 20_000
# Filtered CSV and JSON downloads of more rows than this are streamed, and Excel files are
# written to a temporary file (neither kept in the cache); smaller ones are built in memory
# and kept.
STREAM_ABOVE = 2000


@public_page
def download(request, slug, fmt):
    """The published log as a file. Without filters: the file built when it was published;
    with filters: built now from the published rows that match (a PDF up to 500 rows)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if fmt not in downloads.CONTENT_TYPES:
        raise Http404
    publication = partnership.publications.first()
    if publication is None:
        raise Http404("Nothing has been published yet")
    form = filters.LogFilters(
        request.GET or None, partnership=partnership, model=partnership.published.model
    )
    values = form.values()
    if form.errors:
        return render(
            request,
            "publishing/download_refused.html",
            {
                "partnership": partnership,
                "publication": publication,
                "message": "; ".join(
                    f"{form.fields[n].label}: {e[0]}" for n, e in form.errors.items()
                ),
            },
            status=400,
        )
    name = downloads.filename(partnership.slug, publication.published_at.date(), fmt)
    if not values and fmt in publication.files and Path(publication.files[fmt]).exists():
        # The file built at publish, sent in pieces from the disk.
        return FileResponse(
            Path(publication.files[fmt]).open("rb"),
            as_attachment=True,
            filename=name,
            content_type=downloads.CONTENT_TYPES[fmt],
        )
    rows = filters.apply(partnership.published.all(), form, values)
    count = rows.count()
    refusal = _too_many(fmt, count, filtered=bool(values))
    if refusal:
        return render(
            request,
            "publishing/download_refused.html",
            {"partnership": partnership, "publication": publication, "message": refusal},
            status=400,
        )
    if fmt in downloads.STREAMS and count > STREAM_ABOVE:
        # A large filtered CSV or JSON is written as it is read: never whole in memory.
        response = StreamingHttpResponse(
            downloads.STREAMS[fmt](services.iter_published_records(rows)),
            content_type=downloads.CONTENT_TYPES[fmt],
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if fmt == "xlsx" and count > STREAM_ABOVE:
        # Written row by row to a file that is gone once sent: never whole in memory. The
        # response closes it.
        handle = tempfile.TemporaryFile(prefix="challengelog-download-")  # noqa: SIM115
        downloads.write_xlsx(services.iter_published_records(rows), handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=name, content_type=downloads.CONTENT_TYPES[fmt]
        )
    records = services.published_records(rows)
    if fmt == "pdf":
        data = downloads.to_pdf(
            records,
            partnership_name=partnership.name,
            published=publication.published_at,
            note="Filtered: "
            + ", ".join(
                f"{form.fields[k].label} {form.label(k, v) if k != 'q' else v}"
                for k, v in values.items()
            )
            if values
            else "",
        )
    else:
        data = getattr(downloads, f"to_{fmt}")(records)
    response = HttpResponse(data, content_type=downloads.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _too_many(fmt: str, count: int, *, filtered: bool) -> str:
    """Why a file of ``count`` challenges is not made on request, or ""."""
    if fmt == "pdf" and count > PDF_ROW_LIMIT:
        if filtered:
            return (
                f"A filtered PDF holds at most {PDF_ROW_LIMIT:,} challenges and these filters "
                f"match {count:,}: narrow the filters, or download the CSV or Excel file."
            )
        return (
            f"The whole log's PDF is made for logs of up to {downloads.WHOLE_PDF_LIMIT:,} "
            f"challenges and this one has {count:,}: choose filters (a year, an agency) for a "
            f"PDF of up to {PDF_ROW_LIMIT:,}, or download the CSV or Excel file."
        )
    if fmt == "xlsx" and count > XLSX_ROW_LIMIT:
        if not filtered:
            return (
                f"This log has {count:,} challenges, more than an Excel file is made for on "
                f"request ({XLSX_ROW_LIMIT:,}): choose filters (a year, an agency), or "
                "download the CSV file."
            )
        return (
            f"A filtered Excel file holds at most {XLSX_ROW_LIMIT:,} challenges and these "
            f"filters match {count:,}: narrow the filters, or download the CSV file."
        )
    return ""

"""The protective marking (PROTECTIVE_MARKING) on every internal page and download: the pages,
the letter and the meeting papers (Word header and PDF), the report pack, and the internal
log's exports (spreadsheet header, file names). A marking that is not one is refused."""

import datetime as dt
import io
import os
import subprocess
import sys

import openpyxl
import pytest
import time_machine
from docx import Document

from tests.followup.test_documents import S, pdf_text
from tests.followup.test_documents import board_meeting as board_meeting  # a fixture
from tests.followup.test_documents import challenge as challenge  # a fixture


@pytest.fixture
def marked(settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL (TEST MARK)"
    return settings.PROTECTIVE_MARKING


def _headers(data: bytes) -> list[str]:
    return [p.text for s in Document(io.BytesIO(data)).sections for p in s.header.paragraphs]


def test_the_marking_is_on_every_internal_page_and_download(
    marked, as_user, challenge, board_meeting
):
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)):
        chair = as_user("chair")
        assert f"{marked}: internal to the partnership." in chair.get(f"{S}/log/").text
        documents = {
            "letter": (
                f"{S}/log/{challenge.reference}/letter.docx",
                f"{S}/log/{challenge.reference}/letter.pdf",
            ),
            "papers": (
                f"{S}/meetings/{board_meeting.pk}/papers.docx",
                f"{S}/meetings/{board_meeting.pk}/papers.pdf",
            ),
            "report": (f"{S}/report.docx?ryear=2016", f"{S}/report.pdf?ryear=2016"),
        }
        for name, (word, pdf) in documents.items():
            word = chair.get(word)
            assert word.status_code == 200, name
            assert _headers(word.content) == [marked], name
            assert Document(io.BytesIO(word.content)).core_properties.category == marked
            assert marked in pdf_text(chair.get(pdf).content), name
        for fmt in ("csv", "json", "xlsx"):
            export = chair.get(f"{S}/export.{fmt}")
            assert (
                'filename="OFFICIAL-TEST-MARK-southampton-internal-log-'
                in export["Content-Disposition"]
            )
        book = openpyxl.load_workbook(io.BytesIO(chair.get(f"{S}/export.xlsx").content))
        assert book.active.oddHeader.right.text == marked
        assert book.properties.category == marked
    # The public log carries none.
    assert marked not in as_user("anonymous").get("/southampton/log/").text


def test_a_marking_that_is_not_one_stops_the_start(tmp_path):
    env = {
        **os.environ,
        "PROTECTIVE_MARKING": '"; } body { display: none',
        "CHALLENGELOG_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "challengelog", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "is not a marking: use up to 60 letters" in result.stderr

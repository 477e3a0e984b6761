"""A round trip: the published log read over the API, imported into a new partnership with
`challengelog import`, exported again: the same data."""

import json
from io import StringIO

from django.core.management import call_command

from challengelog.publishing.downloads import PUBLIC_KEYS


def test_published_log_over_the_api_imports_and_exports_the_same(api, published, tmp_path):
    client = api("anonymous")
    records, url = [], "/api/partnerships/southampton/published/"
    while url:
        page = client.get(url).json()
        records += page["results"]
        url = page["next"]
    assert len(records) == 148
    path = tmp_path / "from-the-api.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    call_command("import", str(path), partnership="copy", name="Copy", stdout=StringIO())
    out = tmp_path / "copy.json"
    call_command("export", partnership="copy", format="json", output=str(out), stdout=StringIO())
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported) == 148

    def public(rows):
        return sorted(
            ({key: row[key] for key in PUBLIC_KEYS} for row in rows),
            key=lambda r: int(r["reference"]),
        )

    assert public(exported) == public(records)
